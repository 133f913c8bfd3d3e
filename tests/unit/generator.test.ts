/** The synthetic national graph: deterministic, shaped like the system, and consistent. Pure: no database. */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { isActiveOn } from "../../src/domain/dates.ts";
import { findSuperiorCycles } from "../../src/domain/hierarchy.ts";
import { foldText } from "../../src/domain/text-folding.ts";
import { isPartyOrganisation, UNIT_KINDS, type UnitKind } from "../../src/domain/unit-kinds.ts";
import { PROVINCES } from "../../src/generator/geography.ts";
import {
  ANCHOR_UNITS,
  foldName,
  GEN_PREFIX,
  type GenEvent,
  type GeneratedBatch,
  type GenRelation,
  type GenUnit,
} from "../../src/generator/model.ts";
import {
  CITED_PROVISIONS,
  countNation,
  estimateSize,
  generateNation,
  LAST_OLD_DAY,
  NATIONAL_FIGURES,
  nationalPlan,
  REFORM_DAY,
} from "../../src/generator/national/index.ts";
import { Random } from "../../src/generator/prng.ts";
import { readAndValidateSeed } from "../../src/seed/load-seed.ts";

interface Graph {
  batches: GeneratedBatch[];
  units: GenUnit[];
  relations: GenRelation[];
  events: GenEvent[];
  byId: Map<string, GenUnit>;
}

function build(scale: number, seed = 42): Graph {
  const batches = [...generateNation({ scale, seed })];
  const units = batches.flatMap((b) => b.units);
  return {
    batches,
    units,
    relations: batches.flatMap((b) => b.relations),
    events: batches.flatMap((b) => b.events),
    byId: new Map(units.map((u) => [u.id, u])),
  };
}

const digest = (g: Graph) => createHash("sha256").update(JSON.stringify(g.batches)).digest("hex");

/** Dates on either side of every change the generator makes. */
const PROBES = [
  "2020-01-01",
  "2023-12-01",
  "2025-01-31",
  "2025-02-01",
  LAST_OLD_DAY,
  REFORM_DAY,
  "2026-06-01",
];

describe("the generator", () => {
  let g: Graph;
  beforeAll(() => {
    g = build(0.01);
  });

  it("is deterministic: the same seed gives the same graph, another seed another", () => {
    expect(digest(build(0.01))).toBe(digest(g));
    expect(digest(build(0.01, 7))).not.toBe(digest(g));
    const a = new Random(42, "x");
    const b = new Random(42, "x");
    expect(Array.from({ length: 5 }, () => a.nextUint32())).toEqual(
      Array.from({ length: 5 }, () => b.nextUint32()),
    );
  });

  it("marks every unit synthetic, prefixes every id with gen-, and never repeats an id", () => {
    expect(g.units.length).toBeGreaterThan(1000);
    expect(g.units.every((u) => u.synthetic === true)).toBe(true);
    for (const x of [...g.units, ...g.relations, ...g.events]) expect(x.id.startsWith(GEN_PREFIX)).toBe(true);
    expect(new Set(g.units.map((u) => u.id)).size).toBe(g.units.length);
    expect(new Set(g.relations.map((r) => `${r.type}:${r.id}`)).size).toBe(g.relations.length);
    expect(new Set(g.events.map((e) => e.id)).size).toBe(g.events.length);
  });

  it("uses known kinds, folds names as foldText does, and never uses the importer's separators", () => {
    for (const u of g.units) {
      expect(Object.hasOwn(UNIT_KINDS, u.kind)).toBe(true);
      expect(u.nameFolded).toBe(foldText(u.name));
    }
    // The importer's separators (U+001D–U+001F) and line breaks never occur in a value.
    const bad = (v: unknown): boolean =>
      typeof v === "string"
        ? [...v].some((c) => c.charCodeAt(0) < 0x20)
        : Array.isArray(v)
          ? v.some(bad)
          : v !== null && typeof v === "object" && Object.values(v).some(bad);
    expect(g.units.some(bad) || g.relations.some(bad)).toBe(false);
    expect(foldName("  Đảng ủy   xã Tân  Phú ")).toBe(foldText("  Đảng ủy   xã Tân  Phú "));
  });

  it("points relations and hosts only at units of the same or an earlier chunk, or at the seed's anchors", () => {
    const seen = new Set<string>(ANCHOR_UNITS);
    for (const b of g.batches) {
      for (const u of b.units) seen.add(u.id);
      for (const r of b.relations) {
        expect(seen.has(r.from), r.id).toBe(true);
        expect(seen.has(r.to), r.id).toBe(true);
        for (const v of r.via) expect(seen.has(v), r.id).toBe(true);
      }
      for (const u of b.units) expect(u.host === null || seen.has(u.host), u.id).toBe(true);
      for (const e of b.events)
        for (const id of [...e.ended, ...e.founded]) expect(seen.has(id), e.id).toBe(true);
    }
  });

  it("keeps every relation within both endpoints' validity", () => {
    const anchor = { validFrom: null, validTo: null };
    for (const r of g.relations) {
      for (const end of [r.from, r.to]) {
        const u = g.byId.get(end) ?? anchor;
        // An open end of the unit bounds nothing; a dated end bounds the relation's.
        expect(!u.validFrom || (r.validFrom !== null && r.validFrom >= u.validFrom), r.id).toBe(true);
        expect(!u.validTo || (r.validTo !== null && r.validTo <= u.validTo), r.id).toBe(true);
      }
      expect(!r.validFrom || !r.validTo || r.validFrom <= r.validTo, r.id).toBe(true);
    }
  });

  it("gives every party organisation exactly one direct superior on every date it is in force, and no cycle", () => {
    const superiors = g.relations.filter((r) => r.type === "SUBORDINATE_TO");
    const byChild = new Map<string, GenRelation[]>();
    for (const r of superiors) byChild.set(r.from, [...(byChild.get(r.from) ?? []), r]);
    const isParty = (u: GenUnit) =>
      ["PARTY_ORGANISATION", "PARTY_DELEGATION"].includes(UNIT_KINDS[u.kind].category);
    const party = g.units.filter(isParty);
    expect(party.length).toBeGreaterThan(0);
    for (const u of g.units.filter((x) => !isParty(x)))
      expect(byChild.has(u.id), `${u.id} (${u.kind}) has a SUBORDINATE_TO`).toBe(false);
    for (const u of party) {
      const superiorsOnActiveDays = PROBES.filter((day) => isActiveOn(u, day)).map(
        (day) => (byChild.get(u.id) ?? []).filter((r) => isActiveOn(r, day)).length,
      );
      expect(superiorsOnActiveDays, u.id).toEqual(superiorsOnActiveDays.map(() => 1));
    }
    expect(findSuperiorCycles(superiors)).toEqual([]);
  });

  it("cites only provisions the seed has", async () => {
    const seed = await readAndValidateSeed();
    const provisions = new Set(seed.provisions.map((p) => p.id));
    for (const id of CITED_PROVISIONS) expect(provisions.has(id), id).toBe(true);
    for (const r of g.relations) for (const id of r.basis) expect(provisions.has(id), id).toBe(true);
    for (const e of g.events) for (const id of e.basis) expect(provisions.has(id), id).toBe(true);
    const seedIds = new Set(seed.units.map((u) => u.id));
    for (const a of ANCHOR_UNITS) expect(seedIds.has(a)).toBe(true);
    for (const u of g.units) expect(seedIds.has(u.id)).toBe(false);
  });

  it("gives a đảng bộ cơ sở chi bộ trực thuộc and a chi bộ cơ sở none, in Đồng Nai-like proportions", () => {
    const children = new Map<string, GenUnit[]>();
    for (const r of g.relations)
      if (r.type === "SUBORDINATE_TO") {
        const child = g.byId.get(r.from);
        if (child) children.set(r.to, [...(children.get(r.to) ?? []), child]);
      }
    const committees = g.units.filter((u) => u.kind === "BASIC_PARTY_COMMITTEE");
    const cells = g.units.filter((u) => u.kind === "BASIC_PARTY_CELL");
    for (const c of committees) {
      const below = children.get(c.id) ?? [];
      expect(below.length, c.id).toBeGreaterThan(0);
      expect(
        below.every((x) => x.kind === "SUBORDINATE_PARTY_CELL" || x.kind === "PARTIAL_PARTY_COMMITTEE"),
      ).toBe(true);
    }
    for (const c of cells) expect(children.get(c.id) ?? []).toEqual([]);
    const share = committees.length / (committees.length + cells.length);
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.4);
    // Agency organisations sit in a host agency that has a head (138-QĐ/TW Điều 10–11 need both).
    const heads = new Set(
      g.relations
        .filter((r) => r.type === "PART_OF" && g.byId.get(r.from)?.kind === "AGENCY_HEAD")
        .map((r) => r.to),
    );
    const agencyOrgs = [...committees, ...cells].filter((u) => u.sector === "AGENCY");
    expect(agencyOrgs.length).toBeGreaterThan(10);
    for (const o of agencyOrgs) {
      expect(o.host, o.id).not.toBeNull();
      const inStateAgency = g.byId.get(o.host as string)?.kind === "STATE_AGENCY";
      expect(!inStateAgency || heads.has(o.host as string), o.id).toBe(true);
    }
  });

  it("has the history layer: a thôn chi bộ reports up through the old commune and district until 30/06/2025, the new commune from 01/07/2025", () => {
    const chainOf = (id: string, day: string): string[] => {
      const out: string[] = [];
      let cur: string | undefined = id;
      while (cur) {
        out.push(cur);
        const up = g.relations.find(
          (r) => r.type === "SUBORDINATE_TO" && r.from === cur && isActiveOn(r, day),
        );
        cur = up?.to;
      }
      return out;
    };
    const thon = g.units.find((u) => /-x\d+-t1$/.test(u.id)) as GenUnit;
    const before = chainOf(thon.id, LAST_OLD_DAY).map((id) => g.byId.get(id)?.kind ?? id);
    const after = chainOf(thon.id, REFORM_DAY).map((id) => g.byId.get(id)?.kind ?? id);
    expect(before).toEqual([
      "SUBORDINATE_PARTY_CELL",
      "COMMUNE_COMMITTEE",
      "DISTRICT_COMMITTEE",
      "PROVINCIAL_COMMITTEE",
      "bch-trung-uong",
    ]);
    expect(after).toEqual([
      "SUBORDINATE_PARTY_CELL",
      "COMMUNE_COMMITTEE",
      "PROVINCIAL_COMMITTEE",
      "bch-trung-uong",
    ]);
    const [oldCommune, newCommune] = [chainOf(thon.id, LAST_OLD_DAY)[1], chainOf(thon.id, REFORM_DAY)[1]];
    expect(g.byId.get(oldCommune as string)?.validTo).toBe(LAST_OLD_DAY);
    expect(g.byId.get(newCommune as string)?.validFrom).toBe(REFORM_DAY);
  });

  it("records the mergers: every old commune ended by one commune merger, every new commune founded by one", () => {
    const oldCommunes = g.units.filter((u) => u.kind === "COMMUNE_COMMITTEE" && u.validTo === LAST_OLD_DAY);
    const newCommunes = g.units.filter((u) => u.kind === "COMMUNE_COMMITTEE" && u.validFrom === REFORM_DAY);
    const merges = g.events.filter((e) => e.kind === "COMMUNE_MERGER");
    expect(merges.flatMap((e) => e.ended).sort()).toEqual(oldCommunes.map((u) => u.id).sort());
    expect(merges.flatMap((e) => e.founded).sort()).toEqual(newCommunes.map((u) => u.id).sort());
    const provinceMergers = g.events.filter((e) => e.kind === "PROVINCE_MERGER");
    expect(provinceMergers.length).toBeGreaterThan(0);
    for (const e of provinceMergers) expect(e.ended.length).toBeGreaterThanOrEqual(2);
  });

  it("grows with the scale and keeps the smallest graph small but historical", () => {
    const tiny = countNation({ scale: 0.001 });
    const small = countNation({ scale: 0.003 });
    expect(tiny.units).toBeLessThan(small.units);
    expect(small.units).toBeLessThan(g.units.length);
    expect(tiny.units).toBeGreaterThan(200);
    expect(tiny.units).toBeLessThan(2000);
    expect(tiny.events).toBeGreaterThan(0);
    const estimate = estimateSize(nationalPlan({ scale: 0.01 }));
    const actual = g.units.length + g.relations.length + g.events.length;
    expect(Math.abs(estimate - actual) / actual).toBeLessThan(0.25);
    expect(() => nationalPlan({ scale: 2 })).toThrow(/scale/);
  });
});

describe("the national plan at full scale", () => {
  const plan = nationalPlan({ scale: 1 });
  const communes = plan.provinces.flatMap((p) => p.communes);

  it("has the 34 provinces formed from the 63, and 3,321 communes: 2,621 xã, 687 phường, 13 đặc khu", () => {
    expect(plan.provinces.length).toBe(NATIONAL_FIGURES.provincesAfter);
    expect(plan.provinces.flatMap((p) => p.old).length).toBe(NATIONAL_FIGURES.provincesBefore);
    expect(communes.length).toBe(NATIONAL_FIGURES.communes);
    expect(communes.filter((c) => c.type === "xa").length).toBe(NATIONAL_FIGURES.xa);
    expect(communes.filter((c) => c.type === "phuong").length).toBe(NATIONAL_FIGURES.phuong);
    expect(communes.filter((c) => c.type === "dac-khu").length).toBe(NATIONAL_FIGURES.dacKhu);
    const count = (slug: string) => plan.provinces.find((p) => p.province.slug === slug)?.communes.length;
    expect(count("ho-chi-minh")).toBe(168);
    expect(count("lai-chau")).toBe(38);
    expect(new Set(PROVINCES.flatMap((p) => p.from.map((o) => o.slug))).size).toBe(63);
  });

  it("has about 700 districts and about 10,000 old communes before the reform", () => {
    const old = plan.provinces.flatMap((p) => p.old);
    expect(old.reduce((a, o) => a + o.districts.length, 0)).toBe(NATIONAL_FIGURES.districts);
    expect(old.reduce((a, o) => a + o.districts.reduce((x, y) => x + y, 0), 0)).toBe(
      NATIONAL_FIGURES.oldCommunes,
    );
  });

  it("keeps merged provinces first, so that every scale has history", () => {
    for (const scale of [0.001, 0.01, 0.05]) {
      const first = nationalPlan({ scale }).provinces[0];
      expect(first?.province.from.length).toBeGreaterThan(1);
    }
    expect(isPartyOrganisation("COMMUNE_COMMITTEE" as UnitKind)).toBe(true);
  });
});
