import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RateLimiter } from "../modules/rate-limits/rate-limits.usecases.js";
import { clientAddress } from "./client-address.js";

/** Constant-time comparison of two strings of any length (both are hashed first). */
export function safeEqual(a: string, b: string): boolean {
  const left = createHmac("sha256", "compare").update(a).digest();
  const right = createHmac("sha256", "compare").update(b).digest();
  return timingSafeEqual(left, right);
}

/** The outcome of checking a presented operator token. */
export type TokenCheck = { kind: "valid" } | { kind: "invalid" } | { kind: "limited"; retryAfter: number };

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? "";
  return header.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : null;
}

/**
 * The one place a presented ADMIN_TOKEN is checked (sign-in form, Bearer on the API and on /metrics).
 * Every failed check counts against one limiter per client address; once over it, every check from
 * that address is refused, the right token included, so guessing cannot go on.
 */
export function createOperatorTokenCheck(options: {
  adminToken: string | undefined;
  limiter: RateLimiter;
  trustedProxies: number;
}) {
  return async (req: IncomingMessage, given: unknown): Promise<TokenCheck> => {
    const address = clientAddress(req, options.trustedProxies);
    const blocked = await options.limiter.blocked(address);
    if (blocked !== null) return { kind: "limited", retryAfter: blocked };
    if (options.adminToken && typeof given === "string" && safeEqual(given, options.adminToken))
      return { kind: "valid" };
    const wait = await options.limiter.hit(address);
    return wait === null ? { kind: "invalid" } : { kind: "limited", retryAfter: wait };
  };
}

export type OperatorTokenCheck = ReturnType<typeof createOperatorTokenCheck>;

/** A keyed hash of the operator token, stored with operator sessions so a rotated token ends them. */
export function operatorTokenMac(adminToken: string): string {
  return createHmac("sha256", "pr-sync operator session").update(adminToken).digest("base64url");
}
