import { desc, eq } from "drizzle-orm";
import type { DbExecutor } from "../../db/client.js";
import { syncRuns } from "./sync-runs.table.js";

export type SyncRunInsert = typeof syncRuns.$inferInsert;

export async function insertSyncRun(db: DbExecutor, run: SyncRunInsert): Promise<void> {
  await db.insert(syncRuns).values(run);
}

export async function listSyncRuns(db: DbExecutor, repositoryId: number) {
  return db.select().from(syncRuns).where(eq(syncRuns.repositoryId, repositoryId)).orderBy(desc(syncRuns.startedAt));
}
