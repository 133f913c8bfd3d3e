/**
 * Who may manage a stored reminder subscription (security review s10, findings 6 and 7), with
 * READ_ACCESS=scoped, against the real Neo4j: only its creator (the token's subject) or an admin
 * changes, pauses or deletes it; every management call uses the editor's scope of today (a unit
 * that left the scope is no longer theirs, and a missing id answers alike); a duplicate (same
 * unit, webhook, types and includeSubtree) and one past the per-unit or per-creator cap are
 * refused (CONFLICT naming the rule), nothing written. A token without `sub` (which all such
 * tokens would share) neither creates nor manages one (review s11 #5).
 */
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findSubscription } from "../../src/store/reminder-repository.ts";
import {
  closeSandbox,
  gqlAs,
  openSandbox,
  type ProvinceIds,
  provinceFixture,
  refusal,
  TEST_SECRET,
  token,
} from "./helpers/sandbox.ts";
import type { TestServer } from "./helpers/test-server.ts";

vi.setConfig({ testTimeout: 180_000 });

const P = "rown-";
const SUBJECTS = ["admin-tester", "editor-rown-a", "editor-rown-b", "editor-rown-d"];
const HOOK = "https://chat.example.vn/webapi/entry.cgi?token=rown";

const CREATE = `mutation ($input: CreateReminderSubscriptionInput!) { createReminderSubscription(input: $input) { id } }`;
const UPDATE = `mutation ($input: UpdateReminderSubscriptionInput!) { updateReminderSubscription(input: $input) { id } }`;
const DELETE = `mutation ($id: ID!) { deleteReminderSubscription(id: $id) }`;
const LIST = `{ reminderSubscriptions { id } }`;
const ONE = `query ($id: ID!) { reminderSubscription(id: $id) { id } }`;
const MOVE = `mutation ($u: ID!, $s: ID!) { setSuperior(unitId: $u, superiorId: $s, effectiveOn: "2025-01-01", basis: ["dieu-le-dang-whole"]) { id } }`;

let server: TestServer;
let admin: string;
let ids: ProvinceIds;

beforeAll(async () => {
  ({ server, admin } = await openSandbox({
    READ_ACCESS: "scoped",
    REMINDERS_MAX_SUBSCRIPTIONS_PER_UNIT: "3",
    REMINDERS_MAX_SUBSCRIPTIONS_PER_CREATOR: "5",
  }));
  ids = await provinceFixture(server, admin, `${P}p`, { otherDistrict: true });
});

afterAll(async () => {
  await server?.db.write("MATCH (s:ReminderSubscription) WHERE s.createdBy IN $subjects DETACH DELETE s", {
    subjects: SUBJECTS,
  });
  if (server) await closeSandbox(server, P);
});

const input = (unitId: string, o: Record<string, unknown> = {}) => ({
  unitId,
  types: ["REPORT"],
  daysBefore: [3],
  format: "JSON",
  webhookUrl: HOOK,
  active: false,
  ...o,
});

async function subscribe(bearer: string, unitId: string, o: Record<string, unknown> = {}): Promise<string> {
  const res = await gqlAs<{ createReminderSubscription: { id: string } }>(server, bearer, CREATE, {
    input: input(unitId, o),
  });
  if (!res.data?.createReminderSubscription) throw new Error(`subscribe: ${res.errors?.[0]?.message}`);
  return res.data.createReminderSubscription.id;
}

async function count(): Promise<number> {
  const rows = await server.db.read("MATCH (s:ReminderSubscription) RETURN count(s) AS n");
  return Number(rows[0]?.n);
}

async function listed(bearer: string): Promise<string[]> {
  const res = await gqlAs<{ reminderSubscriptions: { id: string }[] }>(server, bearer, LIST);
  expect(res.errors ?? []).toEqual([]);
  return res.data?.reminderSubscriptions.map((s) => s.id) ?? [];
}

/** A token without a `sub` claim: every such token is the same nobody. */
async function subless(role: "editor" | "admin", scopes: string[]): Promise<string> {
  return new SignJWT({ role, scopes })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(TEST_SECRET));
}

describe("reminder subscriptions belong to their creator", () => {
  it("a token without sub neither creates one nor changes or deletes one, not even an admin's", async () => {
    const editor = await subless("editor", [ids.tinh]);
    const before = await count();
    const subject = { code: "FORBIDDEN", rule: "SUBSCRIPTION_SUBJECT" };
    const created = await gqlAs(server, editor, CREATE, {
      input: input(ids.xa, { webhookUrl: `${HOOK}&who=none` }),
    });
    expect(refusal(created)).toMatchObject(subject);
    expect(created.errors?.[0]?.message).toContain('no "sub" claim');
    expect(await count()).toBe(before);

    const a = await token("editor", [ids.tinh], "editor-rown-a");
    const id = await subscribe(a, ids.xa, { webhookUrl: `${HOOK}&who=subject` });
    for (const bearer of [editor, await subless("admin", [])]) {
      const redirect = await gqlAs(server, bearer, UPDATE, { input: { id, webhookUrl: `${HOOK}&who=none` } });
      expect(refusal(redirect)).toMatchObject(subject);
      expect(refusal(await gqlAs(server, bearer, DELETE, { id }))).toMatchObject(subject);
    }
    expect(await findSubscription(server.db, id)).toMatchObject({
      webhookUrl: `${HOOK}&who=subject`,
      updatedBy: "editor-rown-a",
    });
    // Its creator still may (and frees the unit's quota for the tests below).
    expect((await gqlAs(server, a, DELETE, { id })).errors ?? []).toEqual([]);
  });

  it("another editor in scope may list it but not redirect, pause or delete it; its creator and an admin may", async () => {
    const a = await token("editor", [ids.tinh], "editor-rown-a");
    const b = await token("editor", [ids.xa], "editor-rown-b");
    const id = await subscribe(a, ids.xa, { webhookUrl: `${HOOK}&who=a` });
    expect(await listed(b)).toContain(id);

    const owner = { code: "FORBIDDEN", rule: "SUBSCRIPTION_OWNER", argument: "input.id" };
    const redirect = await gqlAs(server, b, UPDATE, { input: { id, webhookUrl: `${HOOK}&who=b` } });
    expect(refusal(redirect)).toEqual(owner);
    const leads = await gqlAs(server, b, UPDATE, { input: { id, daysBefore: [1] } });
    expect(refusal(leads)).toEqual(owner);
    const pause = await gqlAs(server, b, UPDATE, { input: { id, active: false } });
    expect(refusal(pause)).toEqual(owner);
    const drop = await gqlAs(server, b, DELETE, { id });
    expect(refusal(drop)).toEqual({ ...owner, argument: "id" });
    expect(await findSubscription(server.db, id)).toMatchObject({
      webhookUrl: `${HOOK}&who=a`,
      daysBefore: [3],
      updatedBy: "editor-rown-a",
    });

    const mine = await gqlAs(server, a, UPDATE, { input: { id, webhookUrl: `${HOOK}&who=a2` } });
    expect(mine.errors ?? []).toEqual([]);
    const admins = await gqlAs(server, admin, UPDATE, { input: { id, daysBefore: [1] } });
    expect(admins.errors ?? []).toEqual([]);
    expect(await findSubscription(server.db, id)).toMatchObject({
      webhookUrl: `${HOOK}&who=a2`,
      daysBefore: [1],
    });
  });

  it("is managed on today's scope: once its unit left, its creator neither lists, changes nor deletes it, answered as a missing id", async () => {
    const a = await token("editor", [ids.tinh], "editor-rown-a");
    const id = await subscribe(a, ids.xa2, { webhookUrl: `${HOOK}&who=left` });
    const moved = await gqlAs(server, admin, MOVE, { u: ids.xa2, s: ids.otherHuyen });
    expect(moved.errors ?? []).toEqual([]);

    expect(await listed(a)).not.toContain(id);
    const one = await gqlAs<{ reminderSubscription: unknown }>(server, a, ONE, { id });
    expect(one.data?.reminderSubscription).toBeNull();
    const outside = { code: "FORBIDDEN", rule: "EDITOR_SCOPE", argument: "input.id" };
    const redirect = await gqlAs(server, a, UPDATE, { input: { id, webhookUrl: `${HOOK}&who=x` } });
    expect(refusal(redirect)).toEqual(outside);
    const missing = await gqlAs(server, a, UPDATE, { input: { id: "rs_000000000000", webhookUrl: HOOK } });
    expect(refusal(missing)).toEqual(outside);
    const drop = await gqlAs(server, a, DELETE, { id });
    expect(refusal(drop)).toEqual({ ...outside, argument: "id" });
    expect((await findSubscription(server.db, id))?.webhookUrl).toBe(`${HOOK}&who=left`);
  });
});

describe("reminder subscriptions are bounded", () => {
  it("refuse a duplicate (same unit, webhook, types, includeSubtree), on creation and on update", async () => {
    const a = await token("editor", [ids.tinh], "editor-rown-a");
    const first = await subscribe(a, ids.huyen, { types: ["REPORT", "MEETING"], webhookUrl: `${HOOK}&dup` });
    const before = await count();
    const again = await gqlAs(server, a, CREATE, {
      input: input(ids.huyen, {
        types: ["MEETING", "REPORT"],
        daysBefore: [1, 7],
        webhookUrl: `${HOOK}&dup`,
      }),
    });
    expect(refusal(again)).toEqual({
      code: "CONFLICT",
      rule: "SUBSCRIPTION_DUPLICATE",
      argument: "input.webhookUrl",
    });
    expect(await count()).toBe(before);

    const other = await subscribe(a, ids.huyen, { types: ["REPORT", "MEETING"], webhookUrl: `${HOOK}&dup2` });
    const onto = await gqlAs(server, a, UPDATE, { input: { id: other, webhookUrl: `${HOOK}&dup` } });
    expect(refusal(onto)).toEqual({
      code: "CONFLICT",
      rule: "SUBSCRIPTION_DUPLICATE",
      argument: "input.webhookUrl",
    });
    expect((await findSubscription(server.db, other))?.webhookUrl).toBe(`${HOOK}&dup2`);
    expect(first).not.toBe(other);
  });

  it("refuse one past REMINDERS_MAX_SUBSCRIPTIONS_PER_UNIT and past REMINDERS_MAX_SUBSCRIPTIONS_PER_CREATOR", async () => {
    const d = await token("editor", [ids.tinh], "editor-rown-d");
    for (const n of [1, 2, 3]) await subscribe(d, ids.huyen2, { webhookUrl: `${HOOK}&d=${n}` });
    const before = await count();
    const fourth = await gqlAs(server, d, CREATE, {
      input: input(ids.huyen2, { webhookUrl: `${HOOK}&d=4` }),
    });
    expect(fourth.errors?.[0]?.extensions).toMatchObject({
      code: "CONFLICT",
      rule: "SUBSCRIPTION_LIMIT",
      limit: "REMINDERS_MAX_SUBSCRIPTIONS_PER_UNIT",
      max: 3,
    });
    expect(await count()).toBe(before);

    for (const n of [5, 6]) await subscribe(d, ids.tinh, { webhookUrl: `${HOOK}&d=${n}` });
    const sixth = await gqlAs(server, d, CREATE, { input: input(ids.xa, { webhookUrl: `${HOOK}&d=7` }) });
    expect(sixth.errors?.[0]?.extensions).toMatchObject({
      code: "CONFLICT",
      rule: "SUBSCRIPTION_LIMIT",
      limit: "REMINDERS_MAX_SUBSCRIPTIONS_PER_CREATOR",
      max: 5,
    });
    expect(await count()).toBe(before + 2);
    // Another creator may still subscribe that unit.
    const a = await token("editor", [ids.tinh], "editor-rown-a");
    expect(await subscribe(a, ids.xa, { webhookUrl: `${HOOK}&d=7` })).toMatch(/^rs_/);
  });
});
