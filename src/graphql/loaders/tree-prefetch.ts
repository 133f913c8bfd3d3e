/**
 * A unit asked with a page of its children, and each child's superior or obligations
 * (`unit(id) { children { nodes { superior reportingObligations } } }`), costs three reads when
 * each field loads what it needs: the unit, the page, then the children's facts. Looking ahead
 * into the request's selection when the unit is resolved, this reads the three in one query
 * (src/store/tree-repository.ts) and holds the parts for the fields' own loaders, which then
 * find them without a round trip. Anything it cannot read ahead (another shape, arguments it
 * cannot evaluate) is left to the fields' loaders, as before: the answer is the same either way.
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLResolveInfo,
  getArgumentValues,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";
import { factKeysOf, type TreeKey, unitTree } from "../../store/tree-repository.ts";
import type { PageKey } from "../../store/unit-repository.ts";
import { asOfArg, decodeCursor, firstArg, isIdCursor } from "../arguments.ts";
import type { Context } from "../context.ts";
import { factsKey } from "./fact-loaders.ts";

/** The page key of `children(asOf, kinds, first, after)` of a unit: the one home of its shape (the loader's cache key). */
export function childrenPageKey(unitId: string, args: Record<string, unknown>, ctx: Context): PageKey {
  const after = decodeCursor(args.after, isIdCursor);
  const kinds = args.kinds as string[] | null | undefined;
  return {
    id: unitId,
    asOf: asOfArg(args.asOf, ctx),
    kinds: kinds?.length ? kinds : null,
    first: firstArg(args.first, ctx),
    after: after?.id ?? null,
  };
}

/** The fields named `name` in a selection set, through fragments (directives ignored: reading ahead too much costs nothing but the read). */
function fieldsNamed(
  set: SelectionSetNode | undefined,
  name: string,
  fragments: Record<string, FragmentDefinitionNode>,
): FieldNode[] {
  if (!set) return [];
  return set.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return s.name.value === name ? [s] : [];
    const inner = s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : fragments[s.name.value]?.selectionSet;
    return fieldsNamed(inner, name, fragments);
  });
}

/** Fields of the children's units whose resolvers read the unit's facts on their `asOf`. */
const FACT_FIELDS = ["superior", "reportingObligations"];

/** What to read ahead for the unit resolved at `info`: its first `children` page and the dates of the facts asked under it. */
function treeKeyOf(unitId: string, info: GraphQLResolveInfo, ctx: Context): TreeKey | null {
  const unitType = info.schema.getType("Unit");
  if (!isObjectType(unitType)) return null;
  const fields = unitType.getFields();
  const node = info.fieldNodes[0];
  const children = fieldsNamed(node?.selectionSet, "children", info.fragments)[0];
  const childrenField = fields.children;
  if (!children || !childrenField) return null;
  const argsOf = (field: GraphQLField<unknown, unknown>, at: FieldNode) =>
    getArgumentValues(field, at, info.variableValues);
  const page = childrenPageKey(unitId, argsOf(childrenField, children), ctx);
  const units = [
    ...fieldsNamed(children.selectionSet, "nodes", info.fragments),
    ...fieldsNamed(children.selectionSet, "edges", info.fragments).flatMap((e) =>
      fieldsNamed(e.selectionSet, "node", info.fragments),
    ),
  ];
  const dates = new Set<string>();
  for (const name of FACT_FIELDS) {
    const field = fields[name];
    if (!field) continue;
    for (const u of units)
      for (const at of fieldsNamed(u.selectionSet, name, info.fragments))
        dates.add(asOfArg(argsOf(field, at).asOf, ctx));
  }
  return { page, factDates: [...dates].sort() };
}

/**
 * Reads the unit, its children page and their facts in one query when the request asks for
 * them below `unit(id)`, and holds them for the fields' loaders. Does nothing when the
 * selection asks no children, or its arguments do not evaluate (the fields then report it).
 */
export async function prefetchTree(unitId: string, info: GraphQLResolveInfo, ctx: Context): Promise<void> {
  let key: TreeKey | null;
  try {
    key = treeKeyOf(unitId, info, ctx);
  } catch {
    return;
  }
  if (!key) return;
  const loaders = ctx.loaders;
  const tree = await loaders.read("tree", key, (rt) => unitTree(ctx.db, key, rt, !loaders.caching));
  if (tree.unit) loaders.primeUnits([tree.unit]);
  loaders.hold("children", JSON.stringify(key.page), tree.page);
  factKeysOf(key, tree.page).forEach((k, i) => {
    loaders.hold("facts", factsKey(k), tree.facts[i] ?? null);
  });
  for (const r of tree.rules) loaders.rule.prime(r.id, r);
  loaders.primeCitations(tree.citations);
}
