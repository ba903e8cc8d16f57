import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../../db/client.js";
import {
  deleteSession,
  findSession,
  insertSession,
  insertSignInAttempt,
  takeSignInAttempt,
  type SessionRow,
} from "./sessions.repository.js";
import type { InstallationAccess } from "./sessions.table.js";

export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const SIGN_IN_TTL_MS = 10 * 60 * 1000;

const hash = (value: string) => createHash("sha256").update(value).digest("base64url");

export type NewSession =
  | { kind: "operator"; operatorTokenMac: string }
  | { kind: "user"; login: string; userId: number; access: InstallationAccess[] };

/** Stores a session and returns its id, which only the cookie holds (the table keeps its hash). */
export async function startSession(options: { db: Database; now: Date; session: NewSession }): Promise<string> {
  const { db, now, session } = options;
  const id = randomBytes(32).toString("base64url");
  await insertSession(
    db,
    {
      idHash: hash(id),
      kind: session.kind,
      login: session.kind === "user" ? session.login : null,
      userId: session.kind === "user" ? session.userId : null,
      access: session.kind === "user" ? session.access : [],
      operatorTokenMac: session.kind === "operator" ? session.operatorTokenMac : null,
      accessCheckedAt: now,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    },
    now,
  );
  return id;
}

/**
 * The live session for a cookie's id. An operator session signed in with another ADMIN_TOKEN than
 * the current one (or with none configured now) is deleted and not returned.
 */
export async function loadSession(options: {
  db: Database;
  id: string;
  now: Date;
  operatorTokenMac: string | null;
}): Promise<SessionRow | null> {
  const row = await findSession(options.db, hash(options.id), options.now);
  if (!row) return null;
  if (
    row.kind === "operator" &&
    (options.operatorTokenMac === null || row.operatorTokenMac !== options.operatorTokenMac)
  ) {
    await deleteSession(options.db, row.idHash);
    return null;
  }
  return row;
}

export async function endSession(options: { db: Database; id: string }): Promise<void> {
  await deleteSession(options.db, hash(options.id));
}

/** Opens a GitHub sign-in: a fresh state and PKCE verifier, the state stored hashed and usable once. */
export async function beginSignIn(options: {
  db: Database;
  now: Date;
}): Promise<{ state: string; codeVerifier: string }> {
  const state = randomBytes(24).toString("base64url");
  const codeVerifier = randomBytes(48).toString("base64url");
  await insertSignInAttempt(
    options.db,
    { stateHash: hash(state), codeVerifier, expiresAt: new Date(options.now.getTime() + SIGN_IN_TTL_MS) },
    options.now,
  );
  return { state, codeVerifier };
}

/** Takes the sign-in a state belongs to (once): its PKCE verifier, or undefined when unknown, used or expired. */
export async function finishSignIn(options: { db: Database; state: string; now: Date }): Promise<string | undefined> {
  return takeSignInAttempt(options.db, hash(options.state), options.now);
}

/** The PKCE S256 challenge of a verifier (RFC 7636). */
export function codeChallenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}
