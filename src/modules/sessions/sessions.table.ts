import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** What a signed-in user may do on one installation: owners (and the account itself) act, members look. */
export type InstallationRole = "admin" | "member";
export interface InstallationAccess {
  installationId: number;
  role: InstallationRole;
}

/**
 * Status-page sessions, kept here so that signing out, an ADMIN_TOKEN rotation or a lost membership
 * ends them. The cookie holds only the session id; the row is found by its SHA-256.
 */
export const sessions = pgTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    kind: text("kind").$type<"operator" | "user">().notNull(),
    login: text("login"),
    userId: bigint("user_id", { mode: "number" }),
    access: jsonb("access").$type<InstallationAccess[]>().notNull().default([]),
    /** HMAC of the ADMIN_TOKEN an operator signed in with: a rotated token no longer matches. */
    operatorTokenMac: text("operator_token_mac"),
    accessCheckedAt: timestamp("access_checked_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_expires_at_idx").on(t.expiresAt)],
);

/** A GitHub sign-in under way: its state is used once, and its PKCE verifier never leaves the server. */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    stateHash: text("state_hash").primaryKey(),
    codeVerifier: text("code_verifier").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sign_in_attempts_expires_at_idx").on(t.expiresAt)],
);
