/** The pre-reform cut and the reform plan, on the generated graph at small scales (pure, no database). */
import { describe, expect, it } from "vitest";
import {
  generateNation,
  LAST_OLD_DAY,
  nationalPlan,
  REFORM_DAY,
} from "../../src/generator/national/index.ts";
import { preReformCut } from "../../src/generator/national/reform-cut.ts";
import { provinceReform } from "../../src/generator/national/reform-plan.ts";

const batches = [...generateNation({ scale: 0.03 })];
const plans = batches.map(provinceReform);
const steps = plans.flatMap((p) => p.steps);

describe("the pre-reform cut", () => {
  const cut = batches.map((b) => preReformCut(b));
  const units = cut.flatMap((b) => b.units);
  const relations = cut.flatMap((b) => b.relations);

  it("holds what had started by 30/06/2025 and knows no end from that day on", () => {
    const started = batches
      .flatMap((b) => b.units)
      .filter((u) => !u.validFrom || u.validFrom <= LAST_OLD_DAY);
    expect(units.map((u) => u.id)).toEqual(started.map((u) => u.id));
    expect(units.filter((u) => u.validFrom === REFORM_DAY || u.validTo === LAST_OLD_DAY)).toEqual([]);
    expect(
      relations.filter((r) => (r.validFrom ?? "") > LAST_OLD_DAY || (r.validTo ?? "") >= LAST_OLD_DAY),
    ).toEqual([]);
  });

  it("drops the reform's merger events and keeps every relation's ends", () => {
    const ids = new Set([...units.map((u) => u.id), "bch-trung-uong"]);
    expect(cut.flatMap((b) => b.events).filter((e) => e.date >= REFORM_DAY)).toEqual([]);
    expect(relations.filter((r) => !ids.has(r.from) || !ids.has(r.to))).toEqual([]);
  });
});

describe("the reform plan", () => {
  const nation = nationalPlan({ scale: 0.03 });
  const oldProvinces = nation.provinces.flatMap((p) => p.old);
  const merged = nation.provinces.filter((p) => p.old.length > 1);

  it("finds nothing it cannot make equal to the history", () => {
    expect(plans.flatMap((p) => p.problems)).toEqual([]);
    expect(plans.reduce((a, p) => a + p.basisDiffers, 0)).toBe(0);
  });

  it("merges every merged province and abolishes its district level in the same change", () => {
    // At this scale every province was merged: the merger of its old Tỉnh ủy also ends their
    // districts (no district may hang under a Tỉnh ủy of 01/07/2025, even for a moment), so that
    // their communes and organisations move once, straight to the new Tỉnh ủy.
    expect(merged.length).toBe(nation.provinces.length);
    expect(steps.filter((s) => s.op === "abolishLevel")).toEqual([]);
    const provinceMergers = steps.flatMap((s) =>
      s.op === "mergeUnits" && s.into.kind === "PROVINCIAL_COMMITTEE" ? [s] : [],
    );
    expect(provinceMergers.length).toBe(merged.length);
    expect(provinceMergers.flatMap((s) => s.sourceIds).sort()).toEqual(
      oldProvinces.map((o) => `gen-tu-${o.province.slug}`).sort(),
    );
    for (const s of provinceMergers)
      expect(s.abolishLevel).toEqual({ kind: "DISTRICT_COMMITTEE", basis: ["hd-31-2025-whole"] });
    // The merger comes before the commune mergers, which hang the new communes under the new Tỉnh ủy.
    for (const p of plans) {
      const mergerAt = Math.max(
        ...p.steps
          .filter((s) => s.op === "mergeUnits" && s.into.kind === "PROVINCIAL_COMMITTEE")
          .map((s) => s.wave),
      );
      expect(Math.min(...p.steps.filter((s) => s.op === "mergeMany").map((s) => s.wave))).toBeGreaterThan(
        mergerAt,
      );
    }
  });

  it("founds every new commune, from the old communes the generator records", () => {
    const communes = nation.provinces.reduce((a, p) => a + p.communes.length, 0);
    const founded = steps
      .flatMap((s) =>
        s.op === "mergeUnits"
          ? [s.into]
          : s.op === "mergeMany"
            ? s.merges.map((m) => m.into)
            : s.op === "createUnits"
              ? s.units.map((u) => u.unit)
              : [],
      )
      .filter((u) => u.kind === "COMMUNE_COMMITTEE")
      .map((u) => u.id);
    expect(new Set(founded).size).toBe(communes);
    const events = batches.flatMap((b) => b.events).filter((e) => e.kind === "COMMUNE_MERGER");
    const merges = steps
      .flatMap((s) => (s.op === "mergeMany" ? s.merges : s.op === "mergeUnits" ? [s] : []))
      .filter((m) => m.into.kind === "COMMUNE_COMMITTEE");
    expect(merges.length).toBe(events.filter((e) => e.ended.length > 1).length);
    // The communes' mergers go in batches (mergeMany), a province's alone.
    expect(steps.filter((s) => s.op === "mergeUnits" && s.into.kind === "COMMUNE_COMMITTEE")).toEqual([]);
  });

  it("orders each province's steps by wave", () => {
    for (const p of plans)
      expect(p.steps.map((s) => s.wave)).toEqual([...p.steps.map((s) => s.wave)].sort((a, b) => a - b));
  });

  it("carries the single-unit steps in batches within the API's limits, parents first", () => {
    const single = plans.reduce((a, p) => a + p.singleSteps, 0);
    expect(steps.length).toBeLessThan(single / 10);
    const sizes = steps.map((s) =>
      s.op === "createUnits"
        ? s.units.length
        : s.op === "moveUnits"
          ? s.moves.length
          : s.op === "closeUnits"
            ? s.ids.length
            : s.op === "addRelations"
              ? s.relations.length
              : s.op === "mergeMany"
                ? s.merges.length
                : 1,
    );
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
    const mergedUnits = steps.map((s) =>
      s.op === "mergeMany" ? s.merges.flatMap((m) => m.sourceIds).length : 0,
    );
    expect(Math.max(...mergedUnits)).toBeLessThanOrEqual(2000);
    for (const p of plans) {
      const created = new Map<string, number>();
      for (const s of p.steps)
        if (s.op === "createUnits") for (const u of s.units) created.set(u.unit.id, s.wave);
      const late = p.steps.flatMap((s) =>
        s.op === "createUnits"
          ? s.units.filter((u, i) => {
              const at = u.superiorId ? created.get(u.superiorId) : undefined;
              const sameBatchLater = s.units.slice(i).some((x) => x.unit.id === u.superiorId);
              return (at !== undefined && at > s.wave) || sameBatchLater;
            })
          : [],
      );
      expect(late.map((u) => u.unit.id)).toEqual([]);
    }
  });
});
