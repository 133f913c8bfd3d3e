/** A queue of statements run one after another on one writer; at most `depth` waiting. */
export class Lane {
  tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private wake: (() => void)[] = [];
  private failure: unknown = null;

  constructor(private readonly depth = 2) {}

  /** Queues `task` after the lane's previous tasks and `after`; resolves once it is queued, with its completion. */
  async submit(
    task: () => Promise<void>,
    after: Promise<void> = Promise.resolve(),
  ): Promise<{ done: Promise<void> }> {
    while (this.waiting >= this.depth) await new Promise<void>((resolve) => this.wake.push(resolve));
    if (this.failure !== null) throw this.failure;
    this.waiting++;
    const done = Promise.all([this.tail, after])
      .then(task)
      .finally(() => {
        this.waiting--;
        this.wake.shift()?.();
      });
    this.tail = done;
    // A failure stops the lane's later tasks (they chain on it) and surfaces when the caller awaits the tail.
    done.catch((e: unknown) => {
      this.failure ??= e;
    });
    return { done };
  }
}
