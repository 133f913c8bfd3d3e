import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.ts";
import {
  assertMayCreateRoot,
  assertScope,
  idsOf,
  type Named,
  type ScopeFacts,
  scopeRefusal,
  unknownId,
} from "../../src/auth/scope.ts";

const editor: Principal = { role: "editor", subject: "e", scopes: ["tinh"] };
const admin: Principal = { role: "admin", subject: "a", scopes: [] };
// "tinh" is the editor's root; "huyen" and "xa" lie below it; "khac" lies outside.
const facts: ScopeFacts = { within: new Set(["tinh", "huyen", "xa"]), below: new Set(["huyen", "xa"]) };

describe("scopeRefusal", () => {
  it("lets an editor touch units inside their subtrees, the root included", () => {
    expect(
      scopeRefusal(editor, "createUnit", [{ argument: "input.superiorId", ids: ["tinh"] }], facts),
    ).toBeNull();
    expect(
      scopeRefusal(editor, "closeUnit", [{ argument: "id", ids: ["xa"], structural: true }], facts),
    ).toBeNull();
  });

  it("refuses an outside unit, naming the argument and the id", () => {
    const err = scopeRefusal(
      editor,
      "addRelation",
      [
        { argument: "input.fromId", ids: ["huyen"] },
        { argument: "input.toId", ids: ["khac"] },
      ],
      facts,
    );
    expect(err?.code).toBe("FORBIDDEN");
    expect(err?.message).toBe('addRelation: input.toId "khac" is outside your scope (tinh)');
    expect(err?.details).toMatchObject({ rule: "EDITOR_SCOPE", argument: "input.toId", units: ["khac"] });
  });

  it("names every outside argument at once", () => {
    const err = scopeRefusal(
      editor,
      "mergeUnits",
      [
        { argument: "input.sourceIds", ids: ["huyen", "khac"] },
        { argument: "input.superiorId", ids: ["khac-2"] },
      ],
      facts,
    );
    expect(err?.message).toBe(
      'mergeUnits: input.sourceIds "khac"; input.superiorId "khac-2" are outside your scope (tinh)',
    );
    expect(err?.details.units).toEqual(["khac", "khac-2"]);
  });

  it("shows a unit read from the graph by its label, never by its id", () => {
    const err = scopeRefusal(
      editor,
      "endRelation",
      [{ argument: "relationId", ids: ["khac"], label: '"r-1"' }],
      facts,
    );
    expect(err?.message).toBe('endRelation: relationId "r-1" is outside your scope (tinh)');
    expect(err?.message).not.toContain("khac");
    expect(err?.details.units).toEqual([]);
  });

  it("refuses to move, close, split or merge away a scope root", () => {
    const err = scopeRefusal(
      editor,
      "splitUnit",
      [{ argument: "input.sourceId", ids: ["tinh"], structural: true }],
      facts,
    );
    expect(err?.code).toBe("FORBIDDEN");
    expect(err?.details).toMatchObject({ rule: "SCOPE_ROOT", argument: "input.sourceId", units: ["tinh"] });
    expect(err?.message).toMatch(/^splitUnit: input.sourceId "tinh" is the root of your scope/);
  });

  it("reports outside units before scope roots", () => {
    const named: Named[] = [
      { argument: "unitId", ids: ["tinh"], structural: true },
      { argument: "superiorId", ids: ["khac"] },
    ];
    expect(scopeRefusal(editor, "setSuperior", named, facts)?.details.rule).toBe("EDITOR_SCOPE");
  });

  it("quotes at most the first ten ids of a long list, and counts the rest", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `x${String(i).padStart(5, "0")}`);
    const err = scopeRefusal(editor, "mergeUnits", [{ argument: "input.sourceIds", ids }], facts);
    const quoted = ids
      .slice(0, 10)
      .map((id) => `"${id}"`)
      .join(", ");
    expect(err?.message).toBe(
      `mergeUnits: input.sourceIds ${quoted} and 1,990 more are outside your scope (tinh)`,
    );
    expect(err?.message).not.toContain(ids[10]);
    // The extension still lists every id the caller gave, for clients that point at them.
    expect(err?.details.units).toEqual(ids);
  });

  it("lets an admin do anything", () => {
    expect(
      scopeRefusal(admin, "splitUnit", [{ argument: "input.sourceId", ids: ["khac"], structural: true }], {
        within: new Set(),
        below: new Set(),
      }),
    ).toBeNull();
  });

  it("ignores absent optional ids", () => {
    expect(idsOf([{ argument: "input.host", ids: [null, undefined] }])).toEqual([]);
    expect(scopeRefusal(editor, "updateUnit", [{ argument: "input.host", ids: [null] }], facts)).toBeNull();
  });
});

describe("assertScope", () => {
  it("looks the units up only for editors, and throws the refusal", async () => {
    const asked: string[][] = [];
    const lookup = async (ids: readonly string[]) => {
      asked.push([...ids]);
      return facts;
    };
    await expect(
      assertScope(editor, "updateUnit", [{ argument: "input.id", ids: ["khac"] }], lookup),
    ).rejects.toMatchObject({ code: "FORBIDDEN", details: { argument: "input.id" } });
    await assertScope(admin, "updateUnit", [{ argument: "input.id", ids: ["khac"] }], lookup);
    expect(asked).toEqual([["khac"]]);
  });
});

describe("unknownId", () => {
  it("answers an editor exactly as for an outside id, and an admin NOT_FOUND", () => {
    const unknown = unknownId(editor, "endRelation", "relation", "relationId", "r-9");
    // Both ends of an existing relation outside: named once, by the relation's id.
    const outside = scopeRefusal(
      editor,
      "endRelation",
      [
        { argument: "relationId", ids: ["khac"], label: '"r-9"', structural: true },
        { argument: "relationId", ids: ["khac-2"], label: '"r-9"' },
      ],
      facts,
    );
    expect(unknown.code).toBe("FORBIDDEN");
    expect(unknown.message).toBe(outside?.message);
    expect(unknown.details).toEqual(outside?.details);
    const forAdmin = unknownId(admin, "endRelation", "relation", "relationId", "r-9");
    expect(forAdmin.code).toBe("NOT_FOUND");
    expect(forAdmin.details.argument).toBe("relationId");
  });
});

describe("assertMayCreateRoot", () => {
  it("lets only an admin create a unit without a superior", () => {
    expect(() => assertMayCreateRoot(editor, "createUnit")).toThrow(/only an admin/);
    expect(() => assertMayCreateRoot(admin, "createUnit")).not.toThrow();
  });
});
