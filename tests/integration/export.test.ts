/**
 * Exports over HTTP against the seed: GraphML parsed back with an XML parser, CSV rows counted
 * against `stats`, JSON, a subtree as of a date against `descendants`, scoped reading, and the
 * JSON errors (unknown unit, bad date, unknown format or part).
 */
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { csvRows } from "./helpers/csv-rows.ts";
import { readerServersForFile } from "./helpers/reader-servers.ts";
import { token } from "./helpers/sandbox.ts";
import type { TestServer } from "./helpers/test-server.ts";

const servers = readerServersForFile();

const BOM = "\uFEFF";
const ROOT = "tinh-uy-lam-dong-2025";

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

function parseGraphml(body: string) {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(body);
  const graph = doc.graphml.graph;
  return {
    keys: asArray(doc.graphml.key).map((k: Record<string, string>) => `${k["@for"]}:${k["@attr.name"]}`),
    nodes: asArray(graph.node) as Record<string, unknown>[],
    edges: asArray(graph.edge) as Record<string, unknown>[],
  };
}

async function stats(s: TestServer, bearer?: string) {
  const res = await fetch(s.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query: "{ stats { units relations } }" }),
  });
  const body = (await res.json()) as { data: { stats: { units: number; relations: number } } };
  return body.data.stats;
}

describe("exports of the whole graph", () => {
  it("CSV nodes and edges, with a BOM, have as many rows as stats counts", async () => {
    const { units, relations } = await stats(servers.server);
    const nodes = await fetch(`${servers.server.base}/export/_all.csv?part=nodes`);
    expect(nodes.status).toBe(200);
    expect(nodes.headers.get("content-type")).toContain("text/csv");
    const nodesText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await nodes.arrayBuffer());
    expect(nodesText.startsWith(BOM)).toBe(true);
    expect(csvRows(nodesText)).toHaveLength(units);
    const edges = await fetch(`${servers.server.base}/export/_all.csv?part=edges`);
    expect(csvRows(await edges.text())).toHaveLength(relations);
  });

  it("GraphML parses back with every node and edge, and declares the attributes", async () => {
    const { units, relations } = await stats(servers.server);
    const res = await fetch(`${servers.server.base}/export/_all.graphml`);
    expect(res.headers.get("content-type")).toContain("application/graphml+xml");
    const g = parseGraphml(await res.text());
    expect(g.nodes).toHaveLength(units);
    expect(g.edges).toHaveLength(relations);
    for (const k of ["node:kind", "node:label", "node:level", "node:province", "node:validFrom", "edge:type"])
      expect(g.keys).toContain(k);
    for (const k of ["edge:frequencies", "edge:basis", "edge:validTo"]) expect(g.keys).toContain(k);
    const ids = new Set(g.nodes.map((n) => n["@id"]));
    for (const e of g.edges) {
      expect(ids.has(e["@source"])).toBe(true);
      expect(ids.has(e["@target"])).toBe(true);
    }
  });
});

describe("exports of a subtree as of a date", () => {
  it("holds the unit and its descendants on that date (JSON), and the relations between them", async () => {
    const d = await servers.server.gql<{ unit: { descendants: { totalCount: number } } }>(
      `{ unit(id: "${ROOT}") { descendants(asOf: "2025-07-01") { totalCount } } }`,
    );
    const res = await fetch(`${servers.server.base}/export/${ROOT}.json?asOf=2025-07-01`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      root: string;
      asOf: string;
      nodes: { id: string; kind: string }[];
      edges: { source: string; target: string; type: string }[];
    };
    expect(body.root).toBe(ROOT);
    expect(body.nodes.map((n) => n.id)).toContain(ROOT);
    expect(body.nodes).toHaveLength((d.data?.unit.descendants.totalCount ?? -1) + 1);
    const ids = new Set(body.nodes.map((n) => n.id));
    expect(body.edges.length).toBeGreaterThan(0);
    for (const e of body.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
  });

  it("GraphML of the same subtree has the same nodes", async () => {
    const json = (await (
      await fetch(`${servers.server.base}/export/${ROOT}.json?asOf=2025-07-01`)
    ).json()) as {
      nodes: { id: string }[];
      edges: unknown[];
    };
    const g = parseGraphml(
      await (await fetch(`${servers.server.base}/export/${ROOT}.graphml?asOf=2025-07-01`)).text(),
    );
    expect(g.nodes.map((n) => n["@id"]).sort()).toEqual(json.nodes.map((n) => n.id).sort());
    expect(g.edges).toHaveLength(json.edges.length);
  });
});

describe("export errors and scoped reading", () => {
  it("answers JSON errors naming the parameter", async () => {
    const cases: [string, number, string][] = [
      ["/export/no-such-unit.json", 404, "unitId"],
      [`/export/${ROOT}.json?asOf=2025-13-01`, 400, "asOf"],
      [`/export/${ROOT}.xlsx`, 400, "format"],
      [`/export/${ROOT}.csv?part=both`, 400, "part"],
      [`/export/${ROOT}.json?part=edges`, 400, "part"],
    ];
    for (const [path, status, parameter] of cases) {
      const res = await fetch(`${servers.server.base}${path}`);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/json");
      const body = (await res.json()) as { error: { code: string; parameter: string; message: string } };
      expect(body.error.parameter, path).toBe(parameter);
    }
  });

  it("answers HEAD with a GET's headers and no body", async () => {
    const res = await fetch(`${servers.server.base}/export/_all.graphml`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("graphml");
    expect(res.headers.get("content-disposition")).toContain("party-org-graph.graphml");
    expect(await res.text()).toBe("");
  });

  it("gives a scoped reader its subtrees only, and NOT_FOUND outside them", async () => {
    const anonymous = await fetch(`${servers.scoped.base}/export/_all.csv`);
    expect(anonymous.status).toBe(403);
    const viewer = await token("viewer", [ROOT]);
    const { units, relations } = await stats(servers.scoped, viewer);
    const nodes = await fetch(`${servers.scoped.base}/export/_all.csv?part=nodes&access_token=${viewer}`);
    expect(csvRows(await nodes.text())).toHaveLength(units);
    const edges = await fetch(`${servers.scoped.base}/export/_all.csv?part=edges`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(csvRows(await edges.text())).toHaveLength(relations);
    const outside = await fetch(`${servers.scoped.base}/export/tinh-uy-quang-ngai.json`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(outside.status).toBe(404);
  });
});
