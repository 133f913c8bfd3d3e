/** ExportSlots: at most `limit` taken at once, a release frees one slot however often it is called. */
import { describe, expect, it } from "vitest";
import { ExportSlots } from "../../src/explorer/export-slots.ts";

describe("ExportSlots", () => {
  it("gives out at most `limit` slots and takes each back once", () => {
    const slots = new ExportSlots(2);
    const a = slots.take();
    const b = slots.take();
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(slots.take()).toBeNull();
    a?.();
    a?.();
    expect(slots.busy).toBe(1);
    const c = slots.take();
    expect(c).not.toBeNull();
    expect(slots.take()).toBeNull();
    b?.();
    c?.();
    expect(slots.busy).toBe(0);
  });

  it("gives one client at most its share, and frees it on release", () => {
    const slots = new ExportSlots(3, {
      perClient: 1,
      clientOf: (req) => String(req.headers["x-client"]),
    });
    const from = (client: string) => ({ headers: { "x-client": client } }) as never;
    const a = slots.take(from("a"));
    expect(a).not.toBeNull();
    expect(slots.take(from("a"))).toBeNull();
    expect(slots.take(from("b"))).not.toBeNull();
    a?.();
    expect(slots.take(from("a"))).not.toBeNull();
    expect(slots.busy).toBe(2);
  });
});
