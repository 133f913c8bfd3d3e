/**
 * Posts a reminder to its webhook, with a timeout per attempt and retries with exponential
 * backoff on a network error, a timeout, a 429 or a 5xx; any other 4xx is final (retrying
 * would not help). An abort (shutdown) ends the attempts at once. Redirects are not followed: a
 * webhook on an allowed host (REMINDERS_WEBHOOK_HOSTS) must not be able to send the post on to
 * another one; a 3xx is a final failure. Unless its host is listed in REMINDERS_WEBHOOK_HOSTS, the
 * post connects only to a public address (src/reminders/webhook-address.ts): a host that is, or
 * resolves to, another one is a final failure that says so.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { fetch } from "undici";
import { type Reminder, type ReminderFormat, webhookRequest } from "./message.ts";
import { assertPostable, dispatcherFor, WebhookAddressError } from "./webhook-address.ts";

export interface SendOptions {
  attempts: number;
  /** The first wait between attempts; it doubles each time. */
  backoffMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Where posts may go: the hosts of REMINDERS_WEBHOOK_HOSTS (src/reminders/webhook-address.ts allowedHostsOf). */
export interface SendTarget {
  allowedHosts: readonly string[];
}

export type SendResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

export async function sendReminder(
  url: string,
  format: ReminderFormat,
  reminder: Reminder,
  o: SendOptions & SendTarget,
): Promise<SendResult> {
  const { contentType, body } = webhookRequest(format, reminder);
  if (!URL.canParse(url)) return { ok: false, attempts: 0, error: "the webhook URL is not a URL" };
  const target = new URL(url);
  let error = "";
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    if (o.signal?.aborted)
      return { ok: false, attempts: attempt - 1, error: "stopped: the service shut down" };
    const timeout = AbortSignal.timeout(o.timeoutMs);
    try {
      assertPostable(target, o.allowedHosts);
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": contentType },
        body,
        redirect: "manual",
        signal: o.signal ? AbortSignal.any([timeout, o.signal]) : timeout,
        dispatcher: dispatcherFor(target, o.allowedHosts),
      });
      await discardAnswer(res.body);
      if (res.ok) return { ok: true, attempts: attempt };
      error = `HTTP ${res.status}${res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : ""}`;
      if (res.status < 500 && res.status !== 429) return { ok: false, attempts: attempt, error };
    } catch (e) {
      const refused = addressRefusal(e);
      // Where the post would connect does not change between attempts: no retry.
      if (refused) return { ok: false, attempts: attempt, error: refused };
      error = e instanceof Error ? `${e.name}: ${e.message}${causeOf(e)}` : String(e);
    }
    if (attempt < o.attempts)
      await sleep(o.backoffMs * 2 ** (attempt - 1), undefined, { signal: o.signal }).catch(() => undefined);
  }
  return { ok: false, attempts: o.attempts, error };
}

/** The most of a webhook's answer read: only its status matters, and a target may stream without end. */
export const ANSWER_READ_BYTES = 4096;

/**
 * Reads at most ANSWER_READ_BYTES of an answer (so that a short answer ends cleanly and its
 * connection may be reused), then cancels the rest, which closes the connection.
 */
async function discardAnswer(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  let read = 0;
  try {
    while (read <= ANSWER_READ_BYTES) {
      const chunk = await reader.read();
      if (chunk.done) return;
      read += chunk.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // A body cut off or timed out: the status has been read already.
  } finally {
    reader.releaseLock();
  }
}

/** The message of a post refused for its address (thrown before fetch, or as fetch's cause), or null. */
function addressRefusal(e: unknown): string | null {
  const cause = e instanceof Error ? (e as { cause?: unknown }).cause : undefined;
  const refusal = [e, cause].find((x) => x instanceof WebhookAddressError);
  return refusal ? `refused: ${refusal.message}` : null;
}

/** fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND…). */
function causeOf(e: Error): string {
  const cause = (e as { cause?: unknown }).cause;
  if (!(cause instanceof Error)) return "";
  const code = (cause as { code?: unknown }).code;
  return ` (${typeof code === "string" ? `${code}: ` : ""}${cause.message})`;
}
