/**
 * Global Object Identification (schema/node.graphql; README, "Frontends"): `nodeId` on units,
 * relations, documents, plans, tasks and events, and `node(id:)` / `nodes(ids:)`.
 *
 * A global id is base64url of a JSON array: the type name, then the keys that find the object
 * again — `["Unit", id]`, `["Relation", from, id, validFrom]` (a relation is found among its
 * unit's relations on the date it holds from; derived relations have no stored node of their
 * own). It is opaque to clients; each type's `id` keeps its meaning. Lookups go through the
 * request's loaders, so `nodes` batches them, and through the same visibility rules as the
 * type's own queries (a unit or relation outside a scoped reader's subtrees, or an event naming
 * one, is null).
 */
import { badInput } from "../domain/errors.ts";
import type { Context } from "./context.ts";
import type { QueryResolvers, Resolvers } from "./generated/resolvers-types.ts";
import { visibleUnit } from "./services/lookups.ts";
import { unitRelations } from "./services/unit-relations.ts";
import { visibleEvent } from "./visibility.ts";

/** The most ids one `nodes` call may name. */
export const MAX_NODES = 100;

const NODE_TYPES = ["Unit", "Relation", "Document", "Plan", "Task", "Event"] as const;
type NodeType = (typeof NODE_TYPES)[number];

/** The type each object `node`/`nodes` returned was found as (records carry no type name). */
const typeOf = new WeakMap<object, NodeType>();

export function encodeNodeId(type: NodeType, ...keys: (string | null)[]): string {
  return Buffer.from(JSON.stringify([type, ...keys])).toString("base64url");
}

/** The type and keys of a global id, or BAD_USER_INPUT naming the argument. */
export function decodeNodeId(value: string, argument: string): { type: NodeType; keys: (string | null)[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const ok =
    Array.isArray(parsed) &&
    NODE_TYPES.includes(parsed[0]) &&
    parsed.length >= 2 &&
    parsed.slice(1).every((k) => typeof k === "string" || k === null);
  if (!ok)
    throw badInput(argument, `"${value.slice(0, 80)}" is not a global id (a nodeId this service gave)`);
  const [type, ...keys] = parsed as [NodeType, ...(string | null)[]];
  return { type, keys };
}

async function findRelation(keys: (string | null)[], ctx: Context): Promise<object | null> {
  const [from, id, validFrom] = keys;
  if (!from || !id) return null;
  if (!(await visibleUnit(from, ctx))) return null;
  const relations = await unitRelations(from, { asOf: validFrom ?? undefined, direction: "BOTH" }, ctx);
  return relations.find((r) => r.id === id) ?? null;
}

async function lookUp(type: NodeType, keys: (string | null)[], ctx: Context): Promise<object | null> {
  const key = keys[0];
  if (!key) return null;
  switch (type) {
    case "Unit":
      return visibleUnit(key, ctx);
    case "Relation":
      return findRelation(keys, ctx);
    case "Document":
      return ctx.loaders.document.load(key);
    case "Plan":
      return ctx.loaders.plan.load(key);
    case "Task":
      return ctx.loaders.task.load(key);
    case "Event":
      return visibleEvent(ctx, key);
  }
}

/** The object a global id names, tagged with its type, or null. */
async function resolveNode(value: string, argument: string, ctx: Context): Promise<object | null> {
  const { type, keys } = decodeNodeId(value, argument);
  const found = await lookUp(type, keys, ctx);
  if (!found) return null;
  typeOf.set(found, type);
  return found;
}

export const NodeQueries: QueryResolvers = {
  node: (_, args, ctx) => resolveNode(args.id, "id", ctx) as never,
  nodes: (_, args, ctx) => {
    if (args.ids.length > MAX_NODES)
      throw badInput("ids", `names ${args.ids.length} ids; ask for at most ${MAX_NODES} at once`);
    // Decode all first, so a bad id fails the call before anything is read.
    for (const [i, id] of args.ids.entries()) decodeNodeId(id, `ids[${i}]`);
    return Promise.all(args.ids.map((id, i) => resolveNode(id, `ids[${i}]`, ctx))) as never;
  },
};

export const NodeResolvers: Resolvers = {
  Node: {
    __resolveType: (obj) => typeOf.get(obj) ?? null,
  },
  Unit: { nodeId: (u) => encodeNodeId("Unit", u.id) },
  Relation: { nodeId: (r) => encodeNodeId("Relation", r.from, r.id, r.validFrom) },
  Document: { nodeId: (d) => encodeNodeId("Document", d.id) },
  Plan: { nodeId: (p) => encodeNodeId("Plan", p.id) },
  Task: { nodeId: (t) => encodeNodeId("Task", t.id) },
  Event: { nodeId: (e) => encodeNodeId("Event", e.id) },
};

/** All resolvers with the Node ones merged in: `nodeId` joins each type's own resolvers. */
export function withNodeResolvers(resolvers: Resolvers): Resolvers {
  const merged: Record<string, unknown> = { ...resolvers };
  for (const [type, fields] of Object.entries(NodeResolvers))
    merged[type] = { ...(merged[type] as object | undefined), ...fields };
  merged.Query = { ...(merged.Query as object), ...NodeQueries };
  return merged as Resolvers;
}
