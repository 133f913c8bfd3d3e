/** Reads, validates and writes the seed: nothing is written unless all of it is valid. */
import type { Database } from "../store/database.ts";
import { writeSeed } from "../store/seed-repository.ts";
import { DEFAULT_SEED_DIR, readSeedFiles } from "./read-seed.ts";
import { type SeedFile, type SeedGraph, validateSeed } from "./validate-seed.ts";

export async function readAndValidateSeed(dir: string = DEFAULT_SEED_DIR): Promise<SeedGraph> {
  return validateSeed(await readSeedFiles(dir));
}

export async function loadSeed(db: Database, dir: string = DEFAULT_SEED_DIR): Promise<SeedGraph> {
  const seed = await readAndValidateSeed(dir);
  await writeSeed(db, seed);
  return seed;
}

/** Validates and writes already-read files (used by tests that feed modified seeds). */
export async function loadSeedFiles(db: Database, files: SeedFile[]): Promise<SeedGraph> {
  const seed = validateSeed(files);
  await writeSeed(db, seed);
  return seed;
}
