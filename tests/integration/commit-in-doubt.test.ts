/**
 * A change whose COMMIT loses its connection (review s13 F5): Neo4j may have committed it or not.
 * The driver's commit is wrapped to report a lost connection once — after really committing, or
 * after rolling back — and the change's answer must match what the graph holds: its Event when it
 * committed (not a retry refused for what the change itself did, nor a second application), one
 * application when it did not; a write with no way to tell says so, and so does a change whose
 * read-back fails: to the client, SERVICE_UNAVAILABLE with rule COMMIT_IN_DOUBT, not retryable and
 * with no Retry-After (review s14 B), never "unavailable, retry".
 */
import { Neo4jError, Transaction } from "neo4j-driver";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.ts";
import { eventOnceEnded } from "../../src/store/change-repository.ts";
import { restructurings } from "../../src/store/restructuring-repository.ts";
import { CREATE, createVariables, fileSandbox, token } from "./helpers/sandbox.ts";

const P = "cid-";
const { server, admin } = await fileSandbox(P);
const ADMIN: Principal = { role: "admin", subject: "admin-tester", scopes: [] };
const BASIS = ["dieu-le-dang-whole"];

type Commit = typeof Transaction.prototype.commit;
const realCommit: Commit = Transaction.prototype.commit;
afterEach(() => {
  Transaction.prototype.commit = realCommit;
});

/** The next commit (only that one) does `first`, then reports a lost connection. */
function loseNextCommit(first: "commit" | "roll back"): void {
  Transaction.prototype.commit = async function (this: Transaction) {
    Transaction.prototype.commit = realCommit;
    if (first === "commit") await realCommit.call(this);
    else await this.rollback();
    throw new Neo4jError("connection lost during COMMIT (test)", "ServiceUnavailable", "08000", "test");
  };
}

/**
 * The next commit really commits, then reports a lost connection; the one after it (the read-back's)
 * fails as a pool with no free connection does (neo4j-driver's code N/A, not retryable).
 */
function loseNextCommitAndItsReadBack(): void {
  Transaction.prototype.commit = async function (this: Transaction) {
    Transaction.prototype.commit = async function (this: Transaction) {
      Transaction.prototype.commit = realCommit;
      await this.rollback();
      throw new Neo4jError("Connection acquisition timed out in 60000 ms (test)", "N/A", "N/A", "test");
    };
    await realCommit.call(this);
    throw new Neo4jError("connection lost during COMMIT (test)", "ServiceUnavailable", "08000", "test");
  };
}

/** A GraphQL request's status, Retry-After header and first error. */
async function post(bearer: string, query: string, variables: Record<string, unknown>) {
  const res = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: res.status, retryAfter: res.headers.get("retry-after"), error: body.errors?.[0] };
}

const IN_DOUBT = {
  message: expect.stringMatching(/may or may not have been written; read it back/),
  extensions: expect.objectContaining({
    code: "SERVICE_UNAVAILABLE",
    rule: "COMMIT_IN_DOUBT",
    retryable: false,
    messageVi: expect.stringContaining("có thể đã được ghi hoặc chưa"),
  }),
};

const MINT = `mutation ($input: MintFeedCapabilityInput!) { mintFeedCapability(input: $input) { token } }`;
const MINTER = `${P}minter`;

afterAll(async () => {
  await server.db.write("MATCH (f:FeedCapability {createdBy: $minter}) DETACH DELETE f", { minter: MINTER });
});

const createOne = (id: string) =>
  restructurings.createUnits(server.db, ADMIN, {
    units: [{ unit: { id, name: id, kind: "STATE_AGENCY" }, superiorId: null, basis: null }],
    effectiveOn: "2020-01-01",
    basis: BASIS,
  });

async function held(id: string): Promise<{ units: number; events: number }> {
  const [row] = await server.db.read(
    `MATCH (u:Unit {id: $id}) OPTIONAL MATCH (e:Event)-[:AFFECTED]->(u)
     RETURN count(DISTINCT u) AS units, count(DISTINCT e) AS events`,
    { id },
  );
  return { units: Number(row?.units), events: Number(row?.events) };
}

describe("a change whose COMMIT loses its connection", () => {
  it("committed after all: answers its Event, applied once (not CONFLICT UNIQUE_ID from a retry)", async () => {
    const id = `${P}committed`;
    loseNextCommit("commit");
    const event = await createOne(id);
    expect(event).toMatch(/^evt-/);
    expect(await held(id)).toEqual({ units: 1, events: 1 });
  });

  it("not committed: retried, and applied once", async () => {
    const id = `${P}rolled-back`;
    loseNextCommit("roll back");
    const event = await createOne(id);
    expect(event).toMatch(/^evt-/);
    expect(await held(id)).toEqual({ units: 1, events: 1 });
  });

  it("is read back only once the change's transaction has ended: a commit still under way is waited for, not missed (review s14 E)", async () => {
    // A change's transaction that has recorded its event and not yet ended, as the server may
    // still be committing one whose COMMIT lost its connection.
    const outcome = async (end: "commit" | "rollback") => {
      const id = `evt-${P}in-flight-${end}`;
      const session = server.db.driver.session();
      const change = session.beginTransaction();
      await change.run("CREATE (e:Event {id: $id, kind: 'CREATE_UNIT', actor: 'admin-tester', basis: []})", {
        id,
      });
      let read = false;
      const readBack = server.db
        .boundedWriteTransaction((tx) => eventOnceEnded(tx, id))
        .finally(() => {
          read = true;
        });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const waited = !read;
      await (end === "commit" ? change.commit() : change.rollback());
      await session.close();
      const event = await readBack;
      const [row] = await server.db.write(
        "MATCH (e:Event {id: $id}) WITH count(e) AS n, collect(e) AS es FOREACH (e IN es | DELETE e) RETURN n",
        { id },
      );
      return { waited, found: event?.id ?? null, events: Number(row?.n) };
    };
    expect(await outcome("commit")).toEqual({ waited: true, found: `evt-${P}in-flight-commit`, events: 1 });
    // Rolled back: none, and the read-back leaves nothing behind.
    expect(await outcome("rollback")).toEqual({ waited: true, found: null, events: 0 });
  });

  it("a write that cannot tell whether it committed is not retried: SERVICE_UNAVAILABLE says it may have been written", async () => {
    const id = `${P}plain-write`;
    loseNextCommit("commit");
    const failure = await server.db
      .write("CREATE (:Unit {id: $id, name: $id, kind: 'STATE_AGENCY', validFrom: date('2020-01-01')})", {
        id,
      })
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(failure?.name).toBe("CommitOutcomeUnknownError");
    expect(failure?.message).toMatch(/may or may not have been written/);
    // Not run a second time: one unit, as the one commit made.
    const [row] = await server.db.read("MATCH (u:Unit {id: $id}) RETURN count(u) AS n", { id });
    expect(Number(row?.n)).toBe(1);
  });

  it("over GraphQL, a plain write in doubt (a feed link minted) tells the client to read it back, not to retry", async () => {
    const bearer = await token("admin", [], MINTER);
    loseNextCommit("commit");
    const answer = await post(bearer, MINT, { input: { unitId: "tinh-uy-lang-son" } });
    expect(answer.error).toMatchObject(IN_DOUBT);
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBeNull();
    // It did commit, once: the client that reads it back finds it.
    const [row] = await server.db.read("MATCH (f:FeedCapability {createdBy: $minter}) RETURN count(f) AS n", {
      minter: MINTER,
    });
    expect(Number(row?.n)).toBe(1);
  });

  it("a change whose read-back fails (no free connection) is in doubt too, not POOL_EXHAUSTED 'retry shortly'", async () => {
    const id = `${P}read-back-failed`;
    loseNextCommitAndItsReadBack();
    const answer = await post(admin, CREATE, createVariables({ id, kind: "STATE_AGENCY" }, null));
    expect(answer.error).toMatchObject(IN_DOUBT);
    expect(answer.retryAfter).toBeNull();
    expect(await held(id)).toEqual({ units: 1, events: 1 });
  });
});
