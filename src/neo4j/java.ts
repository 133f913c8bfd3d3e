/** Finds a Java that Neo4j 5.26 runs on. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Neo4jLaunchError } from "./errors.ts";

const SUPPORTED_JAVA = [17, 21];

let javaPromise: Promise<{ javaBin: string; version: number }> | undefined;

/** Finds a Java 17 or 21: $JAVA_HOME, then the Debian OpenJDK 17/21 paths, then `java` on PATH. */
export function findJava(): Promise<{ javaBin: string; version: number }> {
  javaPromise ??= locateJava().catch((err: unknown) => {
    javaPromise = undefined;
    throw err;
  });
  return javaPromise;
}

function candidates(): { label: string; bin: string }[] {
  const list: { label: string; bin: string }[] = [];
  const javaHome = process.env.JAVA_HOME;
  if (javaHome) list.push({ label: `JAVA_HOME=${javaHome}`, bin: path.join(javaHome, "bin", "java") });
  for (const dir of ["/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-21-openjdk-amd64"]) {
    list.push({ label: dir, bin: path.join(dir, "bin", "java") });
  }
  list.push({ label: "java on PATH", bin: "java" });
  return list;
}

async function locateJava(): Promise<{ javaBin: string; version: number }> {
  const tried: string[] = [];
  for (const c of candidates()) {
    if (c.bin !== "java" && !fs.existsSync(c.bin)) continue;
    const version = await javaVersion(c.bin);
    if (version === undefined) {
      if (c.bin !== "java") tried.push(`${c.label} (not runnable)`);
      continue;
    }
    if (SUPPORTED_JAVA.includes(version)) return { javaBin: c.bin, version };
    tried.push(`${c.label} (Java ${version})`);
  }
  throw new Neo4jLaunchError(
    `No Java 17 or 21 found for Neo4j 5.26${tried.length ? ` (tried: ${tried.join(", ")})` : ""}: ` +
      "install one (apt-get install openjdk-17-jdk-headless) or set JAVA_HOME to a Java 17/21 JDK",
  );
}

function javaVersion(bin: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(bin, ["-version"], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) return resolve(undefined);
      const m = /version "(\d+)(?:\.(\d+))?/.exec(`${stderr}\n${stdout}`);
      if (!m) return resolve(undefined);
      const major = Number(m[1]);
      resolve(major === 1 ? Number(m[2]) : major);
    });
  });
}
