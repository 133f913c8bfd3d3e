/**
 * `npm run supergraph`: the federation gateway in front of the subgraphs of supergraph.yaml. A
 * subgraph whose routing URL does not answer yet is started with its `start` command (the org
 * subgraph: `npm start`'s embedded Neo4j, migrations and seed; the personnel example), waited
 * for, and stopped again with the gateway (Ctrl-C / SIGTERM).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import {
  CompositionError,
  composeSupergraph,
  loadSupergraphConfig,
  ROOT,
  SUPERGRAPH_FILE,
} from "./supergraph-config.ts";
import { startGateway } from "./supergraph-gateway.ts";

const PORT = Number(process.env.SUPERGRAPH_PORT ?? 4001);
const START_TIMEOUT_MS = Number(process.env.SUPERGRAPH_START_TIMEOUT_MS ?? 300_000);

/** Whether a GraphQL endpoint answers a trivial query. */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts a subgraph's command with PORT set from its routing URL, its output shown as it comes. */
function startSubgraph(name: string, command: string, url: string): ChildProcess {
  const [bin, ...args] = command.split(/\s+/).filter(Boolean);
  const path = [join(ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter);
  console.log(`supergraph: starting ${name}: ${command}`);
  return spawn(bin ?? "", args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, PATH: path, PORT: new URL(url).port || "80" },
  });
}

async function waitUntilAnswers(name: string, url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answers(url))) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${name} stopped before answering at ${url} (exit ${child.exitCode ?? child.signalCode})`,
      );
    if (Date.now() > deadline)
      throw new Error(`${name} did not answer at ${url} within ${START_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function stopChildren(children: ChildProcess[]): Promise<unknown> {
  return Promise.all(
    children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => new Promise((resolve) => c.once("exit", resolve).kill("SIGTERM"))),
  );
}

async function main(): Promise<void> {
  const subgraphs = loadSupergraphConfig();
  const supergraphSdl = readFileSync(SUPERGRAPH_FILE, "utf8");
  if (composeSupergraph(subgraphs) !== supergraphSdl)
    throw new CompositionError("supergraph.graphql is stale: run `npm run supergraph:compose`");
  const children: ChildProcess[] = [];
  let stopGateway: (() => Promise<void>) | undefined;
  const shutdown = async () => {
    await stopGateway?.();
    await stopChildren(children);
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
  try {
    for (const s of subgraphs) {
      if (await answers(s.url)) {
        console.log(`supergraph: ${s.name} already answers at ${s.url}`);
        continue;
      }
      if (!s.start) throw new Error(`${s.name} does not answer at ${s.url} and has no start command`);
      const child = startSubgraph(s.name, s.start, s.url);
      children.push(child);
      await waitUntilAnswers(s.name, s.url, child);
    }
    const gateway = await startGateway({ supergraphSdl, port: PORT });
    stopGateway = gateway.stop;
    console.log(`supergraph: gateway ready at ${gateway.url} (${subgraphs.map((s) => s.name).join(", ")})`);
  } catch (e) {
    await stopChildren(children);
    throw e;
  }
}

main().catch((e: unknown) => {
  console.error(`supergraph: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
