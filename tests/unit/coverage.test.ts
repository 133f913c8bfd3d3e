/**
 * The coverage checklist (seed/coverage/coverage.yaml) against the seed: every id it names
 * exists, every provision the seed cites appears in it, and every entry is either modelled or
 * says why not. Prints the counts that the README states.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readAndValidateSeed } from "../../src/seed/load-seed.ts";
import type { SeedGraph } from "../../src/seed/validate-seed.ts";

interface Entry {
  id?: string;
  provision: string;
  modelled?: string[];
  notModelled?: string;
}

const FILE = fileURLToPath(new URL("../../seed/coverage/coverage.yaml", import.meta.url));

function seedIds(g: SeedGraph): Set<string> {
  return new Set([
    ...g.units.map((u) => u.id),
    ...g.documents.map((d) => d.id),
    ...g.provisions.map((p) => p.id),
    ...g.relations.map((r) => r.id),
    ...g.rules.map((r) => r.id),
    ...g.meetingRules.map((m) => m.id),
    ...g.positions.map((p) => p.id),
    ...g.kindPairings.map((k) => k.id),
    ...g.channelRules.map((c) => c.id),
    ...g.assigneeSelectors.map((a) => a.id),
    ...g.plans.flatMap((p) => [p.id, ...p.tasks.map((t) => t.id), ...p.targets.map((t) => t.id)]),
  ]);
}

function citedProvisions(g: SeedGraph): Set<string> {
  const lists: (readonly string[] | string)[] = [
    ...g.units.map((u) => u.source),
    ...g.relations.map((r) => r.basis),
    ...g.rules.map((r) => r.basis),
    ...g.meetingRules.map((m) => m.basis),
    ...g.meetingRules.map((m) => m.writtenConsent?.basis ?? []),
    ...g.positions.map((p) => p.basis),
    ...g.kindPairings.map((k) => k.basis),
    ...g.channelRules.map((c) => c.basis),
    ...g.assigneeSelectors.map((a) => a.basis),
    ...g.plans.flatMap((p) => [...p.tasks.map((t) => t.basis), ...p.targets.map((t) => t.basis)]),
  ];
  return new Set(lists.flatMap((l) => (Array.isArray(l) ? l : [])));
}

describe("the coverage checklist", () => {
  it("names only seed ids, lists every cited provision, and gives a reason for every gap", async () => {
    const g = await readAndValidateSeed();
    const doc = parse(await readFile(FILE, "utf8")) as { provisions: Entry[]; statements: Entry[] };
    const entries = [...doc.provisions, ...doc.statements];
    const ids = seedIds(g);

    const unknown = entries.flatMap((e) => [e.provision, ...(e.modelled ?? [])].filter((id) => !ids.has(id)));
    expect(unknown).toEqual([]);

    const listed = new Set(doc.provisions.map((e) => e.provision));
    expect([...citedProvisions(g)].filter((p) => !listed.has(p))).toEqual([]);
    // Every provision of the five documents is listed too.
    const five = new Set(g.documents.filter((d) => d.file).map((d) => d.id));
    expect(g.provisions.filter((p) => five.has(p.document) && !listed.has(p.id)).map((p) => p.id)).toEqual(
      [],
    );

    for (const e of entries) {
      const modelled = (e.modelled ?? []).length > 0;
      const reason = (e.notModelled ?? "").trim();
      expect(modelled || reason.length > 0, e.id ?? e.provision).toBe(true);
      expect(reason).not.toMatch(/TODO/);
    }

    const count = (list: Entry[]) => ({
      total: list.length,
      modelled: list.filter((e) => (e.modelled ?? []).length > 0).length,
      notModelled: list.filter((e) => (e.modelled ?? []).length === 0).length,
    });
    const ofFive = doc.provisions.filter((e) =>
      five.has(g.provisions.find((p) => p.id === e.provision)?.document ?? ""),
    );
    console.log(
      `coverage: provisions of the five documents ${JSON.stringify(count(ofFive))}; ` +
        `section-6 statements ${JSON.stringify(count(doc.statements))}`,
    );
    expect(ofFive.length).toBeGreaterThan(0);
  });
});
