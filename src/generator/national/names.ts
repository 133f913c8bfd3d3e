/** Place names drawn from the seed's syllables, unique within a stream, and zero-padded id parts. */
import { NAME_SYLLABLES } from "../geography.ts";
import type { Random } from "../prng.ts";

export class Names {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Random) {}

  /** A two-syllable place name, unique within its stream while the pool lasts. */
  place(): string {
    let name = "";
    for (let attempt = 0; attempt < 8; attempt++) {
      const a = this.rng.pick(NAME_SYLLABLES);
      const b = this.rng.pick(NAME_SYLLABLES);
      if (a === b) continue;
      name = `${a} ${b}`;
      if (!this.used.has(name)) break;
    }
    if (name === "") name = "An Bình";
    this.used.add(name);
    return name;
  }
}

export const pad = (n: number, width = 2) => String(n).padStart(width, "0");
