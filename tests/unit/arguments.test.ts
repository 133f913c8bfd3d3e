import { type GraphQLField, type GraphQLResolveInfo, getNamedType, isObjectType, parse } from "graphql";
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config.ts";
import { DomainError } from "../../src/domain/errors.ts";
import {
  checkRepresentations,
  decodeCursor,
  depthCursor,
  distinctIdsArg,
  effectiveDateArg,
  encodeCursor,
  holdsChecked,
  isChangeCursor,
  isIdCursor,
  sinceArg,
} from "../../src/graphql/arguments.ts";
import type { Context } from "../../src/graphql/context.ts";
import { buildSchema, entityKeys, readTypeDefs } from "../../src/graphql/schema.ts";

/** The error `f` throws, for assertions on its code and details. */
function errorOf(f: () => unknown): DomainError {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected an error");
}

const raw = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

describe("cursors", () => {
  it("round-trips the cursors the service makes", () => {
    expect(decodeCursor(encodeCursor({ id: "tinh-uy-lam-dong" }), isIdCursor)).toEqual({
      id: "tinh-uy-lam-dong",
    });
    expect(decodeCursor(encodeCursor({ id: "xa-a", depth: 3 }), depthCursor(10))).toEqual({
      id: "xa-a",
      depth: 3,
    });
    const change = { at: "2026-12-01T09:17:08.123456789Z", id: "chg-0b6f5a53-8f0e-4d36-9a57-0c2b6f2b9d11" };
    expect(decodeCursor(encodeCursor(change), isChangeCursor)).toEqual(change);
  });

  it("refuses forged and out-of-range cursors, naming the argument", () => {
    const forged = [
      raw({ id: "x", depth: 1e308 }),
      raw({ id: "x", depth: 0 }),
      raw({ id: "x", depth: 11 }),
      raw({ id: "x", depth: 1.5 }),
      raw({ id: "X Y", depth: 1 }),
      raw({ id: "x", depth: 1, extra: true }),
      raw(["x", 1]),
      "not-base64-json",
      "a".repeat(10_000),
    ];
    for (const cursor of forged) {
      const e = errorOf(() => decodeCursor(cursor, depthCursor(10)));
      expect(e.code).toBe("BAD_USER_INPUT");
      expect(e.details.argument).toBe("after");
    }
    expect(errorOf(() => decodeCursor(raw({ id: 5 }), isIdCursor)).details.argument).toBe("after");
    for (const change of [
      { at: "2025-02-30T00:00:00Z", id: "chg-0b6f5a53-8f0e-4d36-9a57-0c2b6f2b9d11" },
      { at: "yesterday", id: "chg-0b6f5a53-8f0e-4d36-9a57-0c2b6f2b9d11" },
      { at: "2026-12-01T09:17:08Z", id: "chg-1' OR 1=1" },
    ])
      expect(errorOf(() => decodeCursor(raw(change), isChangeCursor)).code).toBe("BAD_USER_INPUT");
  });
});

describe("since", () => {
  it("takes a date as the start of that day in Vietnam, or a date-time with an offset", () => {
    expect(sinceArg(null)).toBeNull();
    expect(sinceArg("2025-07-01")).toBe("2025-07-01T00:00:00+07:00");
    expect(sinceArg("2025-07-01T08:00:00Z")).toBe("2025-07-01T08:00:00Z");
  });

  it("refuses what is not one, naming `since`", () => {
    for (const bad of ["2025-02-30", "March 7, 2024", "1", "2025-07-01T08:00:00"]) {
      const e = errorOf(() => sinceArg(bad));
      expect(e.code).toBe("BAD_USER_INPUT");
      expect(e.details.argument).toBe("since");
    }
  });
});

describe("effective dates", () => {
  const ctx = {
    today: "2026-12-01",
    config: { EFFECTIVE_DATE_MIN: "1930-01-01", EFFECTIVE_DATE_MAX_YEARS_AHEAD: 5 } as Config,
  } as Context;

  it("accepts dates from the configured minimum to today plus the configured years", () => {
    expect(effectiveDateArg("1930-01-01", ctx, "input.effectiveOn")).toBe("1930-01-01");
    expect(effectiveDateArg("2031-12-01", ctx, "input.effectiveOn")).toBe("2031-12-01");
  });

  it("refuses dates outside it, and non-dates, naming the argument", () => {
    for (const bad of ["9999-12-31", "2031-12-02", "1929-12-31", "2025-02-30", "1"]) {
      const e = errorOf(() => effectiveDateArg(bad, ctx, "input.effectiveOn"));
      expect(e.code).toBe("BAD_USER_INPUT");
      expect(e.details.argument).toBe("input.effectiveOn");
    }
  });
});

describe("repeated ids", () => {
  it("are refused naming the argument and the id", () => {
    const e = errorOf(() => distinctIdsArg(["a", "b", "a"], "input.sourceIds"));
    expect(e.details.argument).toBe("input.sourceIds");
    expect(e.message).toContain('"a"');
    expect(distinctIdsArg(["a", "b"], "input.sourceIds")).toEqual(["a", "b"]);
  });
});

describe("_entities representations", () => {
  const keys = entityKeys(parse(readTypeDefs()));

  it("knows the entity types of the schema and their keys", () => {
    expect(keys.get("Unit")).toEqual(["id"]);
    expect([...keys.keys()].sort()).toEqual([
      "Citation",
      "Document",
      "Event",
      "Plan",
      "Position",
      "Rule",
      "Task",
      "Unit",
    ]);
  });

  it("accepts references with a known type and string keys", () => {
    expect(() => checkRepresentations([{ __typename: "Unit", id: "tinh-uy-lam-dong" }], keys)).not.toThrow();
  });

  it("refuses anything else, naming `representations` and the index", () => {
    const cases: [unknown[], number, RegExp][] = [
      [[{}], 0, /unknown __typename/],
      [[123], 0, /must be an object/],
      [[{ __typename: "Unit", id: "a" }, { __typename: "Nope" }], 1, /unknown __typename "Nope"/],
      [[{ __typename: "Unit" }], 0, /key field "id"/],
      [[{ __typename: "Unit", id: 5 }], 0, /key field "id"/],
      [[null], 0, /must be an object/],
      [[[{ __typename: "Unit", id: "a" }]], 0, /must be an object/],
      [
        [
          { __typename: "Unit", id: "a" },
          { __typename: "Unit", id: "b", x: [[[]]] },
        ],
        1,
        /only __typename and its key fields \(id\), not "x"/,
      ],
    ];
    for (const [representations, index, message] of cases) {
      const e = errorOf(() => checkRepresentations(representations, keys));
      expect(e.code).toBe("BAD_USER_INPUT");
      expect(e.details).toMatchObject({ argument: "representations", index });
      expect(e.message).toMatch(message);
    }
  });
});

describe("dates in every argument", () => {
  const schema = buildSchema();
  const field = (type: string, name: string) => {
    const t = schema.getType(type);
    if (!isObjectType(t)) throw new Error(`${type} is not an object type`);
    return t.getFields()[name] as GraphQLField<unknown, unknown>;
  };
  // The guard throws before the resolver runs: no context, no database is needed to see it.
  const run = (type: string, name: string, args: Record<string, unknown>) =>
    errorOf(() => field(type, name).resolve?.({}, args, {}, {} as GraphQLResolveInfo));

  it("are checked before the resolver, named by their path", () => {
    expect(run("Unit", "superior", { asOf: "2025-02-30" }).details.argument).toBe("asOf");
    expect(run("Task", "overdue", { asOf: "March 7, 2024" }).details.argument).toBe("asOf");
    expect(run("Query", "unit", { id: "no-such-unit", asOf: "1" }).details.argument).toBe("asOf");
    const input = {
      type: "LEADS",
      fromId: "a",
      toId: "b",
      validFrom: "2025-07-01",
      validTo: "2025-13-01",
      basis: [],
    };
    expect(run("Mutation", "addRelation", { input }).details.argument).toBe("input.validTo");
  });

  it("covers every field that takes a Date", () => {
    const guarded: string[] = [];
    for (const type of Object.values(schema.getTypeMap()))
      if (isObjectType(type) && !type.name.startsWith("__"))
        for (const f of Object.values(type.getFields()))
          if (f.args.some((a) => holdsChecked(a.type))) guarded.push(`${type.name}.${f.name}`);
    expect(guarded).toContain("Query.reportingCalendar");
    expect(guarded).toContain("Mutation.mergeUnits");
    for (const name of guarded) {
      const [type, fieldName] = name.split(".") as [string, string];
      const dated = field(type, fieldName).args.find((a) => getNamedType(a.type).name === "Date");
      if (!dated) continue; // dates inside an input object: the mutation cases above
      expect(run(type, fieldName, { [dated.name]: "2025-02-30" }).details.argument).toBe(dated.name);
    }
  });
});

describe("ids in every argument", () => {
  it("are at most 512 characters, named by their path", () => {
    const t = buildSchema().getType("Query");
    const unit = isObjectType(t) ? t.getFields().unit : undefined;
    const e = errorOf(() => unit?.resolve?.({}, { id: "x".repeat(100_000) }, {}, {} as GraphQLResolveInfo));
    expect(e.details.argument).toBe("id");
    expect(e.message.length).toBeLessThan(200);
  });
});
