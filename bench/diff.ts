/**
 * graphDiff on a running service (e.g. after `npm run generate -- --scale 1`): for one province
 * across the 2025 reform, the first page and the summary (each timed alone, p50 and max over
 * `--runs`), and optionally the whole-nation export streamed as CSV (time, bytes, rows).
 * With `--pages n`, then the next n pages one after another (each `after` the previous page's
 * cursor): with the result cache on, they reuse the scope's member list the first page read.
 * With `--pids 123,456` (the service's and its Neo4j's), each request's CPU time in each process
 * (from /proc: user + system), so that a figure taken on a loaded machine says what the work was.
 * `npx tsx bench/diff.ts --base http://localhost:4000 --under gen-tu-ho-chi-minh-2025 [--runs 5] [--pages 3] [--export] [--pids …]`
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "http://localhost:4000" },
    under: { type: "string" },
    from: { type: "string", default: "2025-06-30" },
    to: { type: "string", default: "2025-07-01" },
    first: { type: "string", default: "50" },
    runs: { type: "string", default: "5" },
    pages: { type: "string", default: "0" },
    export: { type: "boolean", default: false },
    pids: { type: "string", default: "" },
  },
});
if (!values.under) throw new Error("--under is required");

const PAGE = `query($from: Date!, $to: Date!, $under: [ID!], $first: Int, $after: String) {
  graphDiff(from: $from, to: $to, under: $under, first: $first, after: $after) {
    nodes { type date unit { id name } oldSuperior { id } newSuperior { id } relationType
      obligations { gained { recipient { id } frequencies } lost { recipient { id } } }
      cause { kind eventId name direct } }
    pageInfo { hasNextPage endCursor }
  } }`;
const SUMMARY = `query($from: Date!, $to: Date!, $under: [ID!]) {
  graphDiff(from: $from, to: $to, under: $under) {
    predecessors { id }
    summary { total headline partyOrganisationsMoved byType { key count } byCause { key count }
      byKind { key total } byProvince { key label total } } } }`;

const pids = values.pids ? values.pids.split(",") : [];
/** CPU seconds a process has used so far (Linux: utime + stime, in clock ticks of 1/100 s). */
const cpuOf = (pid: string) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const cpuNow = () => pids.map(cpuOf);
const cpuSince = (before: number[]) =>
  pids.length === 0
    ? ""
    : ` [cpu ${cpuNow()
        .map((c, i) => (c - (before[i] as number)).toFixed(2))
        .join(" + ")} s]`;

async function timed(
  query: string,
  after: string | null = null,
): Promise<{ ms: number; body: unknown; cpu: string }> {
  const cpu = cpuNow();
  const start = performance.now();
  const res = await fetch(`${values.base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query,
      variables: {
        from: values.from,
        to: values.to,
        under: [values.under],
        first: Number(values.first),
        after,
      },
    }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { ms: performance.now() - start, body, cpu: cpuSince(cpu) };
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function series(name: string, query: string): Promise<unknown> {
  const times: number[] = [];
  let body: unknown;
  for (let i = 0; i < Number(values.runs); i++) {
    const r = await timed(query);
    times.push(r.ms);
    body = r.body;
    if (r.cpu) console.log(`  ${name} run ${i + 1}: ${r.ms.toFixed(0)} ms${r.cpu}`);
  }
  console.log(
    `${name}: p50 ${p50(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(", ")})`,
  );
  return body;
}

const firstPage = await series("first page", PAGE);
let cursor = (firstPage as { data: { graphDiff: { pageInfo: { endCursor: string | null } } } }).data.graphDiff
  .pageInfo.endCursor;
for (let i = 0; i < Number(values.pages) && cursor; i++) {
  const r = await timed(PAGE, cursor);
  console.log(`page ${i + 2}: ${r.ms.toFixed(0)} ms${r.cpu}`);
  cursor = (r.body as { data: { graphDiff: { pageInfo: { endCursor: string | null } } } }).data.graphDiff
    .pageInfo.endCursor;
}
const summary = await series("summary", SUMMARY);
console.log(JSON.stringify((summary as { data: unknown }).data, null, 1).slice(0, 3000));

if (values.export) {
  const start = performance.now();
  const res = await fetch(`${values.base}/export/diff/_all.csv?from=${values.from}&to=${values.to}`);
  let bytes = 0;
  let rows = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    bytes += chunk.value.length;
    for (const b of chunk.value) if (b === 10) rows++;
  }
  console.log(
    `export _all.csv: ${res.status}, ${(bytes / 1e6).toFixed(1)} MB, ${rows - 1} changes, ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}
