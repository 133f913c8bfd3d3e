/**
 * Tokens and a sandbox for tests that write: a test province under the Central Committee,
 * built through the API, and removed (with its events and audit records) afterwards, so the
 * seeded graph is as it was for the other test files.
 */
import { SignJWT } from "jose";
import { afterAll, expect, vi } from "vitest";
import type { Database } from "../../../src/store/database.ts";
import { bumpGraphVersion } from "../../../src/store/graph-version.ts";
import { randomSecret } from "../../support/secrets.ts";
import { graphSnapshot } from "./graph-snapshot.ts";
import { startTestServer, type TestServer } from "./test-server.ts";

/** The JWT secret of this test file's servers, and of the tokens signed for them: random, per run. */
export const TEST_SECRET = randomSecret();

export async function token(
  role: "viewer" | "editor" | "admin",
  scopes: string[] = [],
  sub = `${role}-tester`,
): Promise<string> {
  return new SignJWT({ role, scopes })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(TEST_SECRET));
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export async function gqlAs<T = Record<string, unknown>>(
  server: TestServer,
  bearer: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResult<T>> {
  const res = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

export const BASIS = ["dieu-le-dang-whole"];

export const CREATE = `mutation ($input: CreateUnitInput!) { createUnit(input: $input) { id kind actor units { id } changes { entity entityId operation } } }`;

export interface NewUnit {
  id: string;
  name?: string;
  kind: string;
  sector?: string;
  host?: string;
  level?: string;
}

/** The variables of CREATE for a unit (named by its id unless given a name) under `superiorId`. */
export function createVariables(unit: NewUnit, superiorId: string | null, effectiveOn = "2020-01-01") {
  return { input: { unit: { name: unit.id, ...unit }, superiorId, effectiveOn, basis: BASIS } };
}

/** Creates a unit through the API as admin; throws on any error. */
export async function create(
  server: TestServer,
  admin: string,
  unit: NewUnit,
  superiorId: string | null,
  effectiveOn = "2020-01-01",
): Promise<void> {
  const res = await gqlAs(server, admin, CREATE, createVariables(unit, superiorId, effectiveOn));
  if (res.errors) throw new Error(`create ${unit.id}: ${res.errors[0]?.message}`);
}

/** The ids of a fresh province made by `provinceFixture`; `missing` names no unit. */
export interface ProvinceIds {
  tinh: string;
  huyen: string;
  huyen2: string;
  xa: string;
  xa2: string;
  chiBo: string;
  other: string;
  otherHuyen: string;
  missing: string;
}

/**
 * A fresh province made through the API under the Central Committee: `tinh` with the districts
 * `huyen` (communes `xa`, `xa2`) and `huyen2`, and another province `other`; with `cell` the
 * party cell `chiBo` under `xa`, with `otherDistrict` the district `otherHuyen` under `other`.
 */
export async function provinceFixture(
  server: TestServer,
  admin: string,
  prefix: string,
  extras: { cell?: boolean; otherDistrict?: boolean } = {},
): Promise<ProvinceIds> {
  const ids: ProvinceIds = {
    tinh: `${prefix}-tinh`,
    huyen: `${prefix}-huyen`,
    huyen2: `${prefix}-huyen2`,
    xa: `${prefix}-xa`,
    xa2: `${prefix}-xa2`,
    chiBo: `${prefix}-chi-bo`,
    other: `${prefix}-khac`,
    otherHuyen: `${prefix}-khac-huyen`,
    missing: `${prefix}-khong-ton-tai`,
  };
  const units: [id: string, kind: string, superiorId: string][] = [
    [ids.tinh, "PROVINCIAL_COMMITTEE", "bch-trung-uong"],
    [ids.huyen, "DISTRICT_COMMITTEE", ids.tinh],
    [ids.huyen2, "DISTRICT_COMMITTEE", ids.tinh],
    [ids.xa, "COMMUNE_COMMITTEE", ids.huyen],
    [ids.xa2, "COMMUNE_COMMITTEE", ids.huyen],
    [ids.other, "PROVINCIAL_COMMITTEE", "bch-trung-uong"],
  ];
  if (extras.cell) units.push([ids.chiBo, "BASIC_PARTY_CELL", ids.xa]);
  if (extras.otherDistrict) units.push([ids.otherHuyen, "DISTRICT_COMMITTEE", ids.other]);
  for (const [id, kind, superior] of units) await create(server, admin, { id, kind }, superior);
  return ids;
}

/** A test file that writes: the test server verifying TEST_SECRET, and an admin token for it. */
export async function openSandbox(
  env: Record<string, string> = {},
): Promise<{ server: TestServer; admin: string }> {
  const server = await startTestServer({ JWT_SECRET: TEST_SECRET, ...env });
  return { server, admin: await token("admin", [], "admin-tester") };
}

/**
 * The preamble of a test file that writes, in one line at its top level:
 * `const { server, admin } = await fileSandbox("bc-")`. Opens the sandbox (openSandbox with `env`)
 * while the file loads, closes it after the file's tests (removing the units under `prefix`; after
 * hooks run as a stack, so the file's own run first, the server still up), and gives each test
 * 180 s: most build a province through the API first, which alone may take a minute on a loaded
 * machine. (Not `useSandbox`: Biome reads a `use…` call outside a component as a misplaced React hook.)
 */
export async function fileSandbox(
  prefix: string,
  env: Record<string, string> = {},
): Promise<{ server: TestServer; admin: string }> {
  vi.setConfig({ testTimeout: 180_000 });
  const sandbox = await openSandbox(env);
  afterAll(() => closeSandbox(sandbox.server, prefix));
  return sandbox;
}

/** Removes the units under each prefix (with their events and changes), then stops the server. */
export async function closeSandbox(server: TestServer, ...prefixes: string[]): Promise<void> {
  for (const prefix of prefixes) await removeSandbox(server.db, prefix);
  await server.close();
}

/** Removes every unit whose id starts with the prefix, and the events and changes that touched them. */
export async function removeSandbox(db: Database, prefix: string): Promise<void> {
  await db.write(
    `MATCH (u:Unit) WHERE u.id STARTS WITH $prefix
     OPTIONAL MATCH (c:Change)-[:CHANGED]->(u)
     OPTIONAL MATCH (c)-[:IN_EVENT]->(e:Event)
     DETACH DELETE c, e`,
    { prefix },
  );
  await db.write("MATCH (u:Unit) WHERE u.id STARTS WITH $prefix DETACH DELETE u", { prefix });
  // A write outside the service: raise the graph's version, as every write path must.
  await bumpGraphVersion(db);
}

/** The first error's code, rule and argument. */
export function refusal(res: GqlResult) {
  const e = res.errors?.[0]?.extensions ?? {};
  return { code: e.code, rule: e.rule, argument: e.argument };
}

/** Runs a request that must be refused: no data, the graph unchanged; returns its refusal. */
export async function refusedUnchanged(
  server: TestServer,
  bearer: string,
  query: string,
  variables: Record<string, unknown>,
) {
  const before = await graphSnapshot(server.db);
  const res = await gqlAs(server, bearer, query, variables);
  expect(res.data ?? null).toBeNull();
  expect(await graphSnapshot(server.db)).toEqual(before);
  return refusal(res);
}
