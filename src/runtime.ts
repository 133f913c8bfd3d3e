/**
 * Imported first by the service's entry points, before graphql-js, Apollo and Express load.
 *
 * NODE_ENV: those libraries read it once, and take their fast paths only in production
 * (graphql-js's instanceOf check on every field, for one, costs several percent of a large
 * response's CPU otherwise). An explicit NODE_ENV is kept.
 *
 * The heap: under many concurrent large responses, V8 lets the old generation grow to about
 * four times what survives a full collection before it collects again (400+ MB RSS for ~45 MB
 * live, bench/RESULTS.md). Growing it by 100 % instead kept the service near 220 MB with an
 * empty result cache, but a full one (RESULT_CACHE_MB, then 64 MB, which its accounting measures
 * within a few percent of the heap it really takes) made ~120 MB survive, and 100 % on top of that
 * reached 334–346 MB RSS; 50 % keeps it near 270 MB for about the same CPU per request
 * (bench/memory.ts, bench/RESULTS.md "Memory"). Whatever survives counts one and a half times in
 * RSS, hence the smaller default cache (32 MB) and the bound on requests running at once
 * (GRAPHQL_CONCURRENCY). HEAP_GROWING_PERCENT=0 leaves V8's own heuristics.
 */
import v8 from "node:v8";

process.env.NODE_ENV ??= "production";

/** The default of HEAP_GROWING_PERCENT (src/config.ts checks the value again and says so). */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;
// Checked again by src/config.ts, which stops the start with a clear message when it is bad.
const growing = Number(process.env.HEAP_GROWING_PERCENT ?? DEFAULT_HEAP_GROWING_PERCENT);
if (Number.isInteger(growing) && growing > 0 && growing <= 1000)
  v8.setFlagsFromString(`--heap-growing-percent=${growing}`);
