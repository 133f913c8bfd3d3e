/**
 * Applies the Cypher migrations in src/store/migrations in order, once each; every statement
 * is idempotent (IF NOT EXISTS) so a half-applied migration can simply run again.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { MIGRATIONS_DIR } from "../asset-paths.ts";
import type { Database } from "./database.ts";
import { bumpAllVersions } from "./graph-version.ts";

function splitStatements(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function migrate(db: Database): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith(".cypher")).sort();
  const applied = new Set(
    (await db.read("MATCH (m:Migration) RETURN m.id AS id")).map((r) => r.id as string),
  );
  const ran: string[] = [];
  for (const file of files) {
    if (applied.has(file)) continue;
    for (const statement of splitStatements(await readFile(path.join(MIGRATIONS_DIR, file), "utf8")))
      await db.write(statement);
    await db.write("MERGE (m:Migration {id: $id}) ON CREATE SET m.appliedAt = datetime()", { id: file });
    ran.push(file);
  }
  // Indexes build in the background; wait so the first queries can use them.
  await db.write("CALL db.awaitIndexes(300)");
  if (ran.length > 0) await bumpAllVersions(db);
  return ran;
}
