/** What a resolver's own selection asks for, so that it reads only what will be sent. */
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";

/** Whether the selection (through fragments too) asks for the field at its first level. */
export function selects(info: GraphQLResolveInfo, field: string): boolean {
  const seen = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === field;
      if (s.kind === Kind.INLINE_FRAGMENT) return seen(s.selectionSet);
      return seen(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((n) => seen(n.selectionSet));
}
