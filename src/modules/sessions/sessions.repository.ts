import { and, eq, gt, lte } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { type InstallationAccess, sessions, signInAttempts } from "./sessions.table.js";

export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;

/** Stores a new session, dropping expired ones on the way so the table stays small. */
export async function insertSession(db: Database, row: NewSessionRow, now: Date): Promise<void> {
  await db.delete(sessions).where(lte(sessions.expiresAt, now));
  await db.insert(sessions).values(row);
}

/** The live session with this id hash, if any. */
export async function findSession(db: Database, idHash: string, now: Date): Promise<SessionRow | undefined> {
  const [row] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, now)));
  return row;
}

export async function deleteSession(db: Database, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

export async function updateSessionAccess(
  db: Database,
  idHash: string,
  access: InstallationAccess[],
  checkedAt: Date,
): Promise<void> {
  await db.update(sessions).set({ access, accessCheckedAt: checkedAt }).where(eq(sessions.idHash, idHash));
}

export async function insertSignInAttempt(
  db: Database,
  row: { stateHash: string; codeVerifier: string; expiresAt: Date },
  now: Date,
): Promise<void> {
  await db.delete(signInAttempts).where(lte(signInAttempts.expiresAt, now));
  await db.insert(signInAttempts).values(row);
}

/** Takes a sign-in attempt: its row is deleted in the same statement, so a state works once. */
export async function takeSignInAttempt(db: Database, stateHash: string, now: Date): Promise<string | undefined> {
  const [row] = await db
    .delete(signInAttempts)
    .where(and(eq(signInAttempts.stateHash, stateHash), gt(signInAttempts.expiresAt, now)))
    .returning({ codeVerifier: signInAttempts.codeVerifier });
  return row?.codeVerifier;
}
