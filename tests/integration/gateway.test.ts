/**
 * The supergraph in practice: our service, the personnel example subgraph and the gateway
 * (scripts/supergraph-gateway.ts over the checked-in supergraph.graphql) started in-process. The
 * reporting chain of a chi bộ with the secretary of each committee on the way spans both
 * subgraphs; the gateway's own request hook shows how often it called each subgraph.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PEOPLE } from "../../examples/personnel/data.ts";
import { type RunningPersonnel, startPersonnelServer } from "../../examples/personnel/server.ts";
import { officeHolders } from "../../examples/personnel/subgraph.ts";
import { SUPERGRAPH_FILE } from "../../scripts/supergraph-config.ts";
import { type RunningGateway, type SubgraphRequest, startGateway } from "../../scripts/supergraph-gateway.ts";
import { startTestServer, type TestServer } from "./helpers/test-server.ts";

const CHI_BO = "chi-bo-so-noi-vu-lam-dong";

/** The README's query. */
const CHAIN_WITH_SECRETARIES = `query ChainWithSecretaries($unitId: ID!, $asOf: Date!) {
  reportingChain(unitId: $unitId, asOf: $asOf) {
    to {
      id
      name
      secretary: officeHolders(asOf: $asOf, title: SECRETARY) {
        person { name synthetic }
        from
        to
      }
      officeHolders(asOf: $asOf) {
        title
        person { id }
        position { id titleLabel sitsIn { id } }
      }
    }
  }
}`;

interface Holder {
  title: string;
  person: { id: string };
  position: { id: string; titleLabel: string; sitsIn: { id: string }[] } | null;
}
interface Step {
  to: {
    id: string;
    name: string;
    secretary: { person: { name: string; synthetic: boolean }; from: string; to: string | null }[];
    officeHolders: Holder[];
  };
}

let org: TestServer;
let personnel: RunningPersonnel;
let gateway: RunningGateway;
const sent: SubgraphRequest[] = [];

beforeAll(async () => {
  org = await startTestServer();
  personnel = await startPersonnelServer(0);
  gateway = await startGateway({
    supergraphSdl: readFileSync(SUPERGRAPH_FILE, "utf8"),
    port: 0,
    subgraphUrls: { org: org.url, personnel: personnel.url },
    onSubgraphRequest: (r) => sent.push(r),
  });
});
afterAll(async () => {
  await gateway?.stop();
  await personnel?.stop();
  await org?.close();
});

async function throughGateway(
  asOf: string,
): Promise<{ data?: { reportingChain: Step[] }; errors?: unknown[] }> {
  sent.length = 0;
  const res = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: CHAIN_WITH_SECRETARIES, variables: { unitId: CHI_BO, asOf } }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { data?: { reportingChain: Step[] }; errors?: unknown[] };
}

/** Our own answers, asked of the org subgraph directly: the chain and each committee's positions. */
async function orgChain(asOf: string) {
  const res = await org.gql<{ reportingChain: { to: { id: string; name: string } }[] }>(
    `query ($id: ID!, $asOf: Date) { reportingChain(unitId: $id, asOf: $asOf) { to { id name } } }`,
    { id: CHI_BO, asOf },
  );
  expect(res.errors).toBeUndefined();
  return res.data?.reportingChain.map((s) => s.to) ?? [];
}

async function orgPositions(unitId: string) {
  const res = await org.gql<{ positions: { id: string; titleLabel: string; sitsIn: { id: string }[] }[] }>(
    `query ($id: ID!) { positions(unitId: $id) { id titleLabel sitsIn { id } } }`,
    { id: unitId },
  );
  expect(res.errors).toBeUndefined();
  return res.data?.positions ?? [];
}

type PositionAnswer = { id: string; titleLabel: string; sitsIn: { id: string }[] };
/** The bodies a position sits in come in no particular order. */
const sorted = (p: PositionAnswer | null) => p && { ...p, sitsIn: p.sitsIn.map((b) => b.id).sort() };
const name = (personId: string) => PEOPLE.find((p) => p.id === personId)?.name;
const entityCalls = (subgraph: string) =>
  sent.filter((r) => r.subgraph === subgraph && r.query.includes("_entities"));

describe("the reporting chain of a chi bộ with the secretary of each committee on the way", () => {
  for (const asOf of ["2024-06-01", "2025-07-01"]) {
    it(`is answered across both subgraphs as of ${asOf}`, async () => {
      const body = await throughGateway(asOf);
      expect(body.errors).toBeUndefined();
      const steps = body.data?.reportingChain ?? [];
      // The chain is the org subgraph's own answer…
      expect(steps.map((s) => ({ id: s.to.id, name: s.to.name }))).toEqual(await orgChain(asOf));
      expect(steps.length).toBeGreaterThan(1);
      for (const { to } of steps) {
        // …each committee's secretary the personnel subgraph's…
        const expected = officeHolders(to.id, asOf, "SECRETARY").map((t) => ({
          person: { name: name(t.personId), synthetic: true },
          from: t.from,
          to: t.to,
        }));
        expect(to.secretary).toEqual(expected);
        // …and the positions it names resolved by the org subgraph.
        const positions = await orgPositions(to.id);
        for (const h of to.officeHolders)
          expect(sorted(h.position)).toEqual(sorted(positions.find((p) => p.id === h.position?.id) ?? null));
      }
    });
  }

  it("names a secretary on every committee of the 2024 chain, and positions from the org subgraph", async () => {
    const body = await throughGateway("2024-06-01");
    const steps = body.data?.reportingChain ?? [];
    expect(steps.every((s) => s.to.secretary.length === 1)).toBe(true);
    const withPosition = steps.flatMap((s) => s.to.officeHolders.filter((h) => h.position !== null));
    expect(withPosition.length).toBeGreaterThan(1);
  });

  it("calls each subgraph's _entities once per batch, not once per entity", async () => {
    const body = await throughGateway("2024-06-01");
    expect(body.errors).toBeUndefined();
    const steps = body.data?.reportingChain ?? [];
    const positionIds = new Set(
      steps.flatMap((s) => s.to.officeHolders.flatMap((h) => (h.position ? [h.position.id] : []))),
    );
    // The units of the chain go to personnel in one request…
    const toPersonnel = entityCalls("personnel");
    expect(toPersonnel).toHaveLength(1);
    expect(toPersonnel[0]?.variables.representations).toHaveLength(steps.length);
    // …and every position it names comes back to us in one request, each position once.
    const toOrg = entityCalls("org");
    expect(toOrg).toHaveLength(1);
    const reps = (toOrg[0]?.variables.representations ?? []) as { __typename: string; id: string }[];
    expect(positionIds.size).toBeGreaterThan(1);
    expect(new Set(reps.map((r) => r.id))).toEqual(positionIds);
    expect(reps.every((r) => r.__typename === "Position")).toBe(true);
  });
});
