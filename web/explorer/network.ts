/**
 * The data of the network view: the neighbourhood of the selected unit and of every unit
 * expanded by a click, merged; a unit with more neighbours than GROUP_THRESHOLD shows them
 * grouped by kind (with counts), each group opened on demand; the reporting chain and a path
 * between two units added as highlighted elements.
 */
import { gql, RELATION_FIELDS, type RelationRef, UNIT_FIELDS, type UnitRef } from "./api.ts";
import type { EdgeData, NodeData } from "./graph.ts";
import type { State } from "./state.ts";

/** More neighbours than this are grouped by kind. */
export const GROUP_THRESHOLD = 25;
/** A kind with at most this many neighbours stays ungrouped. */
const GROUP_MIN = 3;

const NEIGHBOURHOOD = `query Neighbourhood($id: ID!, $types: [RelationType!], $asOf: Date) {
  neighbourhood(unitId: $id, depth: 1, types: $types, asOf: $asOf) {
    nodes { ${UNIT_FIELDS} }
    edges { ${RELATION_FIELDS} }
  }
}`;

const CHAIN = `query Chain($id: ID!, $asOf: Date) {
  reportingChain(unitId: $id, asOf: $asOf) {
    from { ${UNIT_FIELDS} } to { ${UNIT_FIELDS} } relation frequencyLabels via { name }
  }
}`;

const PATH = `query Path($from: ID!, $to: ID!, $asOf: Date) {
  pathBetween(fromId: $from, toId: $to, asOf: $asOf) {
    id type typeLabel frequencyLabels synthetic from { ${UNIT_FIELDS} } to { ${UNIT_FIELDS} }
  }
}`;

interface Subgraph {
  nodes: UnitRef[];
  edges: RelationRef[];
}

export interface ChainStep {
  from: UnitRef;
  to: UnitRef;
  relation: string;
  frequencyLabels: string[];
  via: { name: string }[];
}

export interface DrawnGraph {
  nodes: NodeData[];
  edges: EdgeData[];
  chain: ChainStep[] | null;
  /** null: no path asked; []: none found. */
  path: RelationRef[] | null;
}

const edgeLabel = (r: { typeLabel: string; frequencyLabels: string[] }) =>
  r.frequencyLabels.length > 0 ? `${r.typeLabel} (${r.frequencyLabels.join(", ")})` : r.typeLabel;

export async function loadNetwork(state: State): Promise<DrawnGraph> {
  const root = state.unit as string;
  const centers = [root, ...[...state.open].filter((id) => id !== root)];
  const slices = await neighbourhoods(state, centers);
  const graph = mergeSlices(state, root, centers, slices);
  await Promise.all([
    state.chain ? addChain(graph, root, state.date) : null,
    state.to ? addPath(graph, root, state.to, state.date) : null,
  ]);
  return graph;
}

/** The neighbourhood of each center; the first (the selected unit) must have one. */
function neighbourhoods(state: State, centers: string[]): Promise<Subgraph[]> {
  const types = state.types.size > 0 ? [...state.types] : null;
  return Promise.all(
    centers.map((id, i) =>
      gql<{ neighbourhood: Subgraph }>(NEIGHBOURHOOD, { id, types, asOf: state.date })
        .then((d) => d.neighbourhood)
        // An expanded unit not in force on the new date has no neighbourhood: it drops out.
        .catch((e) => {
          if (i === 0) throw e;
          return { nodes: [], edges: [] } as Subgraph;
        }),
    ),
  );
}

/** The units kept (drawn one by one), the groups drawn instead of the rest, and their edges. */
interface Merged {
  units: Map<string, UnitRef>;
  keep: Set<string>;
  groups: Map<string, NodeData>;
  groupEdges: EdgeData[];
}

function mergeSlices(state: State, root: string, centers: string[], slices: Subgraph[]): DrawnGraph {
  const m: Merged = {
    units: new Map(),
    keep: new Set(centers.filter((_, i) => slices[i]?.nodes.length)),
    groups: new Map(),
    groupEdges: [],
  };
  for (const [i, slice] of slices.entries()) groupNeighbours(state, m, centers[i] as string, slice);
  const nodes: NodeData[] = [...m.keep].flatMap((id) => {
    const u = m.units.get(id);
    return u ? [{ id, label: u.name, kind: u.kind, classes: id === root ? ["root"] : [] }] : [];
  });
  const edges = new Map<string, EdgeData>();
  for (const slice of slices)
    for (const r of slice.edges)
      if (m.keep.has(r.from.id) && m.keep.has(r.to.id))
        edges.set(r.id, { id: r.id, source: r.from.id, target: r.to.id, type: r.type, label: edgeLabel(r) });
  return {
    nodes: [...nodes, ...m.groups.values()],
    edges: [...edges.values(), ...m.groupEdges],
    chain: null,
    path: null,
  };
}

/** A center's neighbours: kept one by one, or grouped by kind when there are many and the group is closed. */
function groupNeighbours(state: State, m: Merged, center: string, slice: Subgraph): void {
  for (const u of slice.nodes) m.units.set(u.id, u);
  const neighbours = slice.nodes.filter((u) => u.id !== center);
  const byKind = new Map<string, UnitRef[]>();
  for (const u of neighbours) byKind.set(u.kind, [...(byKind.get(u.kind) ?? []), u]);
  const grouping = neighbours.length > GROUP_THRESHOLD;
  for (const [kind, members] of byKind) {
    const key = `${center}|${kind}`;
    if (grouping && members.length > GROUP_MIN && !state.groups.has(key)) {
      const id = `group:${key}`;
      m.groups.set(id, { id, label: `${members[0]?.kindLabel} (${members.length})`, kind, group: key });
      m.groupEdges.push({ id: `${id}:edge`, source: id, target: center, type: "SUBORDINATE_TO", label: "" });
    } else for (const u of members) m.keep.add(u.id);
  }
}

function ensureNode(graph: DrawnGraph, u: UnitRef, cls: string): void {
  const existing = graph.nodes.find((n) => n.id === u.id);
  if (existing) existing.classes = [...(existing.classes ?? []), cls];
  else graph.nodes.push({ id: u.id, label: u.name, kind: u.kind, classes: [cls] });
}

async function addChain(graph: DrawnGraph, root: string, asOf: string): Promise<void> {
  const { reportingChain } = await gql<{ reportingChain: ChainStep[] }>(CHAIN, { id: root, asOf });
  graph.chain = reportingChain;
  for (const [i, step] of reportingChain.entries()) {
    ensureNode(graph, step.from, "chain");
    ensureNode(graph, step.to, "chain");
    const freq = step.frequencyLabels.length > 0 ? step.frequencyLabels.join(", ") : "không quy định kỳ";
    graph.edges.push({
      id: `chain:${i}`,
      source: step.from.id,
      target: step.to.id,
      type: step.relation,
      label: `${i + 1}. ${freq}`,
      classes: ["chain"],
    });
  }
}

async function addPath(graph: DrawnGraph, from: string, to: string, asOf: string): Promise<void> {
  const { pathBetween } = await gql<{ pathBetween: (RelationRef & { from: UnitRef; to: UnitRef })[] | null }>(
    PATH,
    { from, to, asOf },
  );
  graph.path = pathBetween ?? [];
  for (const r of graph.path as (RelationRef & { from: UnitRef; to: UnitRef })[]) {
    ensureNode(graph, r.from, "path");
    ensureNode(graph, r.to, "path");
    const existing = graph.edges.find((e) => e.id === r.id);
    if (existing) existing.classes = [...(existing.classes ?? []), "path"];
    else
      graph.edges.push({
        id: r.id,
        source: r.from.id,
        target: r.to.id,
        type: r.type,
        label: edgeLabel(r),
        classes: ["path"],
      });
  }
}
