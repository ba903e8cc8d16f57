import type { RepositorySyncJobData } from "./repositories.jobs.js";
import type { Runtime } from "../../runtime.js";
import { notifyIfInitialSyncComplete } from "../emails/completion-email.usecases.js";
import type { SyncOutcome } from "./repository-sync.usecases.js";

/**
 * What follows a finished sync, once its end is written: when a repository's first sync has ended either way,
 * the completion email if that was the last one of its batch. (Fresh insights are queued as soon as the last
 * page is written: see the task's afterLastPage.)
 */
export async function afterRepositorySync(
  runtime: Pick<Runtime, "db" | "queue">,
  job: RepositorySyncJobData,
  outcome: Extract<SyncOutcome, { outcome: "complete" | "failed" }>,
): Promise<void> {
  if (outcome.firstSyncFinished)
    await notifyIfInitialSyncComplete({ db: runtime.db, queue: runtime.queue, installationId: job.installationId });
}
