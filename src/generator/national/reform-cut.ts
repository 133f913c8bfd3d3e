/**
 * The generated national graph as it stood on 30/06/2025, for replaying the reform through the
 * public mutations (bench/reform.ts): what had started by then, with every end on or after that
 * day forgotten (nobody knew yet that the districts would end on 30/06/2025), and without the
 * reform's merger events. Pure: a batch in, a batch out.
 */
import type { GeneratedBatch, GenRelation, GenUnit } from "../../domain/records.ts";
import { LAST_OLD_DAY } from "./constants.ts";

interface Dated {
  validFrom: string | null;
  validTo: string | null;
}

/** Started by the cut day. */
const startedBy = (x: Dated, day: string) => x.validFrom === null || x.validFrom <= day;

/** As known on `day`: an end on or after it is not known yet. */
function asKnownOn<T extends Dated>(x: T, day: string): T {
  return x.validTo !== null && x.validTo >= day ? { ...x, validTo: null } : x;
}

/** One chunk as it stood on `day` (default 30/06/2025). */
export function preReformCut(batch: GeneratedBatch, day = LAST_OLD_DAY): GeneratedBatch {
  return {
    key: batch.key,
    units: batch.units.filter((u) => startedBy(u, day)).map((u): GenUnit => asKnownOn(u, day)),
    relations: batch.relations.filter((r) => startedBy(r, day)).map((r): GenRelation => asKnownOn(r, day)),
    events: batch.events.filter((e) => e.date <= day),
  };
}

/** Every chunk cut (generateNation's output, lazily). */
export function* preReformNation(
  batches: Iterable<GeneratedBatch>,
  day = LAST_OLD_DAY,
): Generator<GeneratedBatch> {
  for (const b of batches) yield preReformCut(b, day);
}
