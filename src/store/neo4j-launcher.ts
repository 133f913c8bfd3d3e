/**
 * Runs a real Neo4j 5.26 (community, embedded API) as a child JVM, built from Maven Central jars by
 * neo4j/pom.xml — no Docker, no Neo4j distribution. The JVM side is neo4j/src/main/java/partyorg/Neo4jLauncher.java;
 * it prints `NEO4J_READY bolt://host:port` or `NEO4J_FAILED <reason>` on stdout.
 *
 * Lifetime: the child's stdin is a pipe that Node keeps open and never writes, so when this process dies the JVM
 * sees EOF and shuts down; it also polls its parent PID. On a normal Node exit the child gets SIGTERM.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

export interface EmbeddedNeo4jOptions {
  boltPort: number;
  dataDir: string;
  heapMb?: number;
  pageCacheMb?: number;
  password: string;
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface EmbeddedNeo4j {
  uri: string;
  user: string;
  password: string;
  pid: number;
  /** Settles when the JVM exits, for whatever reason (the supervisor restarts it when it was not stopped). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** A launch problem, as one human-readable line that says how to fix it. */
export class Neo4jLaunchError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*[\r\n]+\s*/g, " ").trim());
    this.name = "Neo4jLaunchError";
  }
}

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NEO4J_DIR = path.join(REPO_ROOT, "neo4j");
const POM = path.join(NEO4J_DIR, "pom.xml");
const LAUNCHER_SOURCE = path.join(NEO4J_DIR, "src/main/java/partyorg/Neo4jLauncher.java");
const TARGET_DIR = path.join(NEO4J_DIR, "target");
const CLASSES_DIR = path.join(TARGET_DIR, "classes");
const LAUNCHER_CLASS = path.join(CLASSES_DIR, "partyorg/Neo4jLauncher.class");
const CLASSPATH_FILE = path.join(TARGET_DIR, "classpath.txt");
const BUILD_LOCK = path.join(TARGET_DIR, ".build-lock");
const MAIN_CLASS = "partyorg.Neo4jLauncher";
const PASSWORD_ENV = "NEO4J_LAUNCHER_PASSWORD";
const SUPPORTED_JAVA = [17, 21];
const MIN_PASSWORD_LENGTH = 8;
const STOP_GRACE_MS = 30_000;

// ---------------------------------------------------------------------------------------------------------------
// Java

let javaPromise: Promise<{ javaBin: string; version: number }> | undefined;

/** Finds a Java 17 or 21: $JAVA_HOME, then the Debian OpenJDK 17/21 paths, then `java` on PATH. */
export function findJava(): Promise<{ javaBin: string; version: number }> {
  javaPromise ??= locateJava().catch((err: unknown) => {
    javaPromise = undefined;
    throw err;
  });
  return javaPromise;
}

async function locateJava(): Promise<{ javaBin: string; version: number }> {
  const candidates: { label: string; bin: string }[] = [];
  const javaHome = process.env.JAVA_HOME;
  if (javaHome) candidates.push({ label: `JAVA_HOME=${javaHome}`, bin: path.join(javaHome, "bin", "java") });
  for (const dir of ["/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-21-openjdk-amd64"]) {
    candidates.push({ label: dir, bin: path.join(dir, "bin", "java") });
  }
  candidates.push({ label: "java on PATH", bin: "java" });

  const tried: string[] = [];
  for (const c of candidates) {
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

// ---------------------------------------------------------------------------------------------------------------
// Build

let buildPromise: Promise<void> | undefined;

/**
 * Runs `mvn -q -B -f neo4j/pom.xml package -DskipTests` when neo4j/target/classpath.txt or the launcher class is
 * missing or older than its inputs, or a jar it lists is gone. Later starts need no Maven and no network.
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

function readClasspath(): string[] {
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

async function runMaven(): Promise<void> {
  const env = { ...process.env };
  try {
    const { javaBin } = await findJava();
    const home = path.dirname(path.dirname(javaBin));
    // Maven needs a JDK; use the Java 17/21 one when it has javac, else leave Maven's own choice.
    if (javaBin !== "java" && fs.existsSync(path.join(home, "bin", "javac"))) env.JAVA_HOME = home;
  } catch {
    // Compiling with --release 17 works on newer JDKs too; running needs 17/21 and findJava reports that later.
  }
  const args = ["-q", "-B", "-Dstyle.color=never", "-f", POM, "package", "-DskipTests"];
  const output: string[] = [];
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
  if (code === 0) return;

  const text = stripVTControlCharacters(output.join(""));
  const errorLines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith("[ERROR]"))
    .map((l) => l.replace(/^\[ERROR\]\s*/, "").replace(/\s*-> \[Help \d+\]$/, ""))
    .filter(
      (l) =>
        l.length > 0 &&
        !/^(To see the full stack trace|Re-run Maven using|For more information about|\[Help \d\]|-> \[Help)/.test(
          l,
        ),
    );
  const download =
    /Could not (resolve|transfer|download)|could not be resolved|resolve dependencies|Non-resolvable|offline mode|has not been downloaded|Unknown host|UnknownHostException|Connection refused|Network is unreachable|Connect to .* failed|timed out|PKIX/i;
  const downloadLine = [...errorLines].reverse().find((l) => download.test(l));
  const lastLine = truncate(errorLines.at(-1) ?? text.trim().split(/\r?\n/).at(-1) ?? `exit code ${code}`);
  if (downloadLine !== undefined) {
    throw new Neo4jLaunchError(
      `Maven could not download Neo4j jars: ${truncate(downloadLine)}; check network access to Maven Central`,
    );
  }
  throw new Neo4jLaunchError(
    `Maven build of neo4j/ failed: ${lastLine}; run \`mvn -B -f neo4j/pom.xml package -DskipTests\` to see the full output`,
  );
}

function truncate(s: string, max = 600): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

// ---------------------------------------------------------------------------------------------------------------
// Start / stop

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGTERM lets the JVM shut Neo4j down cleanly on its own.
  process.on("exit", () => {
    for (const child of running) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    }
  });
}

export async function startEmbeddedNeo4j(opts: EmbeddedNeo4jOptions): Promise<EmbeddedNeo4j> {
  const port = opts.boltPort;
  const heapMb = opts.heapMb ?? 1024;
  const pageCacheMb = opts.pageCacheMb ?? 512;
  const timeoutMs = opts.startTimeoutMs ?? 120_000;
  const log = opts.log;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Neo4jLaunchError(`Invalid Bolt port ${port}: use an integer between 1 and 65535`);
  }
  if (opts.password.length < MIN_PASSWORD_LENGTH) {
    throw new Neo4jLaunchError(
      `Neo4j password is too short (${opts.password.length} characters): use at least ${MIN_PASSWORD_LENGTH}`,
    );
  }

  await ensureNeo4jBuilt();
  const { javaBin } = await findJava();
  await assertPortFree(port);

  const dataDir = path.resolve(opts.dataDir);
  const logsDir = path.join(dataDir, "logs");
  fs.mkdirSync(logsDir, { recursive: true });
  const launcherLog = path.join(logsDir, "launcher.log");
  const neo4jLog = path.join(logsDir, "neo4j.log");
  const logFd = fs.openSync(launcherLog, "a");
  const writeLog = (line: string) => {
    try {
      fs.writeSync(logFd, `${line}\n`);
    } catch {
      // The log is best effort.
    }
  };
  writeLog(
    `--- ${new Date().toISOString()} starting Neo4j on 127.0.0.1:${port} (pid of parent ${process.pid})`,
  );

  const classpath = [CLASSES_DIR, ...readClasspath()].join(path.delimiter);
  const jvmArgs = [
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    `-XX:ErrorFile=${path.join(logsDir, "hs_err_pid%p.log")}`,
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
  ];
  const args = [
    ...jvmArgs,
    "-cp",
    classpath,
    MAIN_CLASS,
    "--data-dir",
    dataDir,
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
    "--pagecache-mb",
    String(pageCacheMb),
  ];

  installExitHook();
  const child = spawn(javaBin, args, {
    cwd: dataDir,
    env: { ...process.env, [PASSWORD_ENV]: opts.password },
    // stdin stays an open pipe that is never written: EOF tells the JVM that we are gone.
    stdio: ["pipe", "pipe", "pipe"],
  });
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      writeLog(`--- ${new Date().toISOString()} Neo4j exited (code ${code}, signal ${signal})`);
      resolve({ code, signal });
    });
  });
  child.once("close", () => {
    try {
      fs.closeSync(logFd);
    } catch {
      // already closed
    }
  });
  child.stdin.on("error", () => {}); // EPIPE if the JVM dies first

  const recentStderr: string[] = [];
  readline.createInterface({ input: child.stderr }).on("line", (line) => {
    writeLog(line);
    recentStderr.push(line);
    if (recentStderr.length > 20) recentStderr.shift();
    log?.(line);
  });

  const uri = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, value?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        killNow(child);
        reject(err);
      } else resolve(value as string);
    };
    const timer = setTimeout(() => {
      finish(
        new Neo4jLaunchError(
          `Neo4j did not become ready within ${Math.round(timeoutMs / 1000)} s; see ${launcherLog} and ${neo4jLog} ` +
            "(raise startTimeoutMs / NEO4J_START_TIMEOUT_MS if the machine is slow)",
        ),
      );
    }, timeoutMs);

    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith("NEO4J_READY ")) {
        writeLog(line);
        finish(undefined, line.slice("NEO4J_READY ".length).trim());
      } else if (line.startsWith("NEO4J_FAILED ")) {
        writeLog(line);
        const reason = line.slice("NEO4J_FAILED ".length).trim();
        finish(new Neo4jLaunchError(`Neo4j failed to start: ${reason} (details in ${launcherLog})`));
      } else {
        writeLog(line);
        log?.(line);
      }
    });
    child.once("error", (err) => {
      finish(new Neo4jLaunchError(`Could not start Java (${javaBin}): ${err.message}`));
    });
    child.once("exit", (code, signal) => {
      // Let a NEO4J_FAILED line still queued in the stdout reader win over this generic message.
      setTimeout(() => {
        const tail = recentStderr.filter((l) => l.trim().length > 0).at(-1);
        finish(
          new Neo4jLaunchError(
            `Neo4j exited before it was ready (${signal ? `signal ${signal}` : `exit code ${code}`})` +
              `${tail ? `: ${truncate(tail, 300)}` : ""}; see ${launcherLog} and ${neo4jLog}`,
          ),
        );
      }, 200);
    });
  });

  // Once running, the child must not keep this Node process alive by itself; the exit hook stops it.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) {
    (s as unknown as { unref?: () => void }).unref?.();
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.ref(); // keep this process alive until the JVM is gone
      child.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const graceful = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), STOP_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      if (!graceful) {
        child.kill("SIGKILL");
        await exited;
      }
    })();
    return stopping;
  };

  const pid = child.pid;
  if (pid === undefined) throw new Neo4jLaunchError("Neo4j started but its process id is unknown");
  return { uri, user: "neo4j", password: opts.password, pid, exited, stop };
}

function killNow(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** Fails clearly when something already listens on the Bolt port (on any local address). */
async function assertPortFree(port: number): Promise<void> {
  const inUse = await new Promise<boolean>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE") resolve(true);
      else if (err.code === "EACCES")
        reject(new Neo4jLaunchError(`Not allowed to listen on Bolt port ${port}: use a port above 1023`));
      else reject(new Neo4jLaunchError(`Cannot check Bolt port ${port}: ${err.message}`));
    });
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      server.close(() => resolve(false));
    });
  });
  if (inUse) {
    throw new Neo4jLaunchError(
      `Bolt port ${port} is in use on 127.0.0.1: stop the process using it or choose another port (NEO4J_BOLT_PORT)`,
    );
  }
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
