import { randomBytes, verify } from "node:crypto";
import { DOCS, type SimulatorState } from "./state.js";

export type Principal =
  { kind: "app" } | { kind: "installation"; installationId: number } | { kind: "user"; userId: number };

export interface AuthFailure {
  status: number;
  body: { message: string; documentation_url: string };
}

const fail = (message: string, status = 401): AuthFailure => ({ status, body: { message, documentation_url: DOCS } });

/** Checks an app JWT the way GitHub does: RS256 with the app's key, `iss` the app id, at most 10 minutes long. */
export function verifyAppJwt(state: SimulatorState, jwt: string, now = Date.now()): Principal | AuthFailure {
  const parts = jwt.split(".");
  if (parts.length !== 3) return fail("A JSON web token could not be decoded");
  const [header, payload, signature] = parts as [string, string, string];
  let claims: { iat?: unknown; exp?: unknown; iss?: unknown };
  try {
    const decodedHeader = JSON.parse(Buffer.from(header, "base64url").toString()) as { alg?: string };
    if (decodedHeader.alg !== "RS256") return fail("A JSON web token could not be decoded");
    claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as typeof claims;
  } catch {
    return fail("A JSON web token could not be decoded");
  }
  const valid = verify(
    "RSA-SHA256",
    Buffer.from(`${header}.${payload}`),
    state.publicKey,
    Buffer.from(signature, "base64url"),
  );
  if (!valid) return fail("A JSON web token could not be decoded");
  const seconds = Math.floor(now / 1000);
  if (typeof claims.iat !== "number" || claims.iat > seconds + 60)
    return fail("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued");
  if (typeof claims.exp !== "number" || claims.exp <= seconds)
    return fail(
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  if (claims.exp - claims.iat > 600) return fail("'Expiration time' claim ('exp') is too far in the future");
  if (String(claims.iss) !== String(state.appId) && claims.iss !== state.clientId)
    return fail("A JSON web token could not be decoded");
  return { kind: "app" };
}

/** Resolves the Authorization header to who is calling, or GitHub's 401 answer. */
export function authenticate(
  state: SimulatorState,
  header: string | undefined,
  now = Date.now(),
): Principal | AuthFailure {
  if (!header) return fail("Requires authentication");
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
  if (!match) return fail("Bad credentials");
  const credential = match[1]!;
  if (credential.split(".").length === 3) return verifyAppJwt(state, credential, now);
  const token = state.tokens.get(credential);
  if (!token || token.expiresAt <= now) return fail("Bad credentials");
  if (token.kind === "installation") {
    if (state.faults.expireTokenOnNextUse) {
      state.faults.expireTokenOnNextUse = false;
      token.expiresAt = now;
      return fail("Bad credentials");
    }
    const installation = state.data.installations.get(token.ownerId);
    if (!installation || installation.deleted) return fail("Bad credentials");
    if (installation.suspended) return fail("This installation has been suspended", 403);
    return { kind: "installation", installationId: token.ownerId };
  }
  return { kind: "user", userId: token.ownerId };
}

export function isFailure(value: Principal | AuthFailure): value is AuthFailure {
  return "status" in value;
}

export function newToken(prefix: "ghs" | "ghu" | "ghr"): string {
  return `${prefix}_${randomBytes(27).toString("base64url").replace(/[-_]/g, "x").slice(0, 36)}`;
}

/** Whose primary budget a request spends. */
export function budgetOwner(principal: Principal): string {
  if (principal.kind === "installation") return `installation:${principal.installationId}`;
  if (principal.kind === "user") return `user:${principal.userId}`;
  return "app";
}

export function rateLimitedMessage(principal: Principal): string {
  if (principal.kind === "installation")
    return `API rate limit exceeded for installation ID ${principal.installationId}.`;
  if (principal.kind === "user") return `API rate limit exceeded for user ID ${principal.userId}.`;
  return "API rate limit exceeded for app.";
}
