/**
 * A reminder's target: the webhook URL, checked when a subscription is written, and masked
 * whenever it is shown. The URL is a secret — Synology Chat's incoming webhook carries its
 * token in the query string, other services in the path — so the API shows only the scheme,
 * host and port, and a short fingerprint that tells two URLs apart without revealing either.
 */
import { createHash } from "node:crypto";
import { webhookHostProblem } from "./webhook-address.ts";

export const MAX_URL_LENGTH = 2048;

/**
 * Why a webhook URL is refused, or null when it is a usable one: its host must be listed in
 * `allowedHosts` (REMINDERS_WEBHOOK_HOSTS) when any are, and otherwise must not be a literal
 * address outside the public unicast ranges (src/reminders/webhook-address.ts).
 */
export function webhookUrlProblem(value: string, allowedHosts: readonly string[]): string | null {
  if (value.length > MAX_URL_LENGTH) return `is ${value.length} characters long; at most ${MAX_URL_LENGTH}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL; give the webhook's full address, e.g. https://chat.example.vn/webapi/entry.cgi?…";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return `must be an http:// or https:// URL, not ${url.protocol}`;
  if (url.username || url.password) return "must not carry a user name or password";
  return webhookHostProblem(url.hostname, allowedHosts);
}

/** The URL as it may be shown: `https://chat.example.vn:5001/…`. */
export function maskedTarget(value: string): string {
  try {
    return `${new URL(value).origin}/…`;
  } catch {
    return "…";
  }
}

/** The first 8 hex digits of the URL's SHA-256: the same URL gives the same fingerprint. */
export function targetFingerprint(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 8);
}

/** An error text with the URL (a fetch error may quote it) masked. */
export function maskedError(error: string, url: string): string {
  return error.split(url).join(maskedTarget(url));
}
