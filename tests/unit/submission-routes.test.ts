/** Prescribed channels and the check of a path (350-CV/TU), over hand-made facts. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type ChannelFacts,
  type ChannelRule,
  checkPath,
  describeSelector,
  type RouteUnit,
  submissionRoute,
} from "../../src/domain/submission-routes.ts";
import { channelRuleSchema } from "../../src/seed/seed-schema.ts";
import { validateSeed } from "../../src/seed/validate-seed.ts";

// The rules as the seed states them (seed/channel-rules-350.yaml), parsed as the loader parses them.
const rules: ChannelRule[] = (
  parse(readFileSync(new URL("../../seed/channel-rules-350.yaml", import.meta.url), "utf8"))
    .channelRules as unknown[]
).map((raw) => {
  const r = channelRuleSchema.parse(raw);
  return {
    ...r,
    instead: r.instead ?? null,
    validFrom: r.validFrom ?? null,
    validTo: r.validTo ?? null,
    note: r.note ?? null,
  };
});

const XA = "dang-uy-xa-a";
const unit = (id: string, kind: string, level: string | null, province = "lam-dong"): RouteUnit => ({
  id,
  name: id,
  kind,
  level,
  province,
  validFrom: "2025-07-01",
  validTo: null,
});
const U = {
  xa: unit(XA, "COMMUNE_COMMITTEE", "COMMUNE"),
  btv: unit("btv-xa-a", "STANDING_BOARD", "COMMUNE"),
  tt: unit("tt-xa-a", "STANDING_MEMBERS", "COMMUNE"),
  ubkt: unit("ubkt-xa-a", "INSPECTION_COMMISSION", "COMMUNE"),
  ubnd: unit("ubnd-xa-a", "PEOPLES_COMMITTEE", "COMMUNE"),
  duUbnd: unit("dang-uy-ubnd-xa-a", "GOVERNMENT_PARTY_COMMITTEE", "COMMUNE"),
  vp: unit("van-phong-xa-a", "PARTY_OFFICE", "COMMUNE"),
  // Another commune, and a commune of another province.
  ubndB: unit("ubnd-xa-b", "PEOPLES_COMMITTEE", "COMMUNE"),
  btvB: unit("btv-xa-b", "STANDING_BOARD", "COMMUNE"),
  ubndC: unit("ubnd-xa-c", "PEOPLES_COMMITTEE", "COMMUNE", "quang-ngai"),
  btvC: unit("btv-xa-c", "STANDING_BOARD", "COMMUNE", "quang-ngai"),
};
const anchor = (id: string, hops: number) => [{ id, kind: "COMMUNE_COMMITTEE", hops }];
const facts: ChannelFacts = {
  units: new Map(Object.values(U).map((u) => [u.id, u])),
  anchors: new Map([
    [U.btv.id, anchor(XA, 2)],
    [U.tt.id, anchor(XA, 3)],
    [U.ubkt.id, anchor(XA, 1)],
    [U.ubnd.id, anchor(XA, 2)],
    [U.duUbnd.id, anchor(XA, 1)],
    [U.vp.id, anchor(XA, 1)],
    [U.ubndB.id, anchor("dang-uy-xa-b", 2)],
    [U.btvB.id, anchor("dang-uy-xa-b", 2)],
    [U.ubndC.id, anchor("dang-uy-xa-c", 2)],
    [U.btvC.id, anchor("dang-uy-xa-c", 2)],
  ]),
  members: new Map([[XA, [U.duUbnd]]]),
};
const ASOF = "2026-01-15";

describe("the seed's channel rules", () => {
  it("hold both 350-CV/TU rules, with provisions that exist in the seed", () => {
    expect(rules.map((r) => r.kind).sort()).toEqual(["COORDINATION_AGREEMENT", "SUBMISSION"]);
    expect(rules.every((r) => r.basis.includes("ld-350-2025-s0"))).toBe(true);
    expect(describeSelector({ kinds: ["GOVERNMENT_PARTY_COMMITTEE"], levels: ["COMMUNE"] })).toBe(
      "Đảng ủy Ủy ban nhân dân (cấp xã)",
    );
  });

  it("are validated: a rule citing an unknown provision, or missing what its kind needs, is refused", () => {
    const bad = {
      file: "bad.yaml",
      content: {
        channelRules: [
          {
            id: "x",
            kind: "SUBMISSION",
            title: "t",
            from: { kinds: ["PEOPLES_COMMITTEE"] },
            to: { kinds: ["NOT_A_KIND"] },
            within: ["COMMUNE_COMMITTEE"],
            provinces: ["atlantis"],
            basis: ["no-such-provision"],
          },
        ],
      },
    };
    expect(() => validateSeed([bad])).toThrow(/NOT_A_KIND|Invalid/);
    const bad2 = {
      file: "bad2.yaml",
      content: {
        channelRules: [
          {
            id: "y",
            kind: "COORDINATION_AGREEMENT",
            title: "t",
            from: { kinds: ["INSPECTION_COMMISSION"] },
            to: { kinds: ["PEOPLES_COMMITTEE"] },
            within: ["COMMUNE_COMMITTEE"],
            provinces: ["atlantis"],
            basis: ["no-such-provision"],
          },
        ],
      },
    };
    try {
      validateSeed([bad2]);
      expect.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/needs instead/);
    }
    const bad3 = {
      file: "bad3.yaml",
      content: { channelRules: [{ ...rules[0], provinces: ["atlantis"], basis: ["nope"] }] },
    };
    try {
      validateSeed([bad3]);
      expect.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/unknown provision "nope"/);
      expect(msg).toMatch(/no unit has province "atlantis"/);
    }
  });
});

describe("submissionRoute", () => {
  it("UBND xã → Đảng ủy UBND xã → BTV (or Thường trực) đảng ủy xã", () => {
    for (const to of [U.btv.id, U.tt.id]) {
      const route = submissionRoute(rules, facts, U.ubnd.id, to, ASOF);
      expect(route.units).toEqual([U.ubnd.id, U.duUbnd.id, to]);
      expect(route.ruleIds).toEqual(["ld-350-trinh-van-ban-qua-dang-uy-ubnd-xa"]);
      expect(route.basis).toEqual(["ld-350-2025-s0", "ld-350-2025-s1"]);
      expect(route.unresolved).toEqual([]);
    }
  });

  it("is direct when no rule applies: another pair, before the rule, another province, another commune", () => {
    expect(submissionRoute(rules, facts, U.vp.id, U.btv.id, ASOF)).toMatchObject({
      units: [U.vp.id, U.btv.id],
      ruleIds: [],
    });
    expect(submissionRoute(rules, facts, U.ubnd.id, U.btv.id, "2025-06-30").ruleIds).toEqual([]);
    expect(submissionRoute(rules, facts, U.ubndC.id, U.btvC.id, ASOF).ruleIds).toEqual([]);
    expect(submissionRoute(rules, facts, U.ubnd.id, U.btvB.id, ASOF).ruleIds).toEqual([]);
  });

  it("says when the commune has no unit to go through", () => {
    const route = submissionRoute(rules, facts, U.ubndB.id, U.btvB.id, ASOF);
    expect(route.units).toEqual([U.ubndB.id, U.btvB.id]);
    expect(route.unresolved[0]).toMatch(/Đảng ủy Ủy ban nhân dân/);
  });
});

describe("checkPath", () => {
  it("finds UBND xã submitting directly to the BTV đảng ủy xã", () => {
    const check = checkPath(rules, facts, [U.ubnd.id, U.btv.id], "SUBMISSION", ASOF);
    expect(check.valid).toBe(false);
    expect(check.violations).toEqual([
      expect.objectContaining({
        ruleId: "ld-350-trinh-van-ban-qua-dang-uy-ubnd-xa",
        fromIndex: 0,
        toIndex: 1,
        expected: [U.duUbnd.id],
        basis: ["ld-350-2025-s0", "ld-350-2025-s1"],
      }),
    ]);
    expect(check.violations[0]?.message).toMatch(/mà không thông qua dang-uy-ubnd-xa-a/);
  });

  it("accepts the prescribed route, and catches a detour that skips it", () => {
    expect(checkPath(rules, facts, [U.ubnd.id, U.duUbnd.id, U.btv.id], "SUBMISSION", ASOF)).toMatchObject({
      valid: true,
      ruleIds: ["ld-350-trinh-van-ban-qua-dang-uy-ubnd-xa"],
    });
    expect(
      checkPath(rules, facts, [U.ubnd.id, U.duUbnd.id, U.btv.id, U.tt.id], "SUBMISSION", ASOF).valid,
    ).toBe(true);
    const detour = checkPath(rules, facts, [U.ubnd.id, U.vp.id, U.btv.id], "SUBMISSION", ASOF);
    expect(detour.violations).toHaveLength(1);
    // The first recipient the rule governs decides: BTV before the Đảng ủy UBND is a breach.
    expect(
      checkPath(rules, facts, [U.ubnd.id, U.btv.id, U.duUbnd.id, U.tt.id], "SUBMISSION", ASOF).valid,
    ).toBe(false);
    // Units the rules say nothing about pass.
    expect(checkPath(rules, facts, [U.vp.id, U.btv.id], "SUBMISSION", ASOF)).toEqual({
      valid: true,
      violations: [],
      ruleIds: [],
    });
  });

  it("finds the UBKT signing a coordination rule with the UBND instead of the Đảng ủy UBND xã, either order", () => {
    for (const path of [
      [U.ubkt.id, U.ubnd.id],
      [U.ubnd.id, U.ubkt.id],
    ]) {
      const check = checkPath(rules, facts, path, "COORDINATION_AGREEMENT", ASOF);
      expect(check.valid).toBe(false);
      expect(check.violations).toEqual([
        expect.objectContaining({
          ruleId: "ld-350-quy-che-phoi-hop-ubkt-voi-dang-uy-ubnd-xa",
          from: U.ubkt.id,
          to: U.ubnd.id,
          expected: [U.duUbnd.id],
        }),
      ]);
      expect(check.violations[0]?.message).toMatch(/thay vì với dang-uy-ubnd-xa-a/);
    }
    expect(checkPath(rules, facts, [U.ubkt.id, U.duUbnd.id], "COORDINATION_AGREEMENT", ASOF).valid).toBe(
      true,
    );
    // A submission path is not an agreement: the coordination rule does not apply to it.
    expect(checkPath(rules, facts, [U.ubkt.id, U.ubnd.id], "SUBMISSION", ASOF).valid).toBe(true);
  });
});
