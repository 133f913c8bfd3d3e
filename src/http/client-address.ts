/**
 * Who the client is behind the proxies we trust (TRUST_PROXY), for HTTP and WebSocket alike: the
 * same setting Express applies to `req.ip` (and so to the rate limit), compiled once with
 * proxy-addr, which Express itself uses. Counting WebSocket connections by the socket's address
 * alone would put every client behind a load balancer under one address.
 */
import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

type Trust = (address: string, hop: number) => boolean;

/** Express's "trust proxy" value from TRUST_PROXY: a boolean, a hop count or proxy addresses. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === "true" || value === "false") return value === "true";
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** The trust function Express compiles from the same setting. */
function compileTrust(value: string): Trust {
  const setting = trustProxySetting(value);
  if (setting === true) return () => true;
  if (setting === false) return proxyaddr.compile([]);
  if (typeof setting === "number") return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting.split(",").map((s) => s.trim()));
}

/** A function giving a request's client address under TRUST_PROXY. */
export function clientAddressOf(trustProxy: string): (req: IncomingMessage) => string {
  const trust = compileTrust(trustProxy);
  return (req) => (req.socket.remoteAddress ? proxyaddr(req, trust) : "unknown");
}
