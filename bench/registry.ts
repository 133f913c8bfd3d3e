/**
 * `npx tsx bench/registry.ts [--rows 10000]`: the registry import at scale, against a throwaway
 * embedded Neo4j with the seed. A file of N rows — a new province under the Central Committee,
 * 100 communes and the rest party cells under them, each with a registry code — as CSV and as
 * .xlsx: the dry run, the apply (one transaction), and the same file again (nothing to change),
 * each with its wall time, the process's heap growth and its peak RSS. Prints Markdown.
 * `--profile`: the apply only, with the time of each kind of statement it ran.
 * Neo4j listens on Bolt BENCH_BOLT_PORT (default 7851, this bench's port on the shared machine).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import ExcelJS from "exceljs";
import type { Principal } from "../src/auth/principal.ts";
import { effectiveDateRange } from "../src/domain/dates.ts";
import { csvLine } from "../src/explorer/export-formats.ts";
import { ensureNeo4jBuilt, startEmbeddedNeo4j } from "../src/neo4j/launcher.ts";
import { importRegistry } from "../src/registry/import-service.ts";
import { UNIT_COLUMNS } from "../src/registry/layout.ts";
import { loadSeed } from "../src/seed/load-seed.ts";
import { Database } from "../src/store/database.ts";
import { migrate } from "../src/store/migrate.ts";
import { randomBenchSecret } from "./secrets.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "10000" },
    "apply-rows": { type: "string", default: "10000" },
    // Time every statement and print the ten slowest kinds after the apply (the statements
    // of the change path included); skips the dry runs.
    profile: { type: "boolean", default: false },
  },
});
const ROWS = Number(values.rows);
/** Rows of the file that is applied (the dry runs read ROWS). */
const APPLY_ROWS = Number(values["apply-rows"]);
const ON = "2026-01-01";
const BASIS = "dieu-le-dang-whole";
const ADMIN: Principal = { role: "admin", subject: "bench-registry", scopes: [] };

function rows(n: number, prefix: string): string[][] {
  const header = UNIT_COLUMNS.map((c) => c.header);
  const row = (id: string, code: string, name: string, kind: string, superior: string) => {
    const r: Record<string, string> = {
      id,
      registryCode: code,
      name,
      kind,
      superiorId: superior,
      basis: BASIS,
    };
    return UNIT_COLUMNS.map((c) => r[c.key] ?? "");
  };
  const out = [
    header,
    row(`${prefix}tinh`, `${prefix}T`, "Tỉnh ủy Thử", "PROVINCIAL_COMMITTEE", "bch-trung-uong"),
  ];
  const communes = 100;
  for (let i = 0; i < communes && out.length <= n; i++)
    out.push(
      row(`${prefix}xa-${i}`, `${prefix}X${i}`, `Đảng ủy xã ${i}`, "COMMUNE_COMMITTEE", `${prefix}tinh`),
    );
  for (let i = 0; out.length <= n; i++)
    out.push(
      row(
        `${prefix}cb-${i}`,
        `${prefix}C${i}`,
        `Chi bộ ${i}`,
        "BASIC_PARTY_CELL",
        `${prefix}X${i % communes}`,
      ),
    );
  return out;
}

async function xlsxOf(table: string[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Đơn vị");
  for (const r of table) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function measure<T>(
  label: string,
  work: () => Promise<T>,
  describe: (t: T) => string,
): Promise<string> {
  global.gc?.();
  const heap = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  const grown = (process.memoryUsage().heapUsed - heap) / 2 ** 20;
  const rss = process.resourceUsage().maxRSS / 1024;
  return `| ${label} | ${(ms / 1000).toFixed(1)} s | ${grown.toFixed(0)} MB | ${rss.toFixed(0)} MB | ${describe(result)} |`;
}

/** Times every statement `db` runs, grouped by its first lines; returns the report as Markdown. */
function profiler(db: Database): () => string {
  const seen = new Map<string, { n: number; ms: number }>();
  db.observer = {
    started(cypher) {
      const t = performance.now();
      const key = cypher.replace(/\s+/g, " ").trim().slice(0, 110);
      return () => {
        const s = seen.get(key) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += performance.now() - t;
        seen.set(key, s);
      };
    },
  };
  return () =>
    [
      "\n| statement (start) | runs | total |\n|---|---|---|",
      ...[...seen.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 12)
        .map(([k, s]) => `| \`${k.replace(/\|/g, "\\|")}\` | ${s.n} | ${(s.ms / 1000).toFixed(1)} s |`),
    ].join("\n");
}

async function main(): Promise<void> {
  await ensureNeo4jBuilt();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "registry-bench-"));
  // A throwaway store: a password for this run only.
  const password = randomBenchSecret();
  const neo4j = await startEmbeddedNeo4j({
    boltPort: Number(process.env.BENCH_BOLT_PORT ?? 7851),
    dataDir,
    password,
    heapMb: 1024,
    pageCacheMb: 256,
    startTimeoutMs: 600_000,
    log: () => {},
  });
  const db = new Database({
    uri: neo4j.uri,
    user: neo4j.user,
    password,
    writeTimeoutMs: 3_600_000,
  });
  try {
    await db.verify();
    await migrate(db);
    await loadSeed(db);
    const csvOf = (table: string[][]) =>
      new TextEncoder().encode(`\uFEFF${table.map((r) => csvLine(r)).join("")}`);
    const csv = csvOf(rows(ROWS, "bc-"));
    const small = csvOf(rows(APPLY_ROWS, "ba-"));
    const xlsx = await xlsxOf(rows(ROWS, "bx-"));
    const said = (r: Awaited<ReturnType<typeof importRegistry>>) =>
      `${r.summary.create} to create, ${r.summary.change + r.summary.move + r.summary.close} other changes, ${r.summary.problems} problems${r.applied ? ", applied" : ""}`;
    const run = (bytes: Uint8Array, dryRun: boolean) => () =>
      importRegistry(db, ADMIN, bytes, {
        effectiveOn: ON,
        dates: effectiveDateRange("1930-01-01", 5),
        dryRun,
        maxRows: Math.max(ROWS, APPLY_ROWS),
      });
    const print = (line: string) => console.log(line);
    print(
      `${ROWS} rows: CSV ${(csv.byteLength / 1024).toFixed(0)} KB, .xlsx ${(xlsx.byteLength / 1024).toFixed(0)} KB\n`,
    );
    if (values.profile) {
      const profile = profiler(db);
      print(await measure(`CSV apply, ${APPLY_ROWS} rows (one transaction)`, run(small, false), said));
      print(profile());
      return;
    }
    print("| step | time | heap growth | peak RSS (process) | result |\n|---|---|---|---|---|");
    print(await measure(`CSV dry run, ${ROWS} rows`, run(csv, true), said));
    print(await measure(`.xlsx dry run, ${ROWS} rows`, run(xlsx, true), said));
    print(await measure(`CSV apply, ${APPLY_ROWS} rows (one transaction)`, run(small, false), said));
    print(await measure(`CSV again, ${APPLY_ROWS} rows (idempotent)`, run(small, false), said));
  } finally {
    await db.close();
    await neo4j.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
