/**
 * Imported first by the service's entry points, before graphql-js, Apollo and Express load.
 *
 * NODE_ENV: those libraries read it once, and take their fast paths only in production
 * (graphql-js's instanceOf check on every field, for one, costs several percent of a large
 * response's CPU otherwise). An explicit NODE_ENV is kept.
 *
 * The heap: under many concurrent large responses, V8 lets the old generation grow to about
 * four times what survives a full collection before it collects again (400+ MB RSS for ~45 MB
 * live, bench/RESULTS.md); growing it by 100 % instead keeps the service near 220 MB for a few
 * percent of throughput. HEAP_GROWING_PERCENT=0 leaves V8's own heuristics.
 */
import v8 from "node:v8";

process.env.NODE_ENV ??= "production";

// Checked again by src/config.ts, which stops the start with a clear message when it is bad.
const growing = Number(process.env.HEAP_GROWING_PERCENT ?? 100);
if (Number.isInteger(growing) && growing > 0 && growing <= 1000)
  v8.setFlagsFromString(`--heap-growing-percent=${growing}`);
