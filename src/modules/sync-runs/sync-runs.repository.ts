import type { DbExecutor } from "../../db/client.js";
import { syncRuns } from "./sync-runs.table.js";

export type SyncRunInsert = typeof syncRuns.$inferInsert;

export async function insertSyncRun(db: DbExecutor, run: SyncRunInsert): Promise<void> {
  await db.insert(syncRuns).values(run);
}
