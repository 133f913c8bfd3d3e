/** The contract check's rules (scripts/contract-diff.ts) on small schemas: what fails, what is reported, what a mark allows. */
import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import {
  changeKey,
  compareContract,
  contractHolds,
  deprecationsWithoutReason,
  marksFileSchema,
  publishedArtefacts,
} from "../../scripts/contract-diff.ts";

const released = buildSchema(`
  enum Frequency { MONTHLY QUARTERLY }
  type Unit { id: ID! name: String! formerName: String }
  type Query { unit(id: ID!): Unit units(first: Int): [Unit!]! frequencies: [Frequency!]! }
`);

describe("compareContract", () => {
  it("detects a removed field as a breaking change that is not marked", () => {
    const current = buildSchema(`
      enum Frequency { MONTHLY QUARTERLY }
      type Unit { id: ID! name: String! }
      type Query { unit(id: ID!): Unit units(first: Int): [Unit!]! frequencies: [Frequency!]! }
    `);
    const report = compareContract(released, current, []);
    expect(report.unmarked.map(changeKey)).toEqual(["FIELD_REMOVED: Unit.formerName was removed."]);
    expect(contractHolds(report)).toBe(false);
  });

  it("detects a new required argument and a changed field type", () => {
    const current = buildSchema(`
      enum Frequency { MONTHLY QUARTERLY }
      type Unit { id: ID! name: String formerName: String }
      type Query { unit(id: ID!, asOf: String!): Unit units(first: Int): [Unit!]! frequencies: [Frequency!]! }
    `);
    const keys = compareContract(released, current, []).unmarked.map(changeKey);
    expect(keys).toContain("REQUIRED_ARG_ADDED: A required arg asOf on Query.unit was added.");
    expect(keys).toContain("FIELD_CHANGED_KIND: Unit.name changed type from String! to String.");
  });

  it("reports a dangerous change (an enum value added) without failing", () => {
    const current = buildSchema(`
      enum Frequency { MONTHLY QUARTERLY YEARLY }
      type Unit { id: ID! name: String! formerName: String }
      type Query { unit(id: ID!): Unit units(first: Int): [Unit!]! frequencies: [Frequency!]! }
    `);
    const report = compareContract(released, current, []);
    expect(report.dangerous.map(changeKey)).toEqual([
      "VALUE_ADDED_TO_ENUM: YEARLY was added to enum type Frequency.",
    ]);
    expect(report.unmarked).toEqual([]);
    expect(contractHolds(report)).toBe(true);
  });

  it("accepts a breaking change that a mark names, and only that one", () => {
    const current = buildSchema(`
      enum Frequency { MONTHLY }
      type Unit { id: ID! name: String! }
      type Query { unit(id: ID!): Unit units(first: Int): [Unit!]! frequencies: [Frequency!]! }
    `);
    const mark = { change: "FIELD_REMOVED: Unit.formerName was removed.", reason: "deprecated since 0.1.0" };
    const report = compareContract(released, current, [mark]);
    expect(report.accepted.map(changeKey)).toEqual([mark.change]);
    expect(report.unmarked.map(changeKey)).toEqual([
      "VALUE_REMOVED_FROM_ENUM: QUARTERLY was removed from enum type Frequency.",
    ]);
    expect(contractHolds(report)).toBe(false);
  });

  it("fails on a mark that names no change, and holds for an unchanged schema", () => {
    const stale = {
      change: "FIELD_REMOVED: Unit.gone was removed.",
      reason: "typo in the name of the field",
    };
    const report = compareContract(released, released, [stale]);
    expect(report.unusedMarks).toEqual([stale]);
    expect(contractHolds(report)).toBe(false);
    expect(contractHolds(compareContract(released, released, []))).toBe(true);
  });
});

describe("marks file", () => {
  it("needs a reason of some length for each accepted change", () => {
    expect(marksFileSchema.safeParse({ accepted: [{ change: "X: y", reason: "" }] }).success).toBe(false);
    expect(marksFileSchema.safeParse({ accepted: [{ change: "X: y" }] }).success).toBe(false);
    expect(marksFileSchema.parse({}).accepted).toEqual([]);
  });
});

describe("deprecationsWithoutReason", () => {
  it("names each @deprecated without a reason, not those with one", () => {
    const typeDefs = parse(`
      type Unit {
        a: String @deprecated
        b: String @deprecated(reason: "Use c.")
        c(old: Int @deprecated(reason: "")): String
      }
      enum E { X @deprecated }
    `);
    expect(deprecationsWithoutReason(typeDefs)).toEqual(["Unit.a", "Unit.c.old", "E.X"]);
  });
});

describe("publishedArtefacts", () => {
  it("prints the same artefacts whatever the order the types were written in", () => {
    const other = buildSchema(`
      type Query { frequencies: [Frequency!]! units(first: Int): [Unit!]! unit(id: ID!): Unit }
      type Unit { formerName: String name: String! id: ID! }
      enum Frequency { QUARTERLY MONTHLY }
    `);
    const a = publishedArtefacts(released);
    const b = publishedArtefacts(other);
    expect(b.sdl).toBe(a.sdl);
    expect(b.introspection).toBe(a.introspection);
    expect(JSON.parse(a.introspection).__schema.queryType.name).toBe("Query");
  });
});
