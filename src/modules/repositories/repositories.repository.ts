import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { DbExecutor as Database } from "../../db/client.js";
import { preparedFor } from "../../db/prepared.js";
import type { TrackedRepository } from "../installations/installations.models.js";
import { installations } from "../installations/installations.table.js";
import { repositories } from "./repositories.table.js";

export type RepositoryRow = typeof repositories.$inferSelect;
export type RepositoryUpdate = Partial<Omit<typeof repositories.$inferInsert, "id" | "installationId">>;

/**
 * Tracks repositories of an installation (re-activating ones that were removed before).
 * Returns the ids that need a backfill: new ones, re-activated ones and ones whose first sync never finished.
 */
export async function trackRepositories(
  db: Database,
  installationId: number,
  list: TrackedRepository[],
  notificationBatch: string,
): Promise<number[]> {
  if (list.length === 0) return [];
  const before = new Map(
    (
      await db
        .select({ id: repositories.id, active: repositories.active, finished: repositories.initialSyncFinishedAt })
        .from(repositories)
        .where(
          inArray(
            repositories.id,
            list.map((r) => r.id),
          ),
        )
    ).map((r) => [r.id, r]),
  );
  await db
    .insert(repositories)
    .values(
      list.map((r) => ({
        id: r.id,
        installationId,
        fullName: r.fullName,
        private: r.private,
        archived: r.archived ?? false,
        notificationBatch,
      })),
    )
    .onConflictDoUpdate({
      target: repositories.id,
      set: {
        installationId: sql`excluded.installation_id`,
        fullName: sql`excluded.full_name`,
        private: sql`excluded.private`,
        active: true,
        // A repository coming back joins the new email batch only if its first sync never finished.
        notificationBatch: sql`CASE WHEN ${repositories.initialSyncFinishedAt} IS NULL THEN excluded.notification_batch ELSE ${repositories.notificationBatch} END`,
        updatedAt: sql`now()`,
      },
    });
  return list
    .map((r) => r.id)
    .filter((id) => {
      const previous = before.get(id);
      return !previous || !previous.active || !previous.finished;
    });
}

export async function getRepository(db: Database, id: number): Promise<RepositoryRow | undefined> {
  const [row] = await db.select().from(repositories).where(eq(repositories.id, id));
  return row;
}

/** Only what a webhook needs to know of a repository: whether it is tracked, and under which name. */
export async function getRepositoryTracking(
  db: Database,
  id: number,
): Promise<{ id: number; fullName: string; active: boolean } | undefined> {
  const [row] = await trackingStatement(db).execute({ id });
  return row;
}

const trackingStatement = preparedFor((db: Database) =>
  db
    .select({ id: repositories.id, fullName: repositories.fullName, active: repositories.active })
    .from(repositories)
    .where(eq(repositories.id, sql.placeholder("id")))
    .prepare("repository_tracking"),
);

export async function listInstallationRepositories(db: Database, installationId: number): Promise<RepositoryRow[]> {
  return db
    .select()
    .from(repositories)
    .where(eq(repositories.installationId, installationId))
    .orderBy(repositories.fullName);
}

export async function updateRepository(db: Database, id: number, update: RepositoryUpdate): Promise<void> {
  await db.execute(repositoryUpdate(db, id, update));
}

/** The statement of updateRepository, to run together with others. */
export function repositoryUpdate(db: Database, id: number, update: RepositoryUpdate): SQL {
  return db
    .update(repositories)
    .set({ ...update, updatedAt: new Date() })
    .where(eq(repositories.id, id))
    .getSQL();
}

export async function deactivateRepositories(db: Database, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.update(repositories).set({ active: false, updatedAt: new Date() }).where(inArray(repositories.id, ids));
}

export async function deactivateInstallationRepositories(db: Database, installationId: number): Promise<number[]> {
  const rows = await db
    .update(repositories)
    .set({ active: false, updatedAt: new Date() })
    .where(eq(repositories.installationId, installationId))
    .returning({ id: repositories.id });
  return rows.map((r) => r.id);
}

/** A repository together with the state of its installation, which decides whether it may sync. */
export async function getRepositoryWithInstallation(db: Database, id: number) {
  const [row] = await db
    .select({ repository: repositories, installation: installations })
    .from(repositories)
    .innerJoin(installations, eq(installations.id, repositories.installationId))
    .where(eq(repositories.id, id));
  return row;
}

/** Active repositories of live installations (the ones a catch-up visits): all, one installation's, or those of `repositoryIds`. */
export async function listSyncableRepositories(
  db: Database,
  filter: { installationId?: number; repositoryIds?: number[] } = {},
) {
  const { installationId, repositoryIds } = filter;
  return db
    .select({ repository: repositories, installation: installations })
    .from(repositories)
    .innerJoin(installations, eq(installations.id, repositories.installationId))
    .where(
      and(
        eq(repositories.active, true),
        sql`${installations.deletedAt} IS NULL`,
        sql`${installations.suspendedAt} IS NULL`,
        installationId === undefined ? undefined : eq(repositories.installationId, installationId),
        repositoryIds === undefined ? undefined : inArray(repositories.id, repositoryIds),
      ),
    );
}
