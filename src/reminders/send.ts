/**
 * Posts a reminder to its webhook, with a timeout per attempt and retries with exponential
 * backoff on a network error, a timeout, a 429 or a 5xx; any other 4xx is final (retrying
 * would not help). An abort (shutdown) ends the attempts at once. Redirects are not followed: a
 * webhook on an allowed host (REMINDERS_WEBHOOK_HOSTS) must not be able to send the post on to
 * another one; a 3xx is a final failure.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type Reminder, type ReminderFormat, webhookRequest } from "./message.ts";

export interface SendOptions {
  attempts: number;
  /** The first wait between attempts; it doubles each time. */
  backoffMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export type SendResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

export async function sendReminder(
  url: string,
  format: ReminderFormat,
  reminder: Reminder,
  o: SendOptions,
): Promise<SendResult> {
  const { contentType, body } = webhookRequest(format, reminder);
  let error = "";
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    if (o.signal?.aborted)
      return { ok: false, attempts: attempt - 1, error: "stopped: the service shut down" };
    const timeout = AbortSignal.timeout(o.timeoutMs);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": contentType },
        body,
        redirect: "manual",
        signal: o.signal ? AbortSignal.any([timeout, o.signal]) : timeout,
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, attempts: attempt };
      error = `HTTP ${res.status}${res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : ""}`;
      if (res.status < 500 && res.status !== 429) return { ok: false, attempts: attempt, error };
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}${causeOf(e)}` : String(e);
    }
    if (attempt < o.attempts)
      await sleep(o.backoffMs * 2 ** (attempt - 1), undefined, { signal: o.signal }).catch(() => undefined);
  }
  return { ok: false, attempts: o.attempts, error };
}

/** fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND…). */
function causeOf(e: Error): string {
  const cause = (e as { cause?: unknown }).cause;
  if (!(cause instanceof Error)) return "";
  const code = (cause as { code?: unknown }).code;
  return ` (${typeof code === "string" ? `${code}: ` : ""}${cause.message})`;
}
