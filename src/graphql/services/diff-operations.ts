/**
 * graphDiff's first page (50 changes) and its summary, as a client asks them: what the warm-up
 * asks through Apollo (src/graphql/services/warm-up.ts) and what bench/diff-cold.ts times as the
 * first diff after a start. A module of its own, free of the service's other modules, so that a
 * bench imports the text without them.
 */

/** The two operations, named `${name}DiffPage` and `${name}DiffSummary` (metrics and logs count operations by name). */
export function diffOperations(name: string): { page: string; summary: string } {
  return {
    page: `query ${name}DiffPage($from: Date!, $to: Date!, $under: [ID!]) {
  graphDiff(from: $from, to: $to, under: $under, first: 50) {
    nodes { type date unit { id name kind } oldSuperior { id } newSuperior { id } relationType
      obligations { gained { recipient { id } frequencies } lost { recipient { id } } }
      cause { kind eventId name direct } }
    pageInfo { hasNextPage endCursor }
  } }`,
    summary: `query ${name}DiffSummary($from: Date!, $to: Date!, $under: [ID!]) {
  graphDiff(from: $from, to: $to, under: $under) {
    predecessors { id }
    summary { total headline partyOrganisationsMoved byType { key count } byCause { key count }
      byKind { key total } byProvince { key label total } } } }`,
  };
}
