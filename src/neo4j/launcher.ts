/**
 * Runs a real Neo4j 5.26 (community, embedded API) as a child JVM, built from Maven Central jars by
 * neo4j/pom.xml (build.ts) — no Docker, no Neo4j distribution. The JVM side is
 * neo4j/src/main/java/partyorg/Neo4jLauncher.java; it prints `NEO4J_READY bolt://host:port` or
 * `NEO4J_FAILED <reason>` on stdout.
 *
 * Lifetime: the child's stdin is a pipe that Node keeps open and never writes, so when this process dies the JVM
 * sees EOF and shuts down; it also polls its parent PID. On a normal Node exit the child gets SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { ensureNeo4jBuilt, readClasspath } from "./build.ts";
import { Neo4jLaunchError, truncate } from "./errors.ts";
import { findJava } from "./java.ts";
import { CLASSES_DIR, MAIN_CLASS } from "./paths.ts";

export { ensureNeo4jBuilt } from "./build.ts";
export { Neo4jLaunchError } from "./errors.ts";
export { findJava } from "./java.ts";

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
  exited: Promise<Exit>;
  stop(): Promise<void>;
}

type Exit = { code: number | null; signal: NodeJS.Signals | null };

const PASSWORD_ENV = "NEO4J_LAUNCHER_PASSWORD";
const MIN_PASSWORD_LENGTH = 8;
const STOP_GRACE_MS = 30_000;

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
  checkOptions(opts);
  await ensureNeo4jBuilt();
  const { javaBin } = await findJava();
  await assertPortFree(opts.boltPort);

  const dataDir = path.resolve(opts.dataDir);
  const logs = openLogs(dataDir);
  logs.write(
    `--- ${new Date().toISOString()} starting Neo4j on 127.0.0.1:${opts.boltPort} (pid of parent ${process.pid})`,
  );
  const jvm = spawnJvm(javaBin, jvmArguments(opts, dataDir, logs.dir), dataDir, opts, logs);
  const uri = await waitUntilReady(jvm, javaBin, opts.startTimeoutMs ?? 120_000, logs, opts.log);
  detach(jvm.child);

  const pid = jvm.child.pid;
  if (pid === undefined) throw new Neo4jLaunchError("Neo4j started but its process id is unknown");
  return { uri, user: "neo4j", password: opts.password, pid, exited: jvm.exited, stop: stopper(jvm) };
}

function checkOptions(opts: EmbeddedNeo4jOptions): void {
  const port = opts.boltPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Neo4jLaunchError(`Invalid Bolt port ${port}: use an integer between 1 and 65535`);
  }
  if (opts.password.length < MIN_PASSWORD_LENGTH) {
    throw new Neo4jLaunchError(
      `Neo4j password is too short (${opts.password.length} characters): use at least ${MIN_PASSWORD_LENGTH}`,
    );
  }
}

interface Logs {
  dir: string;
  /** logs/launcher.log: what the JVM printed, and our start / exit lines. */
  launcher: string;
  /** logs/neo4j.log, written by Neo4j itself; named in errors. */
  neo4j: string;
  write(line: string): void;
  close(): void;
}

function openLogs(dataDir: string): Logs {
  const dir = path.join(dataDir, "logs");
  fs.mkdirSync(dir, { recursive: true });
  const launcher = path.join(dir, "launcher.log");
  const fd = fs.openSync(launcher, "a");
  return {
    dir,
    launcher,
    neo4j: path.join(dir, "neo4j.log"),
    write(line) {
      try {
        fs.writeSync(fd, `${line}\n`);
      } catch {
        // The log is best effort.
      }
    },
    close() {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    },
  };
}

const JVM_FLAGS = [
  "-XX:+UseG1GC",
  "-XX:-OmitStackTraceInFastThrow",
  "-XX:+UnlockExperimentalVMOptions",
  "-XX:+TrustFinalNonStaticFields",
  "-XX:+DisableExplicitGC",
  "-XX:+ExitOnOutOfMemoryError",
  "-Djdk.nio.maxCachedBufferSize=1024",
  "-Dio.netty.tryReflectionSetAccessible=true",
  "-Dlog4j2.disable.jmx=true",
  "-Dfile.encoding=UTF-8",
  "--add-opens=java.base/java.nio=ALL-UNNAMED",
  "--add-opens=java.base/java.io=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "--enable-native-access=ALL-UNNAMED",
];

function jvmArguments(opts: EmbeddedNeo4jOptions, dataDir: string, logsDir: string): string[] {
  const heapMb = opts.heapMb ?? 1024;
  const classpath = [CLASSES_DIR, ...readClasspath()].join(path.delimiter);
  return [
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    `-XX:ErrorFile=${path.join(logsDir, "hs_err_pid%p.log")}`,
    ...JVM_FLAGS,
    "-cp",
    classpath,
    MAIN_CLASS,
    "--data-dir",
    dataDir,
    "--port",
    String(opts.boltPort),
    "--host",
    "127.0.0.1",
    "--pagecache-mb",
    String(opts.pageCacheMb ?? 512),
  ];
}

interface Jvm {
  child: ChildProcess & { stdin: NodeJS.WritableStream; stdout: NodeJS.ReadableStream };
  exited: Promise<Exit>;
  /** The last 20 lines the JVM wrote on stderr, for the error when it dies before it is ready. */
  recentStderr: string[];
}

function spawnJvm(
  javaBin: string,
  args: string[],
  dataDir: string,
  opts: EmbeddedNeo4jOptions,
  logs: Logs,
): Jvm {
  installExitHook();
  const child = spawn(javaBin, args, {
    cwd: dataDir,
    env: { ...process.env, [PASSWORD_ENV]: opts.password },
    // stdin stays an open pipe that is never written: EOF tells the JVM that we are gone.
    stdio: ["pipe", "pipe", "pipe"],
  });
  running.add(child);
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      logs.write(`--- ${new Date().toISOString()} Neo4j exited (code ${code}, signal ${signal})`);
      resolve({ code, signal });
    });
  });
  child.once("close", () => logs.close());
  child.stdin.on("error", () => {}); // EPIPE if the JVM dies first

  const recentStderr: string[] = [];
  readline.createInterface({ input: child.stderr }).on("line", (line) => {
    logs.write(line);
    recentStderr.push(line);
    if (recentStderr.length > 20) recentStderr.shift();
    opts.log?.(line);
  });
  return { child, exited, recentStderr };
}

/** The Bolt address the JVM announces, or the reason it never will (it said so, exited, or timed out). */
function waitUntilReady(
  jvm: Jvm,
  javaBin: string,
  timeoutMs: number,
  logs: Logs,
  log: ((line: string) => void) | undefined,
): Promise<string> {
  const { child } = jvm;
  return new Promise<string>((resolve, reject) => {
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
          `Neo4j did not become ready within ${Math.round(timeoutMs / 1000)} s; see ${logs.launcher} and ${logs.neo4j} ` +
            "(raise startTimeoutMs / NEO4J_START_TIMEOUT_MS if the machine is slow)",
        ),
      );
    }, timeoutMs);

    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      logs.write(line);
      if (line.startsWith("NEO4J_READY ")) finish(undefined, line.slice("NEO4J_READY ".length).trim());
      else if (line.startsWith("NEO4J_FAILED ")) {
        const reason = line.slice("NEO4J_FAILED ".length).trim();
        finish(new Neo4jLaunchError(`Neo4j failed to start: ${reason} (details in ${logs.launcher})`));
      } else log?.(line);
    });
    child.once("error", (err) => {
      finish(new Neo4jLaunchError(`Could not start Java (${javaBin}): ${err.message}`));
    });
    child.once("exit", (code, signal) => {
      // Let a NEO4J_FAILED line still queued in the stdout reader win over this generic message.
      setTimeout(() => finish(exitedEarly(jvm, code, signal, logs)), 200);
    });
  });
}

function exitedEarly(jvm: Jvm, code: number | null, signal: NodeJS.Signals | null, logs: Logs): Error {
  const tail = jvm.recentStderr.filter((l) => l.trim().length > 0).at(-1);
  return new Neo4jLaunchError(
    `Neo4j exited before it was ready (${signal ? `signal ${signal}` : `exit code ${code}`})` +
      `${tail ? `: ${truncate(tail, 300)}` : ""}; see ${logs.launcher} and ${logs.neo4j}`,
  );
}

/** Once running, the child must not keep this Node process alive by itself; the exit hook stops it. */
function detach(child: ChildProcess): void {
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) {
    (s as unknown as { unref?: () => void }).unref?.();
  }
}

/** stop(): SIGTERM, then SIGKILL after STOP_GRACE_MS; every call shares the first one's promise. */
function stopper({ child, exited }: Jvm): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stopNow = async () => {
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
  };
  return () => {
    stopping ??= stopNow();
    return stopping;
  };
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
