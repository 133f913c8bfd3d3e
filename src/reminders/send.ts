/**
 * Posts a reminder to its webhook, with a timeout per attempt and retries with exponential
 * backoff on a network error, a timeout, a 429 or a 5xx; any other 4xx is final (retrying
 * would not help).
 */
import { type Reminder, type ReminderFormat, webhookRequest } from "./message.ts";

export interface SendOptions {
  attempts: number;
  /** The first wait between attempts; it doubles each time. */
  backoffMs: number;
  timeoutMs: number;
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
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": contentType },
        body,
        signal: AbortSignal.timeout(o.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, attempts: attempt };
      error = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429) return { ok: false, attempts: attempt, error };
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    if (attempt < o.attempts) await new Promise((r) => setTimeout(r, o.backoffMs * 2 ** (attempt - 1)));
  }
  return { ok: false, attempts: o.attempts, error };
}
