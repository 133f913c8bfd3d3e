/**
 * The oracle for NO_REPORTING_OBLIGATION, through the public API only: the party organisations
 * (the Central Committee aside) that the reader's whole-graph JSON export lists on the date,
 * and of those the ones reportingObligations answers an empty list for (the facts path, the
 * same derivation the side panel shows).
 */
import { expect } from "vitest";
import { gqlAs } from "./sandbox.ts";
import type { TestServer } from "./test-server.ts";

/** Aliases per request, below MAX_ALIASES. */
const CHUNK = 25;

async function partyOrganisations(server: TestServer, bearer: string | null, asOf: string) {
  const res = await fetch(`${server.base}/export/_all.json?asOf=${asOf}`, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { nodes: { id: string; kind: string; category: string }[] };
  return body.nodes
    .filter((n) => n.category === "PARTY_ORGANISATION" && n.kind !== "CENTRAL_COMMITTEE")
    .map((n) => n.id);
}

export async function silentOrganisations(
  server: TestServer,
  bearer: string | null,
  asOf: string,
): Promise<string[]> {
  const ids = await partyOrganisations(server, bearer, asOf);
  expect(ids.length).toBeGreaterThan(0);
  const silent: string[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const fields = chunk.map((_id, j) => `o${j}: reportingObligations(unitId: $u${j}, asOf: $asOf) { type }`);
    const params = chunk.map((_id, j) => `$u${j}: ID!`).join(", ");
    const variables = Object.fromEntries([["asOf", asOf], ...chunk.map((id, j) => [`u${j}`, id])]);
    const r = await gqlAs<Record<string, unknown[]>>(
      server,
      bearer,
      `query(${params}, $asOf: Date) { ${fields.join(" ")} }`,
      variables,
    );
    expect(r.errors).toBeUndefined();
    chunk.forEach((id, j) => {
      if ((r.data?.[`o${j}`] ?? []).length === 0) silent.push(id);
    });
  }
  return silent.sort();
}
