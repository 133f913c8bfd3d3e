/**
 * Builds the JVM side once: `mvn -q -B -f neo4j/pom.xml package -DskipTests` compiles the
 * launcher and writes the jars' classpath (from Maven Central, into ~/.m2). Later starts need
 * no Maven and no network.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { Neo4jLaunchError, truncate } from "./errors.ts";
import { findJava } from "./java.ts";
import {
  BUILD_LOCK,
  CLASSPATH_FILE,
  LAUNCHER_CLASS,
  LAUNCHER_SOURCE,
  POM,
  REPO_ROOT,
  TARGET_DIR,
} from "./paths.ts";

let buildPromise: Promise<void> | undefined;

/**
 * Runs Maven when neo4j/target/classpath.txt or the launcher class is missing or older than its
 * inputs, or a jar it lists is gone.
 */
export function ensureNeo4jBuilt(): Promise<void> {
  buildPromise ??= buildIfNeeded().finally(() => {
    buildPromise = undefined;
  });
  return buildPromise;
}

function buildReason(): string | undefined {
  const mtime = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs;
  const cpTime = mtime(CLASSPATH_FILE);
  const classTime = mtime(LAUNCHER_CLASS);
  if (cpTime === undefined) return "no classpath file";
  if (classTime === undefined) return "launcher not compiled";
  if ((mtime(POM) ?? 0) > cpTime) return "pom.xml changed";
  if ((mtime(LAUNCHER_SOURCE) ?? 0) > classTime) return "launcher source changed";
  const entries = readClasspath();
  if (entries.length === 0) return "empty classpath file";
  if (entries.some((jar) => !fs.existsSync(jar))) return "jars missing from the local Maven repository";
  return undefined;
}

/** The Neo4j jars Maven resolved, as absolute paths. */
export function readClasspath(): string[] {
  return fs
    .readFileSync(CLASSPATH_FILE, "utf8")
    .trim()
    .split(path.delimiter)
    .filter((s) => s.length > 0);
}

async function buildIfNeeded(): Promise<void> {
  if (buildReason() === undefined) return;
  fs.mkdirSync(TARGET_DIR, { recursive: true });
  const release = await acquireBuildLock();
  try {
    // Another process may have built it while we waited for the lock.
    if (buildReason() === undefined) return;
    await runMaven();
    // build-classpath leaves the file alone when its content is unchanged; mark it as fresh for the pom check.
    if (fs.existsSync(CLASSPATH_FILE)) {
      const now = new Date();
      fs.utimesSync(CLASSPATH_FILE, now, now);
    }
    const still = buildReason();
    if (still !== undefined) {
      throw new Neo4jLaunchError(
        `Maven finished but the Neo4j launcher is still not usable (${still}); run \`npm run neo4j:build\` and read its output`,
      );
    }
  } finally {
    release();
  }
}

/** A lock directory so that concurrent processes (parallel test files) don't run Maven into the same target/. */
async function acquireBuildLock(): Promise<() => void> {
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(BUILD_LOCK);
      fs.writeFileSync(path.join(BUILD_LOCK, "pid"), String(process.pid));
      return () => fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (lockIsStale()) {
      fs.rmSync(BUILD_LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Neo4jLaunchError(
        `Timed out waiting for another Neo4j build (lock ${BUILD_LOCK}); remove it if no Maven is running`,
      );
    }
    await sleep(500);
  }
}

function lockIsStale(): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(BUILD_LOCK, "pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return lockOlderThan(10_000);
    return !isAlive(pid);
  } catch {
    // The pid file is written right after mkdir; give the owner a moment.
    return lockOlderThan(10_000);
  }
}

function lockOlderThan(ms: number): boolean {
  const st = fs.statSync(BUILD_LOCK, { throwIfNoEntry: false });
  return st !== undefined && Date.now() - st.mtimeMs > ms;
}

/** Maven's environment: JAVA_HOME set to the Java 17/21 JDK when it has javac, else Maven's own choice. */
async function mavenEnv(): Promise<NodeJS.ProcessEnv> {
  const env = { ...process.env };
  try {
    const { javaBin } = await findJava();
    const home = path.dirname(path.dirname(javaBin));
    if (javaBin !== "java" && fs.existsSync(path.join(home, "bin", "javac"))) env.JAVA_HOME = home;
  } catch {
    // Compiling with --release 17 works on newer JDKs too; running needs 17/21 and findJava reports that later.
  }
  return env;
}

async function runMaven(): Promise<void> {
  const args = ["-q", "-B", "-Dstyle.color=never", "-f", POM, "package", "-DskipTests"];
  const output: string[] = [];
  const env = await mavenEnv();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn("mvn", args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const collect = (chunk: Buffer) => {
      output.push(chunk.toString("utf8"));
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (err: NodeJS.ErrnoException) => {
      reject(
        err.code === "ENOENT"
          ? new Neo4jLaunchError("Maven not found: install maven (apt-get install maven)")
          : new Neo4jLaunchError(`Could not run Maven: ${err.message}`),
      );
    });
    child.on("close", (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  if (code !== 0) throw mavenFailure(stripVTControlCharacters(output.join("")), code);
}

const MAVEN_NOISE =
  /^(To see the full stack trace|Re-run Maven using|For more information about|\[Help \d\]|-> \[Help)/;
const DOWNLOAD_FAILURE =
  /Could not (resolve|transfer|download)|could not be resolved|resolve dependencies|Non-resolvable|offline mode|has not been downloaded|Unknown host|UnknownHostException|Connection refused|Network is unreachable|Connect to .* failed|timed out|PKIX/i;

/** Maven's [ERROR] lines without its boilerplate. */
function mavenErrorLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith("[ERROR]"))
    .map((l) => l.replace(/^\[ERROR\]\s*/, "").replace(/\s*-> \[Help \d+\]$/, ""))
    .filter((l) => l.length > 0 && !MAVEN_NOISE.test(l));
}

/** One line saying why Maven failed: a download problem first (the usual cause), else its last error. */
function mavenFailure(text: string, code: number): Neo4jLaunchError {
  const errorLines = mavenErrorLines(text);
  const downloadLine = [...errorLines].reverse().find((l) => DOWNLOAD_FAILURE.test(l));
  if (downloadLine !== undefined) {
    return new Neo4jLaunchError(
      `Maven could not download Neo4j jars: ${truncate(downloadLine)}; check network access to Maven Central`,
    );
  }
  const lastLine = truncate(errorLines.at(-1) ?? text.trim().split(/\r?\n/).at(-1) ?? `exit code ${code}`);
  return new Neo4jLaunchError(
    `Maven build of neo4j/ failed: ${lastLine}; run \`mvn -B -f neo4j/pom.xml package -DskipTests\` to see the full output`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
