/**
 * What a transaction's statements leave in neo4j-driver until the transaction ends
 * (src/store/database.ts runReleasing), against the real Neo4j: the driver keeps every Result of
 * an open transaction to its commit, so a statement of a large change must leave neither its
 * records nor its parameters there (issue 16, item 6: a province's merger held every statement's
 * answer and parameters to its commit).
 */
import type { Result } from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { type Row, runReleasing } from "../../src/store/database.ts";
import { openSandbox } from "./helpers/sandbox.ts";

const { server } = await openSandbox();

describe("a statement run in an open transaction", () => {
  it("answers its rows, and leaves the Result the transaction keeps without records or parameters", async () => {
    const session = server.db.driver.session({ defaultAccessMode: "READ" });
    const tx = session.beginTransaction();
    try {
      let result: Result | undefined;
      let sent: Row = {};
      const ids = Array.from({ length: 500 }, (_, i) => `id-${i}`);
      const { rows } = await runReleasing(
        (p) => {
          sent = p;
          result = tx.run("UNWIND $ids AS id RETURN id, $n AS n", p);
          return result;
        },
        { ids, n: 7 },
      );
      expect(rows).toHaveLength(500);
      expect(rows[499]).toEqual({ id: "id-499", n: 7 });
      // The parameters the driver was given (and its Result keeps) are emptied once it is done.
      expect(sent).toEqual({});
      // Awaited now, the Result the transaction keeps has no record left to give.
      expect((await (result as Result)).records).toHaveLength(0);
      // The transaction goes on: a later statement answers as usual.
      const again = await runReleasing((p) => tx.run("RETURN $x AS x", p), { x: "y" });
      expect(again.rows).toEqual([{ x: "y" }]);
    } finally {
      await tx.rollback();
      await session.close();
      await server.close();
    }
  });
});
