import { createHmac, randomBytes } from "node:crypto";
import { safeEqual } from "../../http/operator-token.js";

export const SESSION_COOKIE = "prsync_session";
/** Holds the OAuth state and the sign-in form's CSRF seed before anyone is signed in. */
export const PRE_SESSION_COOKIE = "prsync_pre";
export const PRE_SESSION_TTL_MS = 10 * 60 * 1000;

/** Before sign-in: the seed of the sign-in form's CSRF token and, during a GitHub sign-in, its state. */
export interface PreSession {
  nonce: string;
  state?: string;
  expiresAt: number;
}

export { safeEqual } from "../../http/operator-token.js";

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

/** Signs and reads cookie values with HMAC-SHA256; the secret is SESSION_SECRET or a random one per process. */
export function createSigner(secret: string | undefined) {
  const key = secret ?? randomBytes(32).toString("hex");
  const mac = (purpose: string, value: string) =>
    createHmac("sha256", key).update(`${purpose}\n${value}`).digest("base64url");
  return {
    mac,
    sign(purpose: string, payload: object): string {
      const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
      return `${body}.${mac(purpose, body)}`;
    },
    verify<T extends { expiresAt: number }>(purpose: string, value: string | undefined, now: Date): T | null {
      if (!value) return null;
      const dot = value.indexOf(".");
      if (dot <= 0) return null;
      const body = value.slice(0, dot);
      if (!safeEqual(value.slice(dot + 1), mac(purpose, body))) return null;
      try {
        const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as T;
        return typeof payload.expiresAt === "number" && payload.expiresAt > now.getTime() ? payload : null;
      } catch {
        return null;
      }
    },
  };
}

export type Signer = ReturnType<typeof createSigner>;

/** The CSRF token of a session (or pre-session): derived, so nothing is stored. */
export function csrfToken(signer: Signer, sessionId: string): string {
  return signer.mac("csrf", sessionId);
}

export function isValidCsrf(signer: Signer, sessionId: string, given: unknown): boolean {
  return typeof given === "string" && given.length > 0 && safeEqual(given, csrfToken(signer, sessionId));
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!(name in cookies)) cookies[name] = part.slice(eq + 1).trim();
  }
  return cookies;
}

/** A Set-Cookie value: HttpOnly, SameSite=Lax, Secure when the public address is https. */
export function cookieHeader(
  name: string,
  value: string,
  options: { secure: boolean; maxAgeMs: number; path?: string },
): string {
  const parts = [
    `${name}=${value}`,
    `Path=${options.path ?? "/"}`,
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeMs / 1000))}`,
  ];
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}
