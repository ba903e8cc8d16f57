import type { IncomingMessage } from "node:http";

/**
 * The client's address for rate limits. Behind `trustedProxies` proxies, each appends the address it
 * saw to X-Forwarded-For, so the client is that many entries from the right; entries further left are
 * whatever the client claimed and are never trusted.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: number): string {
  const socket = req.socket.remoteAddress ?? "unknown";
  if (trustedProxies === 0) return socket;
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return hops[hops.length - trustedProxies] ?? hops[0] ?? socket;
}
