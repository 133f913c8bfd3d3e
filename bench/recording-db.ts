/**
 * A stand-in for Database whose write transaction runs each statement on a driver transaction of
 * its own making — timed, PROFILEd when asked — and hands it to `record`; commit or rollback as
 * the store's change code asks. The write profiles (bench/writes-profile.ts,
 * bench/reform-profile.ts) see every statement of a change this way.
 */
import { type Database, type Row, runReleasing, type TransactionRunner } from "../src/store/database.ts";

/** A node of a PROFILEd plan, as the driver returns it. */
export interface ProfileNode {
  operatorType: string;
  dbHits: number;
  children: ProfileNode[];
}

export interface RecordedStatement<L> {
  cypher: string;
  ms: number;
  /** The plan, when PROFILEd. */
  profile: ProfileNode | null;
  /** What `label` said as the statement was sent (e.g. the calling function, from its stack). */
  label: L;
}

export interface RecordingOptions<L> {
  profile: boolean;
  /** The transaction's timeout (ms), when a change may run longer than Neo4j's default. */
  timeoutMs?: number;
  /** Called synchronously as each statement is sent, while the caller's frames are on the stack. */
  label: () => L;
  record: (s: RecordedStatement<L>) => void;
}

/** The db hits of a plan, its children included. */
export const dbHitsOf = (p: ProfileNode): number =>
  Number(p.dbHits ?? 0) + (p.children ?? []).reduce((a, c) => a + dbHitsOf(c), 0);

export function recordingDb<L>(db: Database, o: RecordingOptions<L>): Database {
  const bounded = async <T>(work: (tx: TransactionRunner) => Promise<T>): Promise<T> => {
    const session = db.driver.session({ defaultAccessMode: "WRITE" });
    const tx = session.beginTransaction(o.timeoutMs ? { timeout: o.timeoutMs } : undefined);
    try {
      const result = await work({
        async run(cypher: string, params: Row = {}) {
          const label = o.label();
          const started = performance.now();
          // As the service runs it (src/store/database.ts): nothing of a statement kept to the commit.
          const res = await runReleasing((p) => tx.run(o.profile ? `PROFILE ${cypher}` : cypher, p), params);
          const ms = performance.now() - started;
          const profile = (res.summary.profile as unknown as ProfileNode | false) || null;
          o.record({ cypher, ms, profile, label });
          return res.rows;
        },
      });
      await tx.commit();
      return result;
    } catch (e) {
      if (tx.isOpen()) await tx.rollback();
      throw e;
    } finally {
      await session.close();
    }
  };
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "boundedWriteTransaction" || prop === "writeTransaction") return bounded;
      return Reflect.get(target, prop, receiver);
    },
  });
}
