/**
 * The 2025 reform replayed through the public mutations (bench/reform.ts at the smallest scale,
 * one merged province; the restructurings and the batch mutations): the as-of answers (superior, reporting chain, obligations) of a sample of
 * generated units before and after 01/07/2025 equal those of the bulk-imported history, every step
 * is accepted, and the integrity report finds no broken invariant beyond the history's own.
 * Everything generated is removed at the end.
 */
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  brokenInvariants,
  collectAnswers,
  compareAnswers,
  integrityCounts,
  type Mismatch,
  sampleUnits,
} from "../../bench/reform-answers.ts";
import { type Gql, type GqlResult, type ReplayReport, replayReform } from "../../bench/reform-replay.ts";
import { ANCHOR_UNITS } from "../../src/generator/model.ts";
import { generateNation } from "../../src/generator/national/index.ts";
import { preReformCut } from "../../src/generator/national/reform-cut.ts";
import { type ProvinceReform, provinceReform } from "../../src/generator/national/reform-plan.ts";
import { checkAnchors, deleteGenerated, importGenerated } from "../../src/store/bulk-import.ts";
import { randomSecret } from "../support/secrets.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const SCALE = 0.001;
/** Units sampled (a third among those the reform ended, founded or moved): the bench samples ≥ 1,000. */
const SAMPLE = 300;
const SECRET = randomSecret();

let server: TestServer;
let gql: Gql;
let plans: ProvinceReform[];
let units: string[];
let report: ReplayReport;
let mismatches: Mismatch[];
let broken: string[];

beforeAll(async () => {
  server = await startTestServer({ RESULT_CACHE_MB: "0", JWT_SECRET: SECRET, WRITE_TIMEOUT_MS: "120000" });
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({ role: "admin" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("reform-replay-test")
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(SECRET));
  gql = async (query, variables) => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GqlResult;
  };
  await checkAnchors(server.db, ANCHOR_UNITS);
  const batches = [...generateNation({ scale: SCALE })];
  plans = batches.map(provinceReform).filter((p) => p.steps.length > 0);
  units = sampleUnits(
    batches.flatMap((b) => b.units.map((u) => u.id)),
    {
      ended: plans.flatMap((p) => p.ended),
      founded: plans.flatMap((p) => p.founded),
      moved: plans.flatMap((p) => p.moved),
    },
    SAMPLE,
    42,
  );

  await importGenerated(server.db, batches, { singleTransaction: true });
  const reference = await collectAnswers(gql, units, { concurrency: 4 });
  const referenceCounts = await integrityCounts(gql);
  await deleteGenerated(server.db, 1_000_000);

  await importGenerated(
    server.db,
    batches.map((b) => preReformCut(b)),
    { singleTransaction: true },
  );
  report = await replayReform(gql, plans, { concurrency: 4 });
  const replayed = await collectAnswers(gql, units, { concurrency: 4 });
  mismatches = compareAnswers(reference, replayed);
  broken = brokenInvariants(referenceCounts, await integrityCounts(gql));
}, 900_000);

afterAll(async () => {
  if (server) {
    await deleteGenerated(server.db, 1_000_000);
    await server.close();
  }
});

describe("the 2025 reform replayed through the mutations", () => {
  it("uses the restructuring and batch mutations the reform calls for", () => {
    const ops = new Set(plans.flatMap((p) => p.steps.map((s) => s.op)));
    // A merged province's districts end in its merger's change (mergeUnits' abolishLevel).
    expect(
      plans.flatMap((p) => p.steps).filter((s) => s.op === "mergeUnits" && s.abolishLevel).length,
    ).toBeGreaterThan(0);
    expect([...ops]).toEqual(
      expect.arrayContaining([
        "mergeUnits",
        "mergeMany",
        "createUnits",
        "moveUnits",
        "closeUnits",
        "addRelations",
      ]),
    );
    expect(plans.flatMap((p) => p.problems)).toEqual([]);
  });

  it("accepts every step", () => {
    expect(report.failures.map((f) => `${f.step.op}: ${f.error}`)).toEqual([]);
    expect(report.steps).toBe(plans.reduce((a, p) => a + p.steps.length, 0));
  });

  it("answers as the bulk-imported history does, before and after 01/07/2025", () => {
    expect(units.length).toBe(SAMPLE);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it("breaks no invariant", () => {
    expect(broken).toEqual([]);
  });
});
