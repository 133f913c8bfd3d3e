/**
 * Re-running the migrations changes nothing: the global setup has applied them, a second run
 * applies none, and running every statement again (the markers removed, as after a crash
 * between a migration's statements and its marker) leaves the schema and the graph as they were.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Database } from "../../src/store/database.ts";
import { migrate } from "../../src/store/migrate.ts";

let db: Database;
beforeAll(() => {
  db = new Database(inject("neo4j"));
});
afterAll(async () => {
  await db.close();
});

async function schema() {
  const constraints = await db.read(
    "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties ORDER BY name",
  );
  const indexes = await db.read(
    "SHOW INDEXES YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties ORDER BY name",
  );
  return { constraints, indexes };
}

async function counts() {
  const rows = await db.read(
    "MATCH (n) WHERE NOT n:Migration RETURN count(n) AS nodes, COUNT { ()-[]->() } AS relationships",
  );
  return rows[0];
}

const markers = async () =>
  (await db.read("MATCH (m:Migration) RETURN m.id AS id ORDER BY id")).map((r) => r.id as string);

describe("migrations", () => {
  it("applies none the second time, and nothing changes", async () => {
    const before = { schema: await schema(), counts: await counts(), markers: await markers() };
    expect(before.markers.length).toBeGreaterThan(0);
    expect(before.schema.constraints.length).toBeGreaterThan(0);
    expect(await migrate(db)).toEqual([]);
    expect({ schema: await schema(), counts: await counts(), markers: await markers() }).toEqual(before);
  });

  it("runs every statement again without error or change when the markers are gone", async () => {
    const before = { schema: await schema(), counts: await counts(), markers: await markers() };
    await db.write("MATCH (m:Migration) DELETE m");
    expect(await migrate(db)).toEqual(before.markers);
    expect({ schema: await schema(), counts: await counts(), markers: await markers() }).toEqual(before);
  });
});
