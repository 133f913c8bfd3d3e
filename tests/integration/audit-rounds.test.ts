/**
 * A change larger than one round of its audit (src/store/change-session.ts, AUDIT_CHUNK), against
 * the real Neo4j: no statement carries more than a round's audit records (what bounds the memory
 * one huge change holds in the service, issue 16 item 6); the audit is still whole — every unit
 * and relation once, in the event, linked to what it changed, read back in the feed's order —; and
 * a violation found in a later round rolls back the rounds already written with everything else.
 */
import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.ts";
import { changesOfEvents, findEvents } from "../../src/store/change-repository.ts";
import { AUDIT_CHUNK } from "../../src/store/change-session.ts";
import type { Database, Row, TransactionRunner } from "../../src/store/database.ts";
import { restructurings } from "../../src/store/restructuring-repository.ts";
import { graphSnapshot } from "./helpers/graph-snapshot.ts";
import { fileSandbox } from "./helpers/sandbox.ts";

const P = "ar-";
const { server } = await fileSandbox(P, { WRITE_TIMEOUT_MS: "300000" });
const ADMIN: Principal = { role: "admin", subject: "admin-tester", scopes: [] };
const BASIS = ["dieu-le-dang-whole"];
const ON = "2024-01-01";
/** Units enough that their audit (a record per unit and per link) takes two rounds, within createUnits' 1,000. */
const UNITS = Math.ceil((AUDIT_CHUNK * 1.8) / 2);

/** A Database that notes how many audit records each statement of its changes wrote (CREATE (ch:Change …)). */
function counting(db: Database): { db: Database; rounds: number[] } {
  const rounds: number[] = [];
  const observed = Object.create(db) as Database;
  observed.boundedWriteTransaction = (work) =>
    db.boundedWriteTransaction((tx: TransactionRunner) =>
      work({
        run: (cypher: string, params?: Row) => {
          if (cypher.includes("CREATE (ch:Change"))
            rounds.push(((params?.in as Row | undefined)?.changes as unknown[] | undefined)?.length ?? 0);
          return tx.run(cypher, params);
        },
      }),
    );
  return { db: observed, rounds };
}

let n = 0;

/** A province under the Central Committee, and the ids of `count` chi bộ to create under it. */
async function province(count: number): Promise<{ tinh: string; cells: string[] }> {
  const t = `${P}${++n}`;
  const tinh = `${t}-tinh`;
  await restructurings.createUnits(server.db, ADMIN, {
    units: [
      {
        unit: { id: tinh, name: tinh, kind: "PROVINCIAL_COMMITTEE" },
        superiorId: "bch-trung-uong",
        basis: null,
      },
    ],
    effectiveOn: "2020-01-01",
    basis: BASIS,
  });
  return { tinh, cells: Array.from({ length: count }, (_, i) => `${t}-cb${String(i).padStart(4, "0")}`) };
}

const cell = (id: string, superiorId: string, kind = "BASIC_PARTY_CELL") => ({
  unit: { id, name: id, kind },
  superiorId,
  basis: null,
});

describe("a change larger than one round of its audit", () => {
  it("writes its audit a round at a time, whole: every unit and link once, linked, in the feed's order", async () => {
    const { tinh, cells } = await province(UNITS);
    const { db, rounds } = counting(server.db);
    const eventId = await restructurings.createUnits(db, ADMIN, {
      units: cells.map((id) => cell(id, tinh)),
      effectiveOn: ON,
      basis: BASIS,
    });
    // 2 × UNITS records (a unit and its link each), in rounds of at most AUDIT_CHUNK.
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...rounds)).toBeLessThanOrEqual(AUDIT_CHUNK);
    expect(rounds.reduce((a, x) => a + x, 0)).toBe(2 * UNITS);

    const [changes = []] = await changesOfEvents(server.db, [eventId]);
    expect(changes).toHaveLength(2 * UNITS);
    const units = changes.filter((c) => c.entity === "UNIT");
    const links = changes.filter((c) => c.entity === "RELATION");
    expect(units.map((c) => c.entityId)).toEqual(cells);
    expect(new Set(links.map((c) => c.entityId)).size).toBe(UNITS);
    expect(changes.every((c) => c.operation === "CREATED" && c.before === null && c.after !== null)).toBe(
      true,
    );
    // The feed's order (change-repository.ts): entity descending, then id.
    const order = [...changes].sort((a, b) =>
      a.entity === b.entity ? (a.entityId < b.entityId ? -1 : 1) : a.entity < b.entity ? 1 : -1,
    );
    expect(changes.map((c) => c.id)).toEqual(order.map((c) => c.id));
    // One recording time for the whole event, and every link's record names both its ends.
    expect(new Set(changes.map((c) => c.at)).size).toBe(1);
    expect(links.every((c) => c.unitIds.length === 2 && c.unitIds.includes(tinh))).toBe(true);

    const [event] = await findEvents(server.db, [eventId]);
    expect(event?.unitIds).toEqual([...cells, tinh].sort());
    const [counts] = await server.db.read(
      `MATCH (e:Event {id: $eventId})
       RETURN COUNT { (e)-[:AFFECTED]->(:Unit) } AS affected,
              COUNT { (:Change)-[:IN_EVENT]->(e) } AS inEvent,
              COUNT { (:Change {eventId: $eventId})-[:CHANGED]->(:Unit) } AS changed`,
      { eventId },
    );
    expect(counts).toEqual({ affected: UNITS + 1, inEvent: 2 * UNITS, changed: UNITS + 2 * UNITS });
  });

  it("rolls back the rounds it wrote when a later round breaks an invariant: the graph as it was", async () => {
    const { tinh, cells } = await province(UNITS);
    // The last unit's link breaks a kind pairing (a Tỉnh ủy under a chi bộ): found in the last round,
    // after the first has written its records.
    const wrong = `${P}${n}-tinh-sai`;
    const before = await graphSnapshot(server.db);
    const { db, rounds } = counting(server.db);
    const error = await restructurings
      .createUnits(db, ADMIN, {
        units: [
          ...cells.map((id) => cell(id, tinh)),
          cell(wrong, cells[0] as string, "PROVINCIAL_COMMITTEE"),
        ],
        effectiveOn: ON,
        basis: BASIS,
      })
      .then(
        () => null,
        (e: unknown) => e as { code?: string; details?: Record<string, unknown> },
      );
    expect({ code: error?.code, rule: error?.details?.rule }).toEqual({
      code: "BAD_USER_INPUT",
      rule: "KIND_PAIRING",
    });
    expect(rounds.length).toBeGreaterThanOrEqual(1);
    expect(await graphSnapshot(server.db)).toEqual(before);
  });

  it("reports an unknown provision, not a violation, whichever round the violation is in (review s13 R1)", async () => {
    const refusals: unknown[] = [];
    for (const size of [1, UNITS]) {
      const { tinh, cells } = await province(size);
      // The wrong link (a Tỉnh ủy under a chi bộ) is the change's last: in its only round, or in a later one.
      const wrong = `${P}${n}-tinh-sai`;
      const before = await graphSnapshot(server.db);
      const error = await restructurings
        .createUnits(server.db, ADMIN, {
          units: [
            ...cells.map((id) => cell(id, tinh)),
            cell(wrong, cells[0] as string, "PROVINCIAL_COMMITTEE"),
          ],
          effectiveOn: ON,
          basis: [...BASIS, `${P}no-such-provision`],
        })
        .then(
          () => null,
          (e: unknown) => e as { code?: string; message?: string; details?: Record<string, unknown> },
        );
      refusals.push({ code: error?.code, argument: error?.details?.argument, rule: error?.details?.rule });
      expect(error?.message).toContain(`${P}no-such-provision`);
      expect(await graphSnapshot(server.db)).toEqual(before);
    }
    const basisError = { code: "BAD_USER_INPUT", argument: "basis", rule: undefined };
    expect(refusals).toEqual([basisError, basisError]);
  });
});
