/**
 * The seed in a real Neo4j: counts per kind and relation type match the files, every
 * relation's basis resolves to a provision, a second load changes nothing, and every kind
 * of bad seed is rejected with its message while the database stays untouched.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadSeedFiles, readAndValidateSeed } from "../../src/seed/load-seed.ts";
import { readSeedFiles } from "../../src/seed/read-seed.ts";
import { type SeedFile, SeedValidationError } from "../../src/seed/validate-seed.ts";
import { Database } from "../../src/store/database.ts";
import { graphSnapshot } from "./helpers/graph-snapshot.ts";

let db: Database;

beforeAll(() => {
  db = new Database(inject("neo4j"));
});
afterAll(async () => {
  await db.close();
});

function count<T>(items: T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

describe("the loaded seed", () => {
  it("has the units of every kind that the seed files define", async () => {
    const seed = await readAndValidateSeed();
    const rows = await db.read("MATCH (u:Unit) WHERE u.origin = 'seed' RETURN u.kind AS kind, count(*) AS n");
    expect(Object.fromEntries(rows.map((r) => [r.kind, r.n]))).toEqual(count(seed.units, (u) => u.kind));
    // The documents name units at every level; the seed covers them all.
    for (const kind of [
      "CENTRAL_COMMITTEE",
      "SECRETARIAT",
      "PROVINCIAL_COMMITTEE",
      "STANDING_BOARD",
      "AGENCIES_BLOC_COMMITTEE",
      "COMMUNE_COMMITTEE",
      "BASIC_PARTY_CELL",
      "GOVERNMENT_PARTY_COMMITTEE",
    ])
      expect(rows.find((r) => r.kind === kind)?.n, kind).toBeGreaterThan(0);
  });

  it("has the relations of every type that the seed files define", async () => {
    const seed = await readAndValidateSeed();
    const rows = await db.read(
      "MATCH (:Unit)-[r]->(:Unit) WHERE r.origin = 'seed' AND NOT type(r) IN ['DIRECTS','LEADS_ADVICE','COORDINATES','CARRIES_OUT'] RETURN type(r) AS type, count(*) AS n",
    );
    expect(Object.fromEntries(rows.map((r) => [r.type, r.n]))).toEqual(count(seed.relations, (r) => r.type));
    for (const type of ["SUBORDINATE_TO", "PART_OF", "LEADS", "REPORTS_TO", "COORDINATES_WITH", "ADVISES"])
      expect(rows.find((r) => r.type === type)?.n, type).toBeGreaterThan(0);
  });

  it("gives every relation a basis that resolves to provisions of documents, empty only when marked synthetic", async () => {
    const rows = await db.read(
      `MATCH (a:Unit)-[r]->(b) WHERE r.origin = 'seed'
       OPTIONAL MATCH (p:Provision)-[:IN_DOCUMENT]->(:Document) WHERE p.id IN r.basis
       WITH a, r, b, count(p) AS resolved
       WHERE r.basis IS NULL OR (size(r.basis) = 0 AND r.synthetic <> true) OR resolved < size(r.basis)
       RETURN a.id AS from, type(r) AS type, b.id AS to, r.basis AS basis`,
    );
    expect(rows).toEqual([]);
    // The synthetic ones exist (the organs of provinces none of the documents is about) and cite nothing.
    const synthetic = await db.read(
      `MATCH (:Unit)-[r]->(:Unit) WHERE r.origin = 'seed' AND r.synthetic = true RETURN size(r.basis) AS n`,
    );
    expect(synthetic.length).toBeGreaterThan(0);
    expect(new Set(synthetic.map((x) => Number(x.n)))).toEqual(new Set([0]));
  });

  it("traces every non-synthetic unit back to a provision, and marks the rest synthetic", async () => {
    const rows = await db.read(
      `MATCH (u:Unit) WHERE u.origin = 'seed'
       OPTIONAL MATCH (p:Provision) WHERE p.id IN u.source
       WITH u, count(p) AS resolved
       WHERE (u.synthetic = false AND (size(u.source) = 0 OR resolved < size(u.source))) OR (u.synthetic = true AND size(u.source) > 0)
       RETURN u.id AS id`,
    );
    expect(rows).toEqual([]);
  });

  it("holds 138-QĐ/TW replacing 98-QĐ/TW, with its issuer and signer", async () => {
    const rows = await db.read(
      `MATCH (d:Document {number: '138-QĐ/TW'})-[:REPLACES]->(old:Document)
       OPTIONAL MATCH (d)-[:ISSUED_BY]->(issuer:Unit)
       RETURN old.number AS old, toString(old.issuedOn) AS oldDate, issuer.id AS issuer, d.signer AS signer`,
    );
    expect(rows).toEqual([
      { old: "98-QĐ/TW", oldDate: "2004-03-22", issuer: "ban-bi-thu", signer: "Trương Thị Mai" },
    ]);
  });

  it("holds the Quảng Ngãi plan for Nghị quyết 21 with every task's roles and a structured deadline", async () => {
    const rows = await db.read(
      `MATCH (t:Task)-[:IN_PLAN]->(p:Plan)
       OPTIONAL MATCH (u:Unit)-[r]->(t)
       RETURN p.id AS plan, count(DISTINCT t) AS tasks, count(r) AS roles,
              collect(DISTINCT t.deadlineType) AS deadlineTypes, collect(DISTINCT type(r)) AS roleTypes`,
    );
    expect(rows[0]?.tasks as number).toBeGreaterThanOrEqual(30);
    expect(rows[0]?.roleTypes).toEqual(
      expect.arrayContaining(["DIRECTS", "LEADS_ADVICE", "COORDINATES", "CARRIES_OUT"]),
    );
    expect(rows[0]?.deadlineTypes).toEqual(expect.arrayContaining(["QUARTER", "ONGOING"]));
    const targets = await db.read("MATCH (t:Target) RETURN count(t) AS n");
    expect(targets[0]?.n as number).toBeGreaterThanOrEqual(3);
  });

  it("is a no-op when loaded a second time", async () => {
    const before = await graphSnapshot(db);
    await loadSeedFiles(db, await readSeedFiles());
    const after = await graphSnapshot(db);
    expect(after).toEqual(before);
  });
});

describe("a bad seed", () => {
  type Entry = Record<string, unknown>;
  const mutations: { name: string; mutate: (files: SeedFile[]) => void; message: RegExp; field: string }[] = [
    {
      name: "an unknown kind",
      mutate: (files) => {
        firstUnit(files).kind = "PROVINCE";
      },
      message: /Invalid option|expected one of/i,
      field: "kind",
    },
    {
      name: "a dangling id",
      mutate: (files) => {
        firstRelation(files).to = "khong-ton-tai";
      },
      message: /unknown unit "khong-ton-tai"/,
      field: "to",
    },
    {
      name: "a malformed date",
      mutate: (files) => {
        firstUnit(files).validFrom = "2025-02-30";
      },
      message: /must be a real date/,
      field: "validFrom",
    },
    {
      name: "an inverted interval",
      mutate: (files) => {
        const u = firstUnit(files);
        u.validFrom = "2030-01-01";
        u.validTo = "2029-01-01";
      },
      message: /validTo 2029-01-01 is before validFrom 2030-01-01/,
      field: "validTo",
    },
    {
      name: "a cycle in SUBORDINATE_TO",
      mutate: (files) => {
        const rel = allRelations(files).find(
          (r) => r.type === "SUBORDINATE_TO" && r.to === "bch-trung-uong",
        ) as Entry;
        relationsOf(files).push({
          type: "SUBORDINATE_TO",
          from: "bch-trung-uong",
          to: rel.from,
          basis: rel.basis,
        });
      },
      message: /cycle/,
      field: "to",
    },
    {
      name: "two active direct superiors",
      mutate: (files) => {
        const rel = allRelations(files).find(
          (r) => r.type === "SUBORDINATE_TO" && !r.validTo && !r.validFrom,
        ) as Entry;
        relationsOf(files).push({ ...rel, id: undefined, to: "bch-trung-uong" });
      },
      message: /two direct superiors/,
      field: "validFrom",
    },
  ];

  function entries(files: SeedFile[], key: string): Entry[] {
    return files.flatMap((f) => ((f.content as Record<string, Entry[]> | null)?.[key] ?? []) as Entry[]);
  }
  const firstUnit = (files: SeedFile[]) => entries(files, "units")[0] as Entry;
  const allRelations = (files: SeedFile[]) => entries(files, "relations");
  const firstRelation = (files: SeedFile[]) => allRelations(files)[0] as Entry;
  const relationsOf = (files: SeedFile[]) => {
    const file = files.find((f) =>
      Array.isArray((f.content as Record<string, unknown>)?.relations),
    ) as SeedFile;
    return (file.content as Record<string, Entry[]>).relations as Entry[];
  };

  for (const m of mutations) {
    it(`is rejected for ${m.name}, naming file, entry and field, and the database is untouched`, async () => {
      const files = structuredClone(await readSeedFiles());
      m.mutate(files);
      const before = await graphSnapshot(db);
      const error = await loadSeedFiles(db, files).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SeedValidationError);
      const issues = (error as SeedValidationError).issues;
      expect(
        issues.some(
          (i) =>
            m.message.test(i.message) &&
            i.field.endsWith(m.field) &&
            i.file.endsWith(".yaml") &&
            i.entry.length > 0,
        ),
      ).toBe(true);
      expect((error as Error).message).toMatch(m.message);
      expect(await graphSnapshot(db)).toEqual(before);
    });
  }
});
