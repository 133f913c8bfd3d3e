/**
 * The hierarchy invariants, checked inside the write transaction after the change and before
 * commit (by Cypher, or on what Cypher reads where the rule has a home in src/domain)
 * (src/domain/invariants.ts says what each means). A violation aborts the transaction, so
 * nothing is written.
 */
import { checkIntervalOrder, type Violation } from "../domain/invariants.ts";
import type { Row, TransactionRunner } from "./database.ts";
import { optText, text, texts } from "./fields.ts";

const START = "date('0001-01-01')";
const END = "date('9999-12-31')";

/** What a change altered: the part of the graph that can break an invariant because of it. */
export interface ChangedParts {
  /** Units whose state changed (created ones included), with their state after the change. */
  units: { id: string; state: Row; validityChanged: boolean }[];
  /** Relations created or altered that still exist, with their state after (type, from, to, …). */
  relations: ChangedRelation[];
  /** Of those, the ones the change created. */
  created: ChangedRelation[];
}

interface ChangedRelation {
  id: string;
  type: string;
  state: Row;
}

/**
 * Checks only what the change can affect — its changed units and relations, and the relations of
 * units whose validity changed — each check anchored on them by id (index seeks) with bounded
 * paths, so that a change costs the same in a small graph and in the national one. The checks
 * that need the graph run as one statement (a UNION ALL of the five, each its own branch with its
 * own LIMIT): a statement's fixed cost in Neo4j and the driver is far above what these few dozen
 * db hits cost, so one round trip instead of five is most of their price.
 */
export async function checkInvariants(tx: TransactionRunner, parts: ChangedParts): Promise<Violation[]> {
  const subordinate = parts.relations.filter((r) => r.type === "SUBORDINATE_TO");
  // The structure is SUBORDINATE_TO and PART_OF: a party organisation has one direct superior,
  // an organ or body belongs to one whole (seed/FORMAT.md), and neither may loop, through either.
  const structural = parts.relations.filter((r) => STRUCTURAL.includes(r.type));
  const params = {
    created: parts.created.map((r) => ({
      ...ends(r),
      type: r.type,
      validFrom: optText(r.state, "validFrom"),
      validTo: optText(r.state, "validTo"),
    })),
    lower: [...new Set(structural.map((r) => text(r.state, "from")))],
    upward: [
      ...new Map(
        structural.map((r) => [
          `${r.type} ${text(r.state, "from")}`,
          { id: text(r.state, "from"), type: r.type },
        ]),
      ).values(),
    ],
    rels: parts.relations.map(ends),
    ids: parts.units.filter((u) => u.validityChanged).map((u) => u.id),
    subordinate: subordinate.map(ends),
  };
  const found = new Map<string, Row[]>();
  const branches = CHECKS.filter((c) => c.inputs.some((k) => params[k].length > 0));
  if (branches.length > 0)
    for (const r of await tx.run(
      `CALL () {\n${branches.map((c) => c.cypher).join("\nUNION ALL\n")}\n} RETURN invariant, v`,
      params,
    ))
      found.set(text(r, "invariant"), [...(found.get(text(r, "invariant")) ?? []), r.v as Row]);
  const rows = (invariant: string) => found.get(invariant) ?? [];
  return [
    ...selfRelations(parts.created),
    ...rows("DUPLICATE_RELATION").map(duplicateRelation),
    ...rows("ONE_DIRECT_SUPERIOR").map(twoSuperiors),
    ...rows("ONE_WHOLE").map(twoWholes),
    ...rows("NO_CYCLE").map(cycle),
    ...intervalOrder(parts),
    ...rows("ENDPOINTS_ACTIVE").map(outsideValidity),
    ...rows("KIND_PAIRING").map(kindPairing),
  ];
}

type Input = "created" | "lower" | "upward" | "rels" | "ids" | "subordinate";

const STRUCTURAL = ["SUBORDINATE_TO", "PART_OF"];

/** The graph checks: each a UNION branch returning (invariant, v), run when one of its inputs is non-empty. */
const CHECKS: { inputs: Input[]; cypher: string }[] = [
  {
    // A relation created by the change repeats a relation of the same type between the same
    // units whose validity overlaps its own.
    inputs: ["created"],
    cypher: `UNWIND $created AS x
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
    // part of at most one whole (units that gained or changed a link of that type).
    inputs: ["upward"],
    cypher: `UNWIND $upward AS x
     MATCH (u:Unit {id: x.id})-[a:SUBORDINATE_TO|PART_OF]->(p:Unit), (u)-[b:SUBORDINATE_TO|PART_OF]->(q:Unit)
     WHERE type(a) = x.type AND type(b) = x.type AND elementId(a) < elementId(b)
       AND coalesce(a.validFrom, ${START}) <= coalesce(b.validTo, ${END})
       AND coalesce(b.validFrom, ${START}) <= coalesce(a.validTo, ${END})
     WITH x, u, p, q, a, b LIMIT 5
     RETURN CASE x.type WHEN 'PART_OF' THEN 'ONE_WHOLE' ELSE 'ONE_DIRECT_SUPERIOR' END AS invariant,
            {unit: u.id, first: p.id, second: q.id,
             from: toString(CASE WHEN coalesce(a.validFrom, ${START}) > coalesce(b.validFrom, ${START}) THEN a.validFrom ELSE b.validFrom END)} AS v`,
  },
  {
    // No cycle in the structure (SUBORDINATE_TO and PART_OF) on any date: a cycle through a unit
    // that gained or changed a superior or whole, whose edges share a day (a new cycle must pass
    // through a new or changed edge).
    inputs: ["lower"],
    cypher: `UNWIND $lower AS id
     MATCH path = (u:Unit {id: id})-[rs:SUBORDINATE_TO|PART_OF*1..64]->(u)
     WITH path,
          reduce(m = ${START}, x IN rs | CASE WHEN coalesce(x.validFrom, ${START}) > m THEN coalesce(x.validFrom, ${START}) ELSE m END) AS from,
          reduce(m = ${END}, x IN rs | CASE WHEN coalesce(x.validTo, ${END}) < m THEN coalesce(x.validTo, ${END}) ELSE m END) AS to
     WHERE from <= to
     WITH path, from LIMIT 1
     RETURN 'NO_CYCLE' AS invariant, {cycle: [n IN nodes(path) | n.id], on: toString(from)} AS v`,
  },
  {
    // Every changed relation, and every relation of a unit whose validity changed, lies within
    // both endpoints' validity. A relation is found from its two ends (an expand between two seeks).
    inputs: ["rels", "ids"],
    cypher: `CALL () {
       UNWIND $rels AS x
       MATCH (a:Unit {id: x.from})-[r]->(b:Unit {id: x.to}) WHERE r.id = x.id
       RETURN r, a, b
       UNION
       UNWIND $ids AS id
       MATCH (:Unit {id: id})-[r]-(:Unit)
       RETURN r, startNode(r) AS a, endNode(r) AS b
     }
     WITH r, a, b WHERE NOT type(r) IN ['DIRECTS', 'LEADS_ADVICE', 'COORDINATES', 'CARRIES_OUT']
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
     UNWIND $subordinate AS x
     MATCH (a:Unit {id: x.from})-[r:SUBORDINATE_TO]->(b:Unit {id: x.to}) WHERE r.id = x.id
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
