/**
 * The data of the org-chart view (sơ đồ tổ chức): the selected unit and, for every node opened
 * by a click, its direct subordinates and organs as of the date. A node with more children than
 * GROUP_THRESHOLD shows them grouped by kind with counts; a group opens on demand.
 */
import { gql, type UnitRef } from "./api.ts";
import type { EdgeData, NodeData } from "./graph.ts";
import { GROUP_THRESHOLD } from "./network.ts";
import type { State } from "./state.ts";

const PAGE = 500;
/** The deepest the chart opens by itself (clicked nodes go further). */
const MAX_OPEN_DEPTH = 8;

const CHILDREN = `query Children($id: ID!, $asOf: Date, $first: Int, $after: String) {
  unit(id: $id) {
    children(asOf: $asOf, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { relation node { id name kind kindLabel children(asOf: $asOf, first: 1) { totalCount } } }
    }
  }
}`;

const ROOT = `query Root($id: ID!, $asOf: Date) { unit(id: $id, asOf: $asOf) { id name kind kindLabel } }`;

interface Child {
  relation: string;
  node: UnitRef & { children: { totalCount: number } };
}

async function childrenOf(id: string, asOf: string): Promise<Child[]> {
  const all: Child[] = [];
  let after: string | null = null;
  for (;;) {
    const data: {
      unit: {
        children: { edges: Child[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      } | null;
    } = await gql(CHILDREN, { id, asOf, first: PAGE, after });
    if (!data.unit) return all;
    all.push(...data.unit.children.edges);
    if (!data.unit.children.pageInfo.hasNextPage) return all;
    after = data.unit.children.pageInfo.endCursor;
  }
}

export async function loadOrgChart(state: State): Promise<{ nodes: NodeData[]; edges: EdgeData[] }> {
  const root = state.unit as string;
  const { unit } = await gql<{ unit: UnitRef | null }>(ROOT, { id: root, asOf: state.date });
  if (!unit) return { nodes: [], edges: [] };
  const nodes = new Map<string, NodeData>([
    [root, { id: root, label: unit.name, kind: unit.kind, classes: ["root"] }],
  ]);
  const edges: EdgeData[] = [];
  let frontier = [root];
  for (let depth = 0; frontier.length > 0 && depth < MAX_OPEN_DEPTH; depth++) {
    const lists = await Promise.all(frontier.map((id) => childrenOf(id, state.date)));
    const next: string[] = [];
    for (const [i, children] of lists.entries()) {
      const parent = frontier[i] as string;
      const byKind = new Map<string, Child[]>();
      for (const c of children) byKind.set(c.node.kind, [...(byKind.get(c.node.kind) ?? []), c]);
      const grouping = children.length > GROUP_THRESHOLD;
      for (const [kind, members] of byKind) {
        const key = `${parent}|${kind}`;
        if (grouping && members.length > 1 && !state.groups.has(key)) {
          const id = `group:${key}`;
          nodes.set(id, { id, label: `${members[0]?.node.kindLabel} (${members.length})`, kind, group: key });
          edges.push({ id: `${id}:edge`, source: parent, target: id, type: "SUBORDINATE_TO", label: "" });
          continue;
        }
        for (const c of members) {
          const open = state.org.has(c.node.id);
          const below = c.node.children.totalCount;
          nodes.set(c.node.id, {
            id: c.node.id,
            label: below > 0 && !open ? `${c.node.name} [+${below}]` : c.node.name,
            kind: c.node.kind,
            hidden: open ? 0 : below,
          });
          edges.push({
            id: `${parent}>${c.node.id}`,
            source: parent,
            target: c.node.id,
            type: c.relation,
            label: "",
          });
          if (open && below > 0) next.push(c.node.id);
        }
      }
    }
    frontier = next;
  }
  return { nodes: [...nodes.values()], edges };
}
