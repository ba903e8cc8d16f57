import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { installations } from "./installations.table.js";
import type { AppInstallation } from "../../github/app-client.js";

export type InstallationRow = typeof installations.$inferSelect;
export type InstallationUpdate = Partial<Omit<typeof installations.$inferInsert, "id">>;

/** An installation's account and grants, as the installation event or GitHub's installations API give them. */
export type InstallationAccount = Omit<AppInstallation, "suspended">;

/** Creates or refreshes an installation; a re-install clears its deleted and suspended marks. */
export async function upsertInstallation(
  db: Database,
  account: InstallationAccount,
  state: { suspendedAt: Date | null },
): Promise<InstallationRow> {
  const [row] = await db
    .insert(installations)
    .values({
      ...account,
      suspendedAt: state.suspendedAt,
      memberSyncStatus: account.accountType === "User" ? "not_applicable" : "pending",
    })
    .onConflictDoUpdate({
      target: installations.id,
      set: {
        accountLogin: account.accountLogin,
        accountId: account.accountId,
        accountType: account.accountType,
        repositorySelection: account.repositorySelection,
        permissions: account.permissions,
        suspendedAt: state.suspendedAt,
        deletedAt: null,
        credentialsInvalidAt: null,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row!;
}

export async function getInstallation(db: Database, id: number): Promise<InstallationRow | undefined> {
  const [row] = await db.select().from(installations).where(eq(installations.id, id));
  return row;
}

export async function updateInstallation(db: Database, id: number, update: InstallationUpdate): Promise<void> {
  await db
    .update(installations)
    .set({ ...update, updatedAt: new Date() })
    .where(eq(installations.id, id));
}

export async function listInstallations(db: Database): Promise<InstallationRow[]> {
  return db.select().from(installations).orderBy(installations.accountLogin);
}
