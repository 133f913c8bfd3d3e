/**
 * graphDiff on a generated national graph (small scale): across the 2025 reform, the changes the
 * diff attributes to merger and abolition events equal the generator's own record of those
 * events — the units each event ended and founded — for one province through GraphQL (every
 * page) and for the whole nation through the JSON export. Everything generated is removed at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANCHOR_UNITS, type GenEvent } from "../../src/generator/model.ts";
import { generateNation, LAST_OLD_DAY, REFORM_DAY } from "../../src/generator/national/index.ts";
import { checkAnchors, deleteGenerated, importGenerated } from "../../src/store/bulk-import.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const SCALE = 0.005;
/** A cold throwaway database on a loaded machine: generous, for liveness only. */
const SLOW = 300_000;
const WINDOW = { from: LAST_OLD_DAY, to: REFORM_DAY };

let server: TestServer;
let events: GenEvent[];

beforeAll(async () => {
  server = await startTestServer({ RESULT_CACHE_MB: "0" });
  await checkAnchors(server.db, ANCHOR_UNITS);
  const batches = [...generateNation({ scale: SCALE })];
  events = batches.flatMap((b) => b.events);
  await importGenerated(server.db, batches, { singleTransaction: true });
}, SLOW);

afterAll(async () => {
  if (server) {
    await deleteGenerated(server.db, 1_000_000);
    await server.close();
  }
});

interface Page {
  graphDiff: {
    predecessors: { id: string }[];
    summary: { total: number };
    nodes: Row[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

interface Row {
  type: string;
  unit: { id: string };
  cause: { eventId: string | null; eventKind: string | null; direct: boolean };
}

/** Every change of the diff under `root`, page by page. */
async function allChanges(root: string): Promise<{ rows: Row[]; predecessors: string[]; total: number }> {
  const rows: Row[] = [];
  let after: string | null = null;
  let predecessors: string[] = [];
  let total = 0;
  for (let page = 0; page < 100; page++) {
    const r: { data?: Page | null; errors?: unknown } = await server.gql<Page>(
      `query($from: Date!, $to: Date!, $under: [ID!], $after: String) {
        graphDiff(from: $from, to: $to, under: $under, first: 200, after: $after) {
          predecessors { id } summary { total }
          nodes { type unit { id } cause { eventId eventKind direct } }
          pageInfo { hasNextPage endCursor } } }`,
      { ...WINDOW, under: [root], after },
    );
    expect(r.errors).toBeUndefined();
    const d: Page["graphDiff"] | undefined = r.data?.graphDiff;
    rows.push(...(d?.nodes ?? []));
    predecessors = (d?.predecessors ?? []).map((p) => p.id);
    total = d?.summary.total ?? 0;
    if (!d?.pageInfo.hasNextPage) break;
    after = d.pageInfo.endCursor;
  }
  return { rows, predecessors, total };
}

/** The units whose change of `type` the diff attributes to the event itself (not inherited from a superior). */
const attributed = (rows: readonly Row[], type: string, event: string) =>
  rows
    .filter((r) => r.type === type && r.cause.eventId === event && r.cause.direct)
    .map((r) => r.unit.id)
    .sort();

describe("graphDiff on a generated graph", () => {
  it(
    "for a merged province: the old committees, abolished districts and merged communes are the generator's",
    async () => {
      const merger = events.find((e) => e.kind === "PROVINCE_MERGER");
      expect(merger).toBeDefined();
      const root = merger?.founded[0] as string;
      const { rows, predecessors, total } = await allChanges(root);
      expect(rows.length).toBe(total);
      expect(predecessors.sort()).toEqual([...(merger?.ended ?? [])].sort());
      expect(attributed(rows, "UNIT_CLOSED", merger?.id as string)).toEqual(
        [...(merger?.ended ?? [])].sort(),
      );
      expect(attributed(rows, "UNIT_OPENED", merger?.id as string)).toEqual([root]);
      // Each old province's district level, and each new commune of this province.
      const slugs = (merger?.ended ?? []).map((id) => id.replace(/^gen-tu-/, ""));
      const districtEvents = events.filter(
        (e) => e.kind === "DISTRICT_LEVEL_ENDED" && slugs.some((s) => e.id === `gen-ev-huyen-${s}`),
      );
      expect(districtEvents.length).toBe(slugs.length);
      for (const e of districtEvents)
        expect(attributed(rows, "UNIT_CLOSED", e.id)).toEqual([...e.ended].sort());
      const newSlug = root.replace(/^gen-tu-/, "").replace(/-2025$/, "");
      const communeEvents = events.filter(
        (e) => e.kind === "COMMUNE_MERGER" && e.id.startsWith(`gen-ev-xa-${newSlug}-`),
      );
      expect(communeEvents.length).toBeGreaterThan(0);
      for (const e of communeEvents) {
        expect(attributed(rows, "UNIT_CLOSED", e.id)).toEqual([...e.ended].sort());
        expect(attributed(rows, "UNIT_OPENED", e.id)).toEqual([...e.founded].sort());
      }
    },
    SLOW,
  );

  it(
    "for the whole nation (the JSON export): every event's ended and founded units, and nothing else direct",
    async () => {
      const res = await fetch(`${server.base}/export/diff/_all.json?from=${WINDOW.from}&to=${WINDOW.to}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        changes: { type: string; unitId: string; eventId: string | null; direct: boolean }[];
        summary: { total: number };
      };
      expect(body.summary.total).toBe(body.changes.length);
      const generated = new Set(events.map((e) => e.id));
      const direct = body.changes.filter((c) => c.eventId !== null && generated.has(c.eventId) && c.direct);
      const expected = events.flatMap((e) => [
        ...e.ended.map((u) => `UNIT_CLOSED ${u} ${e.id}`),
        ...e.founded.map((u) => `UNIT_OPENED ${u} ${e.id}`),
      ]);
      const unitChanges = direct.filter((c) => c.type === "UNIT_CLOSED" || c.type === "UNIT_OPENED");
      expect(unitChanges.map((c) => `${c.type} ${c.unitId} ${c.eventId}`).sort()).toEqual(expected.sort());
    },
    SLOW,
  );
});
