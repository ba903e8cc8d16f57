import type { RepositorySyncJobData } from "./repositories.jobs.js";
import type { Runtime } from "../../runtime.js";
import { notifyIfInitialSyncComplete } from "../emails/completion-email.usecases.js";
import type { SyncOutcome } from "./repository-sync.usecases.js";

/**
 * What follows a finished sync: fresh insights after a completed one, and, once a repository's first
 * sync has ended either way, the completion email if that was the last one of its batch.
 */
export async function afterRepositorySync(
  runtime: Pick<Runtime, "db" | "queue">,
  job: RepositorySyncJobData,
  outcome: Extract<SyncOutcome, { outcome: "complete" | "failed" }>,
): Promise<void> {
  // Independent of each other, and the sync's place is held until both are done: run them side by side.
  await Promise.all([
    outcome.outcome === "complete" && runtime.queue.enqueue("insights.compute", { repositoryId: job.repositoryId }),
    outcome.firstSyncFinished &&
      notifyIfInitialSyncComplete({ db: runtime.db, queue: runtime.queue, installationId: job.installationId }),
  ]);
}
