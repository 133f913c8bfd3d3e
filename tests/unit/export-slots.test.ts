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
});
