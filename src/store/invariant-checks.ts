/**
 * The hierarchy invariants, checked inside the write transaction after the change and before
 * commit (by Cypher, or on what Cypher reads where the rule has a home in src/domain)
 * (src/domain/invariants.ts says what each means). A violation aborts the transaction, so
 * nothing is written.
 */
import { checkIntervalOrder, MAX_STRUCTURE_DEPTH, type Violation } from "../domain/invariants.ts";
import { isStructural, RELATION_TYPE_NAMES } from "../domain/relation-types.ts";
import { STRUCTURE } from "./cypher-fragments.ts";
import type { Row, TransactionRunner } from "./database.ts";
import { optText, text, texts } from "./fields.ts";

const START = "date('0001-01-01')";
const END = "date('9999-12-31')";

/** What a change altered: the part of the graph that can break an invariant because of it. */
export interface ChangedParts {
  /** Units whose state changed (created ones included), with their state after the change. */
  units: { id: string; state: Row; validityChanged: boolean }[];
  /** Relations created or altered that still exist, with their state after (type, from, to, …) and before (null: created). */
  relations: ChangedRelation[];
  /** Of those, the ones the change created. */
  created: ChangedRelation[];
}

export interface ChangedRelation {
  id: string;
  type: string;
  state: Row;
  /** Its state before the change; null (or absent) when the change created it. */
  before?: Row | null;
}

/**
 * A relation the change made hold on days it did not hold before (created, or its interval
 * widened): only such a relation can take part in a new overlap or a new cycle, which must share
 * one of those days. A relation the change only shortened (a move or a closure ends it) cannot,
 * so a unit that already holds two overlapping superiors or wholes (legacy data) can still be
 * renamed, moved or closed, while a new link that overlaps is refused.
 */
interface Anchor {
  id: string;
  type: string;
  /** New on every day it holds (created, or its ends or type changed). */
  created: boolean;
  /** Its interval before (null: open), for the exact "shares a new day" test. */
  wasFrom: string | null;
  wasTo: string | null;
  /** The days it is new on lie within [spanFrom, spanTo] (null: open): the checks prune to links overlapping them. */
  spanFrom: string | null;
  spanTo: string | null;
}

function anchorOf(r: ChangedRelation): Anchor | null {
  const from = text(r.state, "from");
  const to = text(r.state, "to");
  const af = optText(r.state, "validFrom");
  const at = optText(r.state, "validTo");
  const b = r.before ?? null;
  const base = { id: r.id, type: r.type };
  if (!b || b.from !== from || b.to !== to || (b.type !== undefined && b.type !== r.type))
    return { ...base, created: true, wasFrom: null, wasTo: null, spanFrom: af, spanTo: at };
  const bf = optText(b, "validFrom");
  const bt = optText(b, "validTo");
  // Dates compare as yyyy-mm-dd text; null is the open start or end.
  const earlier = bf !== null && (af === null || af < bf);
  const later = bt !== null && (at === null || at > bt);
  if (!earlier && !later) return null;
  return {
    ...base,
    created: false,
    wasFrom: bf,
    wasTo: bt,
    // The new days are [af, bf) and (bt, at]; the span covering them includes the boundary days (still sound for pruning).
    spanFrom: earlier ? af : bt,
    spanTo: later ? at : bf,
  };
}

/**
 * Checks only what the change can affect — the relations it made hold on new days, its changed
 * relations, and the relations of units whose validity changed — each check anchored on them by
 * id (index seeks) with bounded paths, so that a change costs the same in a small graph and in
 * the national one, and however much history its units carry. The checks that need the graph run
 * as one statement (a UNION ALL of the five, each its own branch with its own LIMIT): a
 * statement's fixed cost in Neo4j and the driver is far above what these few dozen db hits cost,
 * so one round trip instead of five is most of their price.
 */
export async function checkInvariants(tx: TransactionRunner, parts: ChangedParts): Promise<Violation[]> {
  const anchors = parts.relations.map(anchorOf).filter((a): a is Anchor => a !== null);
  // The structure is SUBORDINATE_TO and PART_OF: a party organisation has one direct superior,
  // an organ or body belongs to one whole (seed/FORMAT.md), and neither may loop, through either.
  const structural = anchors.filter((a) => isStructural(a.type));
  const params = {
    created: parts.created.map((r) => ({
      ...ends(r),
      type: r.type,
      validFrom: optText(r.state, "validFrom"),
      validTo: optText(r.state, "validTo"),
    })),
    structural,
    rels: parts.relations.map((r) => ({ id: r.id, type: r.type })),
    ids: parts.units.filter((u) => u.validityChanged).map((u) => u.id),
    subordinate: structural.filter((a) => a.type === "SUBORDINATE_TO"),
  };
  const found = new Map<string, Row[]>();
  const branches = CHECKS.filter((c) => c.inputs.some((k) => params[k].length > 0));
  if (branches.length > 0)
    for (const r of await tx.run(
      `CALL () {\n${branches.map((c) => c.cypher).join("\nUNION ALL\n")}\n} RETURN invariant, v`,
      // The lists in one map: Neo4j plans a statement again for each size class of a list parameter
      // (1, a few, tens, hundreds, …), and this one is dear to plan (seconds): with the lists inside
      // a map it is planned once per set of branches (bench/RESULTS.md, "Planning").
      { in: params },
    ))
      found.set(text(r, "invariant"), [...(found.get(text(r, "invariant")) ?? []), r.v as Row]);
  const rows = (invariant: string) => found.get(invariant) ?? [];
  // In CHECK_ORDER (src/domain/invariants.ts firstViolation): a change checked in parts reports the same first.
  return [
    ...selfRelations(parts.created),
    ...rows("DUPLICATE_RELATION").map(duplicateRelation),
    ...rows("ONE_DIRECT_SUPERIOR").map(twoSuperiors),
    ...rows("ONE_WHOLE").map(twoWholes),
    ...rows("NO_CYCLE").map(cycle),
    ...rows("STRUCTURE_DEPTH").map(tooDeep),
    ...intervalOrder(parts),
    ...rows("ENDPOINTS_ACTIVE").map(outsideValidity),
    ...rows("KIND_PAIRING").map(kindPairing),
  ];
}

type Input = "created" | "structural" | "rels" | "ids" | "subordinate";

/**
 * Binds `x` (an anchor), its relation `e` from `u` to `p`, the relation's days as `ef`/`et` and
 * the span of its new days as `sf`/`st`. Found by the relationship's id index (one per type), not
 * by expanding from either end: a unit with much history has many links, a superior many below it.
 */
const ANCHORED = `CALL () {
       UNWIND [x IN $in.structural WHERE x.type = 'SUBORDINATE_TO'] AS x
       MATCH (u)-[e:SUBORDINATE_TO]->(p) WHERE e.id = x.id
       RETURN x, u, e, p
       UNION ALL
       UNWIND [x IN $in.structural WHERE x.type = 'PART_OF'] AS x
       MATCH (u)-[e:PART_OF]->(p) WHERE e.id = x.id
       RETURN x, u, e, p
     }
     WITH x, u, e, p, coalesce(e.validFrom, ${START}) AS ef, coalesce(e.validTo, ${END}) AS et,
          coalesce(date(x.spanFrom), ${START}) AS sf, coalesce(date(x.spanTo), ${END}) AS st`;

/** Whether the days [of, ot] (within the anchor's) include one the anchor `x` did not hold on before. */
const SHARES_NEW_DAY = `(x.created OR of < coalesce(date(x.wasFrom), ${START}) OR ot > coalesce(date(x.wasTo), ${END}))`;

/**
 * The changed relations (`$in.rels`: id, type), bound as `r` from `a` to `b`: one id index seek each
 * (the indexes are per type, so a branch per type), not an expansion from an end, which costs as
 * many db hits as that unit has links (a unit with much history has hundreds).
 */
const BY_ID = RELATION_TYPE_NAMES.map(
  (type) => `UNWIND [x IN $in.rels WHERE x.type = '${type}'] AS x
       MATCH (a)-[r:${type}]->(b) WHERE r.id = x.id
       RETURN r, a, b`,
).join("\n       UNION\n       ");

/** The graph checks: each a UNION branch returning (invariant, v), run when one of its inputs is non-empty. */
const CHECKS: { inputs: Input[]; cypher: string }[] = [
  {
    // A relation created by the change repeats a relation of the same type between the same
    // units whose validity overlaps its own.
    inputs: ["created"],
    cypher: `UNWIND $in.created AS x
     MATCH (a:Unit {id: x.from})-[o]->(b:Unit {id: x.to})
     WHERE type(o) = x.type AND (o.id IS NULL OR o.id <> x.id)
       AND coalesce(o.validFrom, ${START}) <= coalesce(date(x.validTo), ${END})
       AND coalesce(date(x.validFrom), ${START}) <= coalesce(o.validTo, ${END})
     WITH x, a, b, o LIMIT 5
     RETURN 'DUPLICATE_RELATION' AS invariant, {type: x.type, from: a.id, to: b.id, existing: coalesce(o.id, elementId(o)),
            of: toString(o.validFrom), ot: toString(o.validTo)} AS v`,
  },
  {
    // A party unit has at most one active direct superior at any date, and an organ or body is
    // part of at most one whole: a pair of a unit's links of one type sharing a day, one of them
    // a link the change made hold on that day (an overlap between two older links is not this
    // change's doing, and must not stop every later edit of the unit).
    inputs: ["structural"],
    cypher: `${ANCHORED}
     MATCH (u)-[b:${STRUCTURE}]->(q:Unit)
     WHERE type(b) = x.type AND b <> e
       AND coalesce(b.validFrom, ${START}) <= st AND coalesce(b.validTo, ${END}) >= sf
     WITH x, u, p, q, CASE WHEN ef > coalesce(b.validFrom, ${START}) THEN ef ELSE coalesce(b.validFrom, ${START}) END AS of,
          CASE WHEN et < coalesce(b.validTo, ${END}) THEN et ELSE coalesce(b.validTo, ${END}) END AS ot
     WHERE of <= ot AND ${SHARES_NEW_DAY}
     WITH x, u, p, q, of LIMIT 5
     RETURN CASE x.type WHEN 'PART_OF' THEN 'ONE_WHOLE' ELSE 'ONE_DIRECT_SUPERIOR' END AS invariant,
            {unit: u.id, first: p.id, second: q.id, from: CASE WHEN of = ${START} THEN null ELSE toString(of) END} AS v`,
  },
  {
    // No cycle in the structure (SUBORDINATE_TO and PART_OF) on any date, and no chain of
    // superiors and wholes longer than MAX_STRUCTURE_DEPTH (src/domain/invariants.ts): a new cycle
    // or a chain grown past the bound must pass through a link the change made hold on a day the
    // links all share, so one walk starts from that link's upper end and follows only links
    // holding on some of its new days (pruned as it expands: Neo4j 5's quantified path patterns
    // take a predicate on each step, not on the path so far, so the days all links share are
    // intersected at the end). A walk back to the lower end is a cycle; a walk of the bound's
    // length is a chain too long — what a ring longer than the walk always has, so every ring
    // is refused, however long (review s14 A: a ring of 65 links passed a walk of 63).
    inputs: ["structural"],
    cypher: `${ANCHORED}
     MATCH path = (p) (()-[r:${STRUCTURE} WHERE coalesce(r.validFrom, ${START}) <= st AND coalesce(r.validTo, ${END}) >= sf]->()){1,${MAX_STRUCTURE_DEPTH}} (t)
     WHERE t = u OR length(path) = ${MAX_STRUCTURE_DEPTH}
     WITH x, u, t, path,
          reduce(m = ef, y IN relationships(path) | CASE WHEN coalesce(y.validFrom, ${START}) > m THEN coalesce(y.validFrom, ${START}) ELSE m END) AS of,
          reduce(m = et, y IN relationships(path) | CASE WHEN coalesce(y.validTo, ${END}) < m THEN coalesce(y.validTo, ${END}) ELSE m END) AS ot
     WHERE of <= ot AND ${SHARES_NEW_DAY}
     WITH u, t, path, of, t = u AS cycle ORDER BY cycle DESC LIMIT 1
     RETURN CASE WHEN cycle THEN 'NO_CYCLE' ELSE 'STRUCTURE_DEPTH' END AS invariant,
            {cycle: [u.id] + [n IN nodes(path) | n.id], unit: u.id, top: t.id, on: toString(of)} AS v`,
  },
  {
    // Every changed relation, and every relation of a unit whose validity changed, lies within
    // both endpoints' validity (DISTINCT: a relation of a unit whose validity changed may be a changed one).
    // The relations between units are those of RELATION_TYPE_NAMES: an untyped expansion also
    // walked every audit record (CHANGED) and event (AFFECTED) of a closed unit, then dropped them.
    inputs: ["rels", "ids"],
    cypher: `CALL () {
       ${BY_ID}
       UNION
       UNWIND $in.ids AS id
       MATCH (:Unit {id: id})-[r:${RELATION_TYPE_NAMES.join("|")}]-(:Unit)
       RETURN r, startNode(r) AS a, endNode(r) AS b
     }
     WITH r, a, b, coalesce(r.validFrom, ${START}) AS rf, coalesce(r.validTo, ${END}) AS rt
     WHERE rf < coalesce(a.validFrom, ${START}) OR rt > coalesce(a.validTo, ${END})
        OR rf < coalesce(b.validFrom, ${START}) OR rt > coalesce(b.validTo, ${END})
     WITH r, a, b LIMIT 5
     RETURN 'ENDPOINTS_ACTIVE' AS invariant, {type: type(r), from: a.id, to: b.id, rf: toString(r.validFrom),
            rt: toString(r.validTo), aTo: toString(a.validTo), bTo: toString(b.validTo)} AS v`,
  },
  {
    // Only allowed kind pairings for SUBORDINATE_TO (the pairs are data: KindPairing nodes). The
    // pairings are read once for the statement, not once per new link: with thousands of links
    // (a registry import) a per-row scan of them was a sixth of the change's time.
    inputs: ["subordinate"],
    cypher: `MATCH (k:KindPairing)
     WITH collect(k {.children, .superiors, from: coalesce(k.validFrom, ${START}), to: coalesce(k.validTo, ${END})}) AS pairings
     WHERE size(pairings) > 0
     UNWIND $in.subordinate AS x
     MATCH (a)-[r:SUBORDINATE_TO]->(b) WHERE r.id = x.id
     WITH a, b, r, coalesce(r.validFrom, ${START}) AS rf, pairings
     WHERE NONE(k IN pairings WHERE a.kind IN k.children AND b.kind IN k.superiors AND k.from <= rf AND rf <= k.to)
     WITH a, b, r LIMIT 5
     RETURN 'KIND_PAIRING' AS invariant, {child: a.id, childKind: a.kind, superior: b.id, superiorKind: b.kind,
            rf: toString(r.validFrom)} AS v`,
  },
];

function ends(r: ChangedRelation): { id: string; from: string; to: string } {
  return { id: r.id, from: text(r.state, "from"), to: text(r.state, "to") };
}

/** A relation created by the change does not loop on one unit. */
function selfRelations(created: readonly ChangedRelation[]): Violation[] {
  return created
    .filter((r) => r.state.from === r.state.to)
    .slice(0, 5)
    .map((r) => ({
      rule: "NO_SELF_RELATION",
      units: [text(r.state, "from")],
      message: `a ${r.type} relation cannot go from "${r.state.from}" to itself`,
    }));
}

function duplicateRelation(r: Row): Violation {
  return {
    rule: "DUPLICATE_RELATION",
    units: [text(r, "from"), text(r, "to")],
    relations: [text(r, "existing")],
    message: `${r.type} "${r.from}" → "${r.to}" already holds over part of that time as relation "${r.existing}" (${r.of ?? "…"} – ${r.ot ?? "…"}); end it or change its dates instead`,
  };
}

function twoSuperiors(r: Row): Violation {
  return {
    rule: "ONE_DIRECT_SUPERIOR",
    units: [text(r, "unit"), text(r, "first"), text(r, "second")],
    message: `"${r.unit}" would have two direct superiors at once ("${r.first}" and "${r.second}", from ${r.from ?? "the start"})`,
  };
}

function twoWholes(r: Row): Violation {
  return {
    rule: "ONE_WHOLE",
    units: [text(r, "unit"), text(r, "first"), text(r, "second")],
    message: `"${r.unit}" would be PART_OF two units at once ("${r.first}" and "${r.second}", from ${r.from ?? "the start"}); end the one it leaves first (a move does)`,
  };
}

function cycle(r: Row): Violation {
  return {
    rule: "NO_CYCLE",
    units: texts(r, "cycle").slice(0, -1),
    message: `the structure (SUBORDINATE_TO, PART_OF) would have a cycle on ${r.on}: ${texts(r, "cycle").join(" → ")}`,
  };
}

function tooDeep(r: Row): Violation {
  return {
    rule: "STRUCTURE_DEPTH",
    units: [text(r, "unit"), text(r, "top")],
    message: `the chain of superiors and wholes (SUBORDINATE_TO, PART_OF) above "${r.unit}" would be longer than ${MAX_STRUCTURE_DEPTH} links on ${r.on} (past "${r.top}"), or close a ring longer than that`,
  };
}

/** validFrom is not after validTo, for changed units and relations (the rule: src/domain/dates.ts), on their states after the change. */
function intervalOrder(parts: ChangedParts): Violation[] {
  const violations = [
    ...parts.units.map((u) =>
      checkIntervalOrder(
        `unit "${u.id}"`,
        [u.id],
        optText(u.state, "validFrom"),
        optText(u.state, "validTo"),
      ),
    ),
    ...parts.relations.map((r) =>
      checkIntervalOrder(
        `${r.type} "${r.id}"`,
        [text(r.state, "from"), text(r.state, "to")],
        optText(r.state, "validFrom"),
        optText(r.state, "validTo"),
      ),
    ),
  ];
  return violations.filter((v): v is Violation => v !== null).slice(0, 5);
}

function outsideValidity(r: Row): Violation {
  return {
    rule: "ENDPOINTS_ACTIVE",
    units: [text(r, "from"), text(r, "to")],
    message: `${r.type} "${r.from}" → "${r.to}" (${r.rf ?? "…"} – ${r.rt ?? "…"}) is not within the validity of both units ("${r.from}" until ${r.aTo ?? "…"}, "${r.to}" until ${r.bTo ?? "…"})`,
  };
}

function kindPairing(r: Row): Violation {
  return {
    rule: "KIND_PAIRING",
    units: [text(r, "child"), text(r, "superior")],
    message: `a ${r.childKind} ("${r.child}") cannot be SUBORDINATE_TO a ${r.superiorKind} ("${r.superior}") from ${r.rf ?? "the start"}: no kind pairing allows it`,
  };
}

/** Moved to src/store/scope-membership.ts (the lock statements read it too); kept here for its importers. */
export { subtreeMembership } from "./scope-membership.ts";
