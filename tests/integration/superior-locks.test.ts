/**
 * The superiors' locks (src/store/write-locks.ts, "Superiors"), against the real Neo4j: a change
 * that only hangs units under a superior does not hold that superior for its whole transaction,
 * so two mergers under one superior commit side by side; and a change that closes or moves the
 * superior still either waits for it or sees its new link, so that no unit ever hangs under a
 * closed one and every invariant holds.
 *
 * A change is held open at an exact point (just after its invariant check, before its event is
 * recorded and it commits) by a Database whose write transactions pause after that statement;
 * whether another change waits for it is read from Neo4j itself (SHOW TRANSACTIONS: "Blocked
 * by"), an ordering, not a timing.
 */
import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.ts";
import type { Database, TransactionRunner } from "../../src/store/database.ts";
import { mutations } from "../../src/store/mutation-repository.ts";
import { restructurings } from "../../src/store/restructuring-repository.ts";
import { fileSandbox, gqlAs } from "./helpers/sandbox.ts";

const P = "sl-";
// A generous write budget: a change held open, and the one waiting for it, must outlive the hold.
const { server, admin } = await fileSandbox(P, { WRITE_TIMEOUT_MS: "300000" });
const ADMIN: Principal = { role: "admin", subject: "admin-tester", scopes: [] };
const BASIS = ["dieu-le-dang-whole"];
const BUILT = "2020-01-01";
const ON = "2024-01-01";
const LAST_DAY = "2023-12-31";
/** Past Neo4j's threshold (50 relationships) for a dense node, as the Central Committee and a merged Tỉnh ủy are. */
const DENSE = 55;

let n = 0;

/**
 * Two provinces under the Central Committee: the first with `cells` chi bộ directly under it (a
 * dense Tỉnh ủy, as a merged one is), a đảng bộ cơ sở with `cells` chi bộ (dense) and one with none
 * (sparse) — made in one change.
 */
async function fixture(cells = DENSE) {
  const t = `${P}${++n}`;
  const ids = {
    tinh: `${t}-tinh`,
    other: `${t}-khac`,
    dense: `${t}-dang-bo`,
    sparse: `${t}-dang-bo-nho`,
    provinceCells: Array.from({ length: cells }, (_, i) => `${t}-tcb${i}`),
    cells: Array.from({ length: cells }, (_, i) => `${t}-cb${i}`),
  };
  const unit = (id: string, kind: string) => ({ id, name: id, kind });
  await restructurings.createUnits(server.db, ADMIN, {
    units: [
      { unit: unit(ids.tinh, "PROVINCIAL_COMMITTEE"), superiorId: "bch-trung-uong", basis: null },
      { unit: unit(ids.other, "PROVINCIAL_COMMITTEE"), superiorId: "bch-trung-uong", basis: null },
      { unit: unit(ids.dense, "BASIC_PARTY_COMMITTEE"), superiorId: ids.tinh, basis: null },
      { unit: unit(ids.sparse, "BASIC_PARTY_COMMITTEE"), superiorId: ids.tinh, basis: null },
      ...ids.provinceCells.map((id) => ({
        unit: unit(id, "BASIC_PARTY_CELL"),
        superiorId: ids.tinh,
        basis: null,
      })),
      ...ids.cells.map((id) => ({
        unit: unit(id, "SUBORDINATE_PARTY_CELL"),
        superiorId: ids.dense,
        basis: null,
      })),
    ],
    effectiveOn: BUILT,
    basis: BASIS,
  });
  return ids;
}

/** A Database whose write transactions pause after the statement matching `after`, until released. */
function holding(db: Database, after: RegExp) {
  let release = () => {};
  let reached = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const arrived = new Promise<void>((r) => {
    reached = r;
  });
  const held = Object.create(db) as Database;
  held.boundedWriteTransaction = (work) =>
    db.boundedWriteTransaction((tx: TransactionRunner) =>
      work({
        run: async (cypher, params) => {
          const rows = await tx.run(cypher, params);
          if (after.test(cypher)) {
            reached();
            await gate;
          }
          return rows;
        },
      }),
    );
  return { db: held, arrived, release };
}

/** The statement after which a change has checked its invariants and has only its event to record. */
const CHECKED = /RETURN invariant, v/;

/** Waits until `change` settles or some transaction is blocked by another's lock, and says which came first. */
async function blockedOrSettled(change: Promise<unknown>): Promise<"blocked" | "settled"> {
  let settled = false;
  change.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (;;) {
    if (settled) return "settled";
    const rows = await server.db.readAutoCommit(
      "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n",
    );
    if (Number(rows[0]?.n) > 0) return "blocked";
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until a held change reached its hold (or failed before it). */
async function untilHeld(held: { arrived: Promise<void> }, change: Promise<unknown>): Promise<void> {
  await Promise.race([held.arrived, change]);
}

/** The error code and rule of a refused change. */
async function refusal(change: Promise<unknown>): Promise<{ code: unknown; rule: unknown }> {
  const e = (await change.then(
    () => null,
    (err: unknown) => err,
  )) as { code?: unknown; details?: { rule?: unknown } } | null;
  return { code: e?.code, rule: e?.details?.rule };
}

/** The structural breaches integrityReport counts over the whole graph on these dates. */
async function breaches(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const asOf of [LAST_DAY, ON, "2026-01-01"]) {
    const res = await gqlAs<{ integrityReport: { counts: { rule: string; count: number }[] } }>(
      server,
      admin,
      "query ($d: Date!) { integrityReport(asOf: $d) { counts { rule count } } }",
      { d: asOf },
    );
    expect(res.errors).toBeUndefined();
    for (const c of res.data?.integrityReport.counts ?? [])
      if (["DOUBLE_SUPERIOR", "DOUBLE_WHOLE", "CYCLE", "RELATION_OUTSIDE_VALIDITY"].includes(c.rule))
        out[`${c.rule} ${asOf}`] = c.count;
  }
  return out;
}

/** The superior (SUBORDINATE_TO) of a unit on a date, and the unit's last day. */
async function placed(id: string, asOf: string): Promise<{ superior: unknown; validTo: unknown }> {
  const [row] = await server.db.read(
    `MATCH (u:Unit {id: $id})
     OPTIONAL MATCH (u)-[r:SUBORDINATE_TO]->(s:Unit)
       WHERE r.validFrom <= date($asOf) AND (r.validTo IS NULL OR r.validTo >= date($asOf))
     RETURN s.id AS superior, toString(u.validTo) AS validTo`,
    { id, asOf },
  );
  return { superior: row?.superior ?? null, validTo: row?.validTo ?? null };
}

/** The last day of a unit's link to its superior (null: none, or open). */
async function linkEnd(id: string): Promise<unknown> {
  const [row] = await server.db.read(
    "MATCH (:Unit {id: $id})-[r:SUBORDINATE_TO]->() RETURN toString(r.validTo) AS validTo",
    { id },
  );
  return row?.validTo ?? null;
}

const merger = (sources: string[], into: string, superiorId: string, kind = "SUBORDINATE_PARTY_CELL") => ({
  sourceIds: sources,
  into: { id: into, name: into, kind },
  superiorId,
  effectiveOn: ON,
  basis: BASIS,
});

const creation = (id: string, kind: string, superiorId: string) => ({
  units: [{ unit: { id, name: id, kind }, superiorId, basis: null }],
  effectiveOn: ON,
  basis: BASIS,
});

describe("a superior that only gains units", () => {
  it("two mergers under one dense Tỉnh ủy commit side by side: the second while the first is held open after its checks", async () => {
    const t = await fixture();
    const before = await breaches();
    const first = holding(server.db, CHECKED);
    const cell = "BASIC_PARTY_CELL";
    const a = restructurings.mergeUnits(
      first.db,
      ADMIN,
      merger(t.provinceCells.slice(0, 2), `${t.tinh}-moi-a`, t.tinh, cell),
    );
    await untilHeld(first, a);
    const b = restructurings.mergeUnits(
      server.db,
      ADMIN,
      merger(t.provinceCells.slice(2, 4), `${t.tinh}-moi-b`, t.tinh, cell),
    );
    // The second does not wait for the first: it commits while the first still holds all it holds.
    expect(await blockedOrSettled(b)).toBe("settled");
    await expect(b).resolves.toMatch(/^evt-/);
    first.release();
    await expect(a).resolves.toMatch(/^evt-/);
    expect(await placed(`${t.tinh}-moi-a`, ON)).toEqual({ superior: t.tinh, validTo: null });
    expect(await placed(`${t.tinh}-moi-b`, ON)).toEqual({ superior: t.tinh, validTo: null });
    expect(await breaches()).toEqual(before);
  });

  it("under a dense đảng bộ, two mergers commit side by side too: the Tỉnh ủy above it is only held shared", async () => {
    const t = await fixture();
    const before = await breaches();
    const first = holding(server.db, CHECKED);
    const a = restructurings.mergeUnits(
      first.db,
      ADMIN,
      merger(t.cells.slice(0, 2), `${t.dense}-moi-a`, t.dense),
    );
    await untilHeld(first, a);
    const b = restructurings.mergeUnits(
      server.db,
      ADMIN,
      merger(t.cells.slice(2, 4), `${t.dense}-moi-b`, t.dense),
    );
    // Both hold the Tỉnh ủy above the đảng bộ (a cycle's safety), shared: the second goes on.
    expect(await blockedOrSettled(b)).toBe("settled");
    await expect(b).resolves.toMatch(/^evt-/);
    first.release();
    await expect(a).resolves.toMatch(/^evt-/);
    expect(await placed(`${t.dense}-moi-a`, ON)).toEqual({ superior: t.dense, validTo: null });
    expect(await placed(`${t.dense}-moi-b`, ON)).toEqual({ superior: t.dense, validTo: null });
    expect(await breaches()).toEqual(before);
  });
});

/** A cell created under `superior`, held open right after its invariant checks (release with `gainer.release()`). */
async function creationHeldAfterChecks(superior: string) {
  const gainer = holding(server.db, CHECKED);
  const made = `${superior}-moi`;
  const a = restructurings.createUnits(gainer.db, ADMIN, creation(made, "SUBORDINATE_PARTY_CELL", superior));
  await untilHeld(gainer, a);
  return { gainer, made, a };
}

describe.each(["dense", "sparse"] as const)(
  "a change that closes or moves a %s superior still meets the one that hangs a unit under it",
  (which) => {
    it("closing the superior's subtree waits for a creation under it, then closes the new unit too", async () => {
      const t = await fixture();
      const superior = t[which];
      const before = await breaches();
      const { gainer, made, a } = await creationHeldAfterChecks(superior);
      const close = restructurings.closeUnits(server.db, ADMIN, {
        ids: [superior],
        lastDay: "2024-06-30",
        basis: BASIS,
        withSubtree: true,
      });
      expect(await blockedOrSettled(close)).toBe("blocked");
      gainer.release();
      await expect(a).resolves.toMatch(/^evt-/);
      await expect(close).resolves.toMatch(/^evt-/);
      // The closure saw the new unit (it waited for its commit) and closed it with its superior.
      expect(await placed(made, ON)).toEqual({ superior, validTo: "2024-06-30" });
      expect(await breaches()).toEqual(before);
    });

    it("a creation under a superior being closed waits for the closure, then is refused", async () => {
      const t = await fixture();
      const superior = t[which];
      const before = await breaches();
      const closer = holding(server.db, CHECKED);
      const close = restructurings.closeUnits(closer.db, ADMIN, {
        ids: [superior],
        lastDay: "2024-06-30",
        basis: BASIS,
        withSubtree: true,
      });
      await untilHeld(closer, close);
      const made = `${superior}-moi`;
      const a = restructurings.createUnits(
        server.db,
        ADMIN,
        creation(made, "SUBORDINATE_PARTY_CELL", superior),
      );
      expect(await blockedOrSettled(a)).toBe("blocked");
      closer.release();
      await expect(close).resolves.toMatch(/^evt-/);
      // It saw the closure once it could go on: refused, its new link outliving its superior
      // (a dense superior: the link waited), or made with the link ending with the superior (a
      // sparse one: it read the superior once it held it). Never a link past the closure.
      const outcome = {
        refusal: await refusal(a),
        placed: await placed(made, ON),
        link: await linkEnd(made),
      };
      expect([
        {
          refusal: { code: "CONFLICT", rule: "ENDPOINTS_ACTIVE" },
          placed: { superior: null, validTo: null },
          link: null,
        },
        {
          refusal: { code: undefined, rule: undefined },
          placed: { superior, validTo: null },
          link: "2024-06-30",
        },
      ]).toContainEqual(outcome);
      expect(await breaches()).toEqual(before);
    });

    it("moving the superior waits for a creation under it; both hold", async () => {
      const t = await fixture();
      const superior = t[which];
      const before = await breaches();
      const { gainer, made, a } = await creationHeldAfterChecks(superior);
      const move = restructurings.moveUnits(server.db, ADMIN, {
        moves: [{ unitId: superior, superiorId: t.other, basis: null }],
        effectiveOn: ON,
        basis: BASIS,
      });
      expect(await blockedOrSettled(move)).toBe("blocked");
      gainer.release();
      await expect(a).resolves.toMatch(/^evt-/);
      await expect(move).resolves.toMatch(/^evt-/);
      expect(await placed(made, ON)).toEqual({ superior, validTo: null });
      expect(await placed(superior, ON)).toEqual({ superior: t.other, validTo: null });
      expect(await breaches()).toEqual(before);
    });
  },
);

describe("a merger racing the closure of its superior's province", () => {
  it("waits for the closure (which closes its sources), then is refused; nothing breaks", async () => {
    const t = await fixture();
    const before = await breaches();
    const closer = holding(server.db, CHECKED);
    const close = restructurings.closeUnits(closer.db, ADMIN, {
      ids: [t.tinh],
      lastDay: "2024-06-30",
      basis: BASIS,
      withSubtree: true,
    });
    await untilHeld(closer, close);
    const a = restructurings.mergeUnits(
      server.db,
      ADMIN,
      merger(t.cells.slice(0, 2), `${t.dense}-moi`, t.dense),
    );
    expect(await blockedOrSettled(a)).toBe("blocked");
    closer.release();
    await expect(close).resolves.toMatch(/^evt-/);
    // Either refused, or (having read the sources and the superior once the closure committed)
    // merged with its new unit's link ending with the closed superior: exactly one of the two.
    const made = `${t.dense}-moi`;
    const outcome = { refused: (await refusal(a)).code ?? null, link: await linkEnd(made) };
    expect([
      { refused: "CONFLICT", link: null },
      { refused: null, link: "2024-06-30" },
    ]).toContainEqual(outcome);
    expect(await breaches()).toEqual(before);
  });
});

describe("two links of a whole (PART_OF) that would close a loop together", () => {
  it("the second waits for the first, then is refused NO_CYCLE: locks follow PART_OF as the cycle rule does", async () => {
    const t = `${P}${++n}`;
    const o = [1, 2, 3, 4].map((i) => `${t}-o${i}`);
    await restructurings.createUnits(server.db, ADMIN, {
      units: o.map((id) => ({ unit: { id, name: id, kind: "STATE_AGENCY" }, superiorId: null, basis: null })),
      effectiveOn: BUILT,
      basis: BASIS,
    });
    const partOf = (db: Database, from: string, to: string) =>
      mutations.addRelation(db, ADMIN, {
        type: "PART_OF",
        fromId: from,
        toId: to,
        validFrom: ON,
        basis: BASIS,
      });
    await partOf(server.db, o[3] as string, o[0] as string);
    await partOf(server.db, o[1] as string, o[2] as string);
    const before = await breaches();
    const first = holding(server.db, CHECKED);
    const a = partOf(first.db, o[0] as string, o[1] as string);
    await untilHeld(first, a);
    const b = partOf(server.db, o[2] as string, o[3] as string);
    expect(await blockedOrSettled(b)).toBe("blocked");
    first.release();
    await expect(a).resolves.toBeTruthy();
    expect(await refusal(b)).toEqual({ code: "CONFLICT", rule: "NO_CYCLE" });
    expect(await breaches()).toEqual(before);
  });
});
