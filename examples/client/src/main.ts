/**
 * The example client's command line:
 *
 *   npx tsx examples/client/src/main.ts chi-bo-so-noi-vu-quang-ngai [2024-06-01]
 *   npx tsx examples/client/src/main.ts --find "nội vụ quảng ngãi"
 *
 * GRAPHQL_URL (default http://localhost:4000/graphql) and GRAPHQL_TOKEN (a bearer token) say where
 * and as whom to ask. A refusal prints the service's Vietnamese message and its code.
 */
import { execute, ServiceError } from "./client.ts";
import { FindUnits, SignatureQuestion } from "./documents.ts";
import { renderSignatureAnswer } from "./render.ts";

const options = {
  url: process.env.GRAPHQL_URL ?? "http://localhost:4000/graphql",
  token: process.env.GRAPHQL_TOKEN,
};

async function main(args: string[]): Promise<void> {
  if (args[0] === "--find" && args[1]) {
    const { searchUnits } = await execute(FindUnits, { text: args[1] }, options);
    for (const u of searchUnits) console.log(`${u.id}\t${u.name} (${u.kindLabel})`);
    return;
  }
  const [unitId, asOf = new Date().toISOString().slice(0, 10)] = args;
  if (!unitId) throw new Error("usage: main.ts <unit id> [yyyy-mm-dd] | --find <words>");
  console.log(renderSignatureAnswer(await execute(SignatureQuestion, { unitId, asOf }, options), asOf));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof ServiceError ? `${e.messageVi} [${e.code}]` : String(e));
  process.exitCode = 1;
});
