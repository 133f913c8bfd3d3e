/**
 * Sealed cursors (src/graphql/sealed-cursor.ts): what a scoped `changes` page cut by
 * CHANGES_SCAN_MAX hands out; opened only with the same service secret, never readable.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isChangeCursor } from "../../src/graphql/arguments.ts";
import { isSealed, openCursor, sealCursor } from "../../src/graphql/sealed-cursor.ts";

const secret = () => ({ JWT_SECRET: randomBytes(32).toString("base64url"), FEED_TOKEN_SECRET: undefined });
const position = { at: "2026-12-02T05:48:20.046Z", id: "chg-14375d2c-0d7e-4c3a-9d5e-0123456789ab" };

function refusal(run: () => unknown) {
  try {
    run();
  } catch (e) {
    return {
      code: (e as { code?: string }).code,
      argument: (e as { details?: { argument?: string } }).details?.argument,
    };
  }
  return null;
}

describe("sealed cursors", () => {
  it("open to the position sealed, with the same secret", () => {
    const config = secret();
    const sealed = sealCursor(position, config);
    expect(isSealed(sealed)).toBe(true);
    expect(openCursor(sealed, isChangeCursor, config)).toEqual(position);
  });

  it("show nothing of the position: neither its id nor its time, in any encoding", () => {
    const sealed = sealCursor(position, secret());
    const bytes = Buffer.from(sealed.slice(2), "base64url").toString("latin1");
    for (const part of [position.id, position.at, "chg-", "2026"]) {
      expect(sealed).not.toContain(part);
      expect(bytes).not.toContain(part);
    }
    // Two seals of one position differ (a fresh IV each), so equal positions cannot be matched up.
    const config = secret();
    expect(sealCursor(position, config)).not.toBe(sealCursor(position, config));
  });

  it("refuse a tampered, truncated or foreign cursor as BAD_USER_INPUT naming after", () => {
    const config = secret();
    const sealed = sealCursor(position, config);
    const flipped = `${sealed.slice(0, -3)}${sealed.at(-3) === "A" ? "B" : "A"}${sealed.slice(-2)}`;
    const foreign = sealCursor(position, secret());
    for (const bad of [flipped, sealed.slice(0, 40), foreign, "s.", `s.${"A".repeat(600)}`])
      expect(
        refusal(() => openCursor(bad, isChangeCursor, config)),
        bad,
      ).toEqual({
        code: "BAD_USER_INPUT",
        argument: "after",
      });
  });

  it("refuse a sealed value that is not a change position", () => {
    const config = secret();
    expect(refusal(() => openCursor(sealCursor({ id: "x" }, config), isChangeCursor, config))).toEqual({
      code: "BAD_USER_INPUT",
      argument: "after",
    });
  });
});
