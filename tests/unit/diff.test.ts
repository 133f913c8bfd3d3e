/** The pure diff (src/domain/diff.ts): changes from two states, causes, paging, obligations and the summary. */
import { describe, expect, it } from "vitest";
import {
  type DiffChange,
  type DiffEventRow,
  DiffTally,
  type DiffUnitRow,
  isAfter,
  nextDay,
  obligationChanges,
  pickCause,
  unitChanges,
} from "../../src/domain/diff.ts";
import type { Obligation } from "../../src/domain/obligations.ts";

const W = { from: "2025-06-30", to: "2025-07-01" };

function row(over: Partial<DiffUnitRow> & { id: string }): DiffUnitRow {
  return {
    kind: "COMMUNE_COMMITTEE",
    province: "lam-dong",
    origin: "seed",
    validFrom: null,
    validTo: null,
    current: { name: over.id, sector: null, host: null, level: null, seat: null },
    former: { name: [], sector: [], host: [], level: [], seat: [] },
    superiorAtFrom: null,
    superiorAtTo: null,
    superiorSince: null,
    superiorAtOpening: null,
    relations: [],
    ...over,
  };
}

const merger = (id: string, kind = "COMMUNE_MERGER", effectiveOn = "2025-07-01"): DiffEventRow => ({
  id,
  kind,
  name: `sự kiện ${id}`,
  effectiveOn,
  basis: ["p-1"],
  actor: null,
  source: "GENERATED",
  changed: null,
});

const input = (events: Record<string, DiffEventRow[]> = {}, scope?: Set<string>) => ({
  window: W,
  inScope: (id: string) => scope === undefined || scope.has(id),
  eventsOf: (id: string) => events[id] ?? [],
});

describe("unitChanges", () => {
  it("a unit ended on the window's first day is closed on the next, caused by the merger that names it", () => {
    const old = row({ id: "xa-cu", validTo: "2025-06-30", superiorAtFrom: "huyen" });
    const [c, ...rest] = unitChanges(old, input({ "xa-cu": [merger("ev-xa")] }));
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      type: "UNIT_CLOSED",
      date: "2025-07-01",
      oldSuperior: "huyen",
      unitId: "xa-cu",
    });
    expect(c?.cause).toMatchObject({ kind: "MERGE", eventId: "ev-xa", direct: true, basis: ["p-1"] });
  });

  it("a unit that only moved inherits the restructuring of its old superior, not a plain edit of it", () => {
    const cell = row({
      id: "chi-bo-thon",
      kind: "BASIC_PARTY_CELL",
      superiorAtFrom: "xa-cu",
      superiorAtTo: "xa-moi",
      superiorSince: "2025-07-01",
    });
    const edit = { ...merger("ev-edit", "UPDATE_UNIT"), source: "EVENT" as const };
    const [c] = unitChanges(cell, input({ "xa-cu": [edit, merger("ev-xa")] }));
    expect(c).toMatchObject({ type: "UNIT_MOVED", oldSuperior: "xa-cu", newSuperior: "xa-moi" });
    expect(c?.cause).toMatchObject({ kind: "MERGE", eventId: "ev-xa", direct: false });
  });

  it("a unit opened and closed inside the window is listed once, dated its first day, under its first superior", () => {
    const w = { from: "2025-06-01", to: "2025-07-01" };
    const brief = row({
      id: "ban-tam",
      validFrom: "2025-06-10",
      validTo: "2025-06-20",
      superiorAtOpening: "tinh",
    });
    expect(unitChanges(brief, { ...input(), window: w })).toMatchObject([
      { type: "UNIT_OPENED_AND_CLOSED", date: "2025-06-10", newSuperior: "tinh", oldSuperior: null },
    ]);
    // Still open on `to`, or closed on `to` itself (in force that day): opened, not opened and closed.
    expect(unitChanges({ ...brief, validTo: "2025-07-01" }, { ...input(), window: w })[0]?.type).toBe(
      "UNIT_OPENED",
    );
    // Opened before the window: closed.
    expect(unitChanges({ ...brief, validFrom: "2025-05-01" }, { ...input(), window: w })[0]?.type).toBe(
      "UNIT_CLOSED",
    );
  });

  it("without an event the change says where it came from", () => {
    const opened = row({ id: "xa-moi", validFrom: "2025-07-01", superiorAtTo: "tinh" });
    expect(unitChanges(opened, input())[0]?.cause.kind).toBe("SEED");
    expect(unitChanges({ ...opened, origin: "generated" }, input())[0]?.cause.kind).toBe("GENERATED");
    expect(unitChanges({ ...opened, origin: "api" }, input())[0]?.cause.kind).toBe("UNRECORDED");
  });

  it("a rename is dated the day after the earlier name's last day, with both names", () => {
    const renamed = row({
      id: "dang-uy",
      current: { name: "Tên mới", sector: null, host: null, level: null, seat: null },
      former: {
        name: [{ value: "Tên cũ", validTo: "2025-06-30" }],
        sector: [],
        host: [],
        level: [],
        seat: [],
      },
    });
    expect(unitChanges(renamed, input())).toMatchObject([
      { type: "UNIT_RENAMED", date: "2025-07-01", attribute: "name", before: "Tên cũ", after: "Tên mới" },
    ]);
  });

  it("an unchanged unit has no change", () => {
    expect(unitChanges(row({ id: "yen", superiorAtFrom: "a", superiorAtTo: "a" }), input())).toEqual([]);
  });

  it("files a relation under its start, or under its end when the start is outside the scope", () => {
    const rel = { id: "r1", type: "REPORTS_TO", from: "a", to: "b", validFrom: "2025-07-01", validTo: null };
    const scope = new Set(["a", "b"]);
    expect(unitChanges(row({ id: "a", relations: [rel] }), input({}, scope)).map((c) => c.type)).toEqual([
      "RELATION_STARTED",
    ]);
    expect(unitChanges(row({ id: "b", relations: [rel] }), input({}, scope))).toEqual([]);
    expect(unitChanges(row({ id: "b", relations: [rel] }), input({}, new Set(["b"])))).toMatchObject([
      { type: "RELATION_STARTED", unitId: "b", relation: { id: "r1" } },
    ]);
  });

  it("a relation that ended on the window's first day ended the next day", () => {
    const rel = {
      id: "r2",
      type: "SUBORDINATE_TO",
      from: "a",
      to: "b",
      validFrom: null,
      validTo: "2025-06-30",
    };
    expect(unitChanges(row({ id: "a", relations: [rel] }), input())).toMatchObject([
      { type: "RELATION_ENDED", date: "2025-07-01" },
    ]);
  });
});

describe("pickCause", () => {
  it("takes an event dated the change's eve (a closure's last day) and prefers the closest", () => {
    const eve = {
      ...merger("close", "CLOSE_UNIT", "2025-06-30"),
      source: "EVENT" as const,
      actor: "bien-tap",
    };
    const far = merger("old", "COMMUNE_MERGER", "2025-06-01");
    const c = pickCause(
      { type: "UNIT_CLOSED", date: "2025-07-01", oldSuperior: null, newSuperior: null, relation: null },
      { id: "u", origin: "api", relations: [] },
      [far, eve],
      () => [],
    );
    expect(c).toMatchObject({ kind: "EDIT", eventId: "close", actor: "bien-tap", direct: true });
  });

  it("takes a move's cause from the superior it left before the one it joined", () => {
    // A commune moved from its district to the new Tỉnh ủy: the district ended (a), the Tỉnh ủy
    // was founded by a merger (z, whose id sorts after, so the order is not the ids').
    const events: Record<string, ReturnType<typeof merger>[]> = {
      huyen: [merger("z-district", "DISTRICT_LEVEL_ENDED")],
      tinh: [merger("a-merger", "PROVINCE_MERGER")],
    };
    const of = (id: string) => events[id] ?? [];
    const up = pickCause(
      { type: "UNIT_MOVED", date: "2025-07-01", oldSuperior: "huyen", newSuperior: "tinh", relation: null },
      { id: "u", origin: "seed", relations: [] },
      [],
      of,
    );
    expect(up).toMatchObject({ kind: "ABOLISHED_LEVEL", eventId: "z-district", direct: false });
    const joined = pickCause(
      { type: "UNIT_MOVED", date: "2025-07-01", oldSuperior: "x", newSuperior: "tinh", relation: null },
      { id: "u", origin: "seed", relations: [] },
      [],
      of,
    );
    expect(joined).toMatchObject({ kind: "MERGE", eventId: "a-merger", direct: false });
  });

  it("files each change of one day under the event that recorded it (a move, a rename, a relation)", () => {
    // Review s11 #7: three events on the unit on one day; each change names the one whose Change
    // records changed it, not the move for all three.
    const link = (
      id: string,
      type: string,
      to: string,
      validFrom: string | null,
      validTo: string | null,
    ) => ({
      id,
      type,
      from: "u",
      to,
      validFrom,
      validTo,
    });
    const row = {
      id: "u",
      origin: "api",
      relations: [
        link("old-link", "SUBORDINATE_TO", "a", "2020-01-01", "2025-07-31"),
        link("new-link", "SUBORDINATE_TO", "b", "2025-08-01", null),
        link("rep", "REPORTS_TO", "b", "2025-08-01", null),
      ],
    };
    const recorded = (id: string, kind: string, changed: string[]) => ({
      ...merger(id, kind, "2025-08-01"),
      source: "EVENT" as const,
      changed,
    });
    const events = [
      recorded("e-1-move", "SET_SUPERIOR", ["old-link", "new-link"]),
      recorded("e-2-rename", "UPDATE_UNIT", ["u"]),
      recorded("e-3-relation", "ADD_RELATION", ["rep"]),
    ];
    const cause = (draft: Parameters<typeof pickCause>[0]) => pickCause(draft, row, events, () => []).eventId;
    const on = { date: "2025-08-01", oldSuperior: null, newSuperior: null, relation: null };
    expect(cause({ ...on, type: "UNIT_MOVED", oldSuperior: "a", newSuperior: "b" })).toBe("e-1-move");
    expect(cause({ ...on, type: "UNIT_RENAMED" })).toBe("e-2-rename");
    expect(cause({ ...on, type: "RELATION_STARTED", relation: row.relations[2] ?? null })).toBe(
      "e-3-relation",
    );
    expect(cause({ ...on, type: "RELATION_STARTED", relation: row.relations[1] ?? null })).toBe("e-1-move");
  });

  it("maps the restructuring events to their kinds", () => {
    const kinds = [
      "MERGE_UNITS",
      "SPLIT_UNIT",
      "ABOLISH_LEVEL",
      "DISTRICT_LEVEL_ENDED",
      "SET_SUPERIOR",
      "ADD_RELATION",
    ].map(
      (k) =>
        pickCause(
          { type: "UNIT_CLOSED", date: "2025-07-01", oldSuperior: null, newSuperior: null, relation: null },
          { id: "u", origin: "api", relations: [] },
          [merger("e", k)],
          () => [],
        ).kind,
    );
    expect(kinds).toEqual(["MERGE", "SPLIT", "ABOLISHED_LEVEL", "ABOLISHED_LEVEL", "MOVE", "EDIT"]);
  });
});

describe("paging and summary", () => {
  const change = (unitId: string, ordinal: number, over: Partial<DiffChange> = {}): DiffChange =>
    ({
      type: "UNIT_CLOSED",
      date: "2025-07-01",
      unitId,
      ordinal,
      kind: "DISTRICT_COMMITTEE",
      province: "lam-dong",
      cause: { kind: "SEED" },
      ...over,
    }) as DiffChange;

  it("orders positions by unit id, then by the change's place in the unit", () => {
    const p = { u: "b", i: 1 };
    expect(
      [change("a", 5), change("b", 1), change("b", 2), change("c", 0)]
        .filter((c) => isAfter(c, p))
        .map((c) => `${c.unitId}${c.ordinal}`),
    ).toEqual(["b2", "c0"]);
  });

  it("counts by type, kind and province, and reads the reform in one sentence", () => {
    const t = new DiffTally();
    for (const id of ["tu-a", "tu-b", "tu-c"])
      t.add(change(id, 0, { kind: "PROVINCIAL_COMMITTEE" }), "Tỉnh ủy Lâm Đồng");
    t.add(change("tu-moi", 0, { kind: "PROVINCIAL_COMMITTEE", type: "UNIT_OPENED" }), "Tỉnh ủy Lâm Đồng");
    t.add(change("huyen", 0));
    t.add(change("xa", 0, { kind: "COMMUNE_COMMITTEE", type: "UNIT_MOVED", province: null }));
    const s = t.summary();
    expect(s.total).toBe(6);
    expect(s.byType).toEqual([
      { key: "UNIT_CLOSED", label: "kết thúc hoạt động", count: 4 },
      { key: "UNIT_OPENED", label: "thành lập / bắt đầu hoạt động", count: 1 },
      { key: "UNIT_MOVED", label: "chuyển cấp trên trực tiếp", count: 1 },
    ]);
    expect(s.byKind[0]).toMatchObject({ key: "PROVINCIAL_COMMITTEE", label: "Tỉnh ủy / Thành ủy", total: 4 });
    expect(s.byProvince.map((p) => [p.label, p.total])).toEqual([
      ["Lâm Đồng", 5],
      ["(không thuộc tỉnh)", 1],
    ]);
    expect(s.partyOrganisationsMoved).toBe(1);
    expect(s.headline).toBe(
      "3 tỉnh ủy → 1; 1 huyện ủy kết thúc hoạt động; 1 tổ chức đảng đổi cấp trên trực tiếp",
    );
  });
});

describe("obligationChanges", () => {
  const o = (recipient: string, frequencies = ["MONTHLY"]): Obligation =>
    ({
      obligor: "xa",
      type: "REPORTS_TO",
      recipient,
      frequencies,
      via: [],
      subject: null,
      basis: [],
      ruleId: "r-138",
      validFrom: null,
      validTo: null,
    }) as Obligation;

  it("names the obligations gained and lost: a new recipient, and changed frequencies", () => {
    const { gained, lost } = obligationChanges(
      [o("huyen"), o("tinh", ["YEARLY"])],
      [o("tinh"), o("tinh", ["YEARLY"])],
    );
    expect(gained.map((x) => x.recipient)).toEqual(["tinh"]);
    expect(gained[0]?.frequencies).toEqual(["MONTHLY"]);
    expect(lost.map((x) => x.recipient)).toEqual(["huyen"]);
  });

  it("nextDay crosses months and years", () => {
    expect([nextDay("2025-06-30"), nextDay("2024-12-31"), nextDay("2024-02-28")]).toEqual([
      "2025-07-01",
      "2025-01-01",
      "2024-02-29",
    ]);
  });
});
