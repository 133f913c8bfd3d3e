/** Polls until `check` holds, for at most `ms` (a liveness bound: it must happen, not hang); answers the last value read. */
export async function eventually<T>(
  probe: () => Promise<T>,
  check: (v: T) => boolean,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (check(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}
