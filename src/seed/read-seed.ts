/** Reads every *.yaml file under the seed folder, in a stable order. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { SEED_DIR } from "../asset-paths.ts";
import type { SeedFile } from "./validate-seed.ts";

export const DEFAULT_SEED_DIR = SEED_DIR;

export async function readSeedFiles(dir: string = DEFAULT_SEED_DIR): Promise<SeedFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".yaml") || n.endsWith(".yml")).sort();
  const files: SeedFile[] = [];
  for (const name of names) {
    const text = await readFile(path.join(dir, name), "utf8");
    try {
      files.push({ file: name, content: parse(text) });
    } catch (e) {
      files.push({ file: name, content: undefined, parseError: (e as Error).message.split("\n")[0] });
    }
  }
  return files;
}
