/**
 * Query parameters of the export, diff export, registry, calendar and import routes given twice
 * (`?asOf=…&asOf=…`, an array) or as a list (`?asOf[]=…`, which Express 5 keeps under the key
 * `asOf[]`): each is refused with a JSON 400 naming the parameter, never read as absent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const ROOT = "tinh-uy-lam-dong-2025";
const DAY = "2025-07-01";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function refusal(path: string, init?: RequestInit) {
  const res = await fetch(`${server.base}${path}`, init);
  const type = res.headers.get("content-type") ?? "";
  const body = type.includes("json")
    ? ((await res.json()) as { error?: { code?: string; parameter?: string } })
    : {};
  return { status: res.status, type, code: body.error?.code, parameter: body.error?.parameter };
}

describe("query parameters given as lists or repeated", () => {
  const cases: [path: string, parameter: string][] = [
    [`/export/${ROOT}.json?asOf[]=${DAY}&asOf[]=2025-08-01`, "asOf"],
    [`/export/${ROOT}.json?asOf=${DAY}&asOf=2025-08-01`, "asOf"],
    [`/export/${ROOT}.json?asOf[x]=${DAY}`, "asOf"],
    [`/export/${ROOT}.csv?part[]=edges`, "part"],
    [`/export/diff/${ROOT}.csv?from[]=2025-06-01&to=${DAY}`, "from"],
    [`/export/diff/${ROOT}.csv?from=2025-06-01&to[]=${DAY}`, "to"],
    [`/export/diff/${ROOT}.csv?from=2025-06-01&to=${DAY}&under[]=${ROOT}`, "under"],
    [`/registry/${ROOT}.csv?asOf[]=${DAY}`, "asOf"],
    [`/registry/${ROOT}.csv?part=units&part=relations`, "part"],
    [`/calendar/${ROOT}.ics?from[]=2025-01-01`, "from"],
    [`/calendar/${ROOT}.ics?to=2025-12-31&to=2026-12-31`, "to"],
    [`/calendar/${ROOT}.ics?asOf[]=${DAY}`, "asOf"],
    [`/calendar/${ROOT}.ics?types[]=MEETING`, "types"],
    [`/calendar/${ROOT}.ics?feed[]=x`, "feed"],
    [`/export/${ROOT}.json?access_token[]=x`, "access_token"],
  ];

  it.each(cases)("refuses %s naming %s (400, JSON)", async (path, parameter) => {
    const r = await refusal(path);
    expect(r).toMatchObject({ status: 400, code: "BAD_USER_INPUT", parameter });
    expect(r.type).toContain("application/json");
  });

  it("refuses a list-valued import parameter before the token or the file", async () => {
    const r = await refusal("/registry/import?dryRun[]=false", { method: "POST" });
    expect(r).toMatchObject({ status: 400, code: "BAD_USER_INPUT", parameter: "dryRun" });
  });

  it("still takes each parameter given once, and a repeated `types`", async () => {
    for (const path of [
      `/export/${ROOT}.json?asOf=${DAY}`,
      `/export/diff/${ROOT}.csv?from=2025-06-01&to=${DAY}`,
      `/registry/${ROOT}.csv?asOf=${DAY}&part=relations`,
      `/calendar/${ROOT}.ics?from=2025-01-01&to=2025-12-31&types=MEETING&types=REPORT`,
    ]) {
      const res = await fetch(`${server.base}${path}`);
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
    }
  });
});
