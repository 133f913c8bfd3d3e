/**
 * Where a reminder webhook may connect (the SSRF guard). An editor writes the URL, and the
 * service posts to it from inside the operator's network, so by default only public unicast
 * addresses are reachable: not loopback, RFC 1918, link-local (169.254.169.254, the cloud
 * metadata service), carrier-grade NAT, IPv6 ULA, IPv4-mapped or NAT64 forms of those, "0.0.0.0"
 * and the like (ipaddr.js's ranges: everything but `unicast`). A host listed in
 * REMINDERS_WEBHOOK_HOSTS (or a subdomain of a listed name) may be anything: that is how an
 * operator lets webhooks reach a chat server on the LAN.
 *
 * Checked twice: on the URL's literal host when a subscription is written (an IP literal in any
 * spelling: the URL parser has already turned `2130706433` or `0x7f.1` into `127.0.0.1`), and on
 * the address actually connected to when a reminder is posted (a name may resolve to a private
 * address, or be rebound to one after the subscription was written): the post goes through an
 * undici Agent whose DNS lookup refuses non-public answers.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent } from "undici";

/** The hosts REMINDERS_WEBHOOK_HOSTS lists (empty: none; then only public addresses), normalised. */
export function allowedHostsOf(setting: string | undefined): string[] {
  return (setting ?? "")
    .split(",")
    .map((h) => normalHost(h.trim()))
    .filter((h) => h.length > 0);
}

/** Lower case, without IPv6 brackets or a trailing dot; an IP address in its canonical form. */
function normalHost(host: string): string {
  const bare = host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
  return isIP(bare) ? ipaddr.parse(bare).toString() : bare;
}

/** The host is listed: an address or a name exactly, or (a name) a subdomain of a listed name. */
export function hostListed(hostname: string, allowedHosts: readonly string[]): boolean {
  const host = normalHost(hostname);
  if (isIP(host)) return allowedHosts.includes(host);
  return allowedHosts.some((h) => !isIP(h) && (host === h || host.endsWith(`.${h}`)));
}

/** Why an address may not be posted to unlisted (its ipaddr.js range), or null when it is public unicast. */
export function nonPublicRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  const ip = ipaddr.process(address);
  const range = ip.range();
  if (range !== "unicast") return range;
  // The deprecated IPv4-compatible form (::a.b.c.d) counts as unicast in ipaddr.js; refuse it too.
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0))
    return "IPv4-compatible IPv6";
  return null;
}

/**
 * Why the URL's host may not be written as a webhook's (with no allow-list, or unlisted), or null.
 * Names other than `localhost` are judged when posting, by what they resolve to.
 */
export function webhookHostProblem(hostname: string, allowedHosts: readonly string[]): string | null {
  if (hostListed(hostname, allowedHosts)) return null;
  const host = normalHost(hostname);
  if (allowedHosts.length > 0)
    return `host ${host} is not among REMINDERS_WEBHOOK_HOSTS (${allowedHosts.join(", ")})`;
  const range = isIP(host) ? nonPublicRange(host) : /(^|\.)localhost$/.test(host) ? "loopback" : null;
  return range === null ? null : notPublicMessage(host, null, range);
}

/**
 * The refusal. For a name resolved when posting, neither the address it resolved to nor its range:
 * the message is kept as the subscription's lastError, which its editor reads, and would map
 * internal names to addresses. An address the editor wrote is named with its range.
 */
function notPublicMessage(host: string, address: string | null, range: string): string {
  const why = address === null || address === host ? ` (${range})` : "";
  return `${host} is not a public address${why}; only public addresses are posted to unless the host is listed in REMINDERS_WEBHOOK_HOSTS`;
}

/** A post refused because of where it would connect: final, never retried. */
export class WebhookAddressError extends Error {
  override name = "WebhookAddressError";
  readonly code = "WEBHOOK_ADDRESS_REFUSED";
}

/** The URL's host is an unlisted IP literal that is not public: refused before any connection. */
export function assertPostable(url: URL, allowedHosts: readonly string[]): void {
  if (hostListed(url.hostname, allowedHosts)) return;
  const host = normalHost(url.hostname);
  const range = isIP(host) ? nonPublicRange(host) : null;
  if (range !== null) throw new WebhookAddressError(notPublicMessage(host, null, range));
}

/**
 * dns.lookup, failing when any address of the answer is not public (a name that resolves to a
 * public and a private address could be connected to either). Node's connect calls it for names
 * only; IP literals are judged by assertPostable.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  const all: LookupAllOptions = { ...options, all: true };
  dnsLookup(hostname, all, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    for (const a of addresses) {
      const range = nonPublicRange(a.address);
      if (range !== null)
        return callback(new WebhookAddressError(notPublicMessage(hostname, a.address, range)), "", 0);
    }
    const first = addresses[0];
    if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    else if (first) callback(null, first.address, first.family);
    else callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
  });
};

let guarded: Agent | undefined;

/** The dispatcher a post to this URL goes through: the public-only one unless its host is listed. */
export function dispatcherFor(url: URL, allowedHosts: readonly string[]): Agent | undefined {
  if (hostListed(url.hostname, allowedHosts)) return undefined;
  guarded ??= new Agent({ connect: { lookup: publicOnlyLookup } });
  return guarded;
}
