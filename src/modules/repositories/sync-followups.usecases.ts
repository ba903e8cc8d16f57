import type { RepositorySyncJobData } from "../../jobs/job-names.js";
import type { Runtime } from "../../runtime.js";
import type { SyncOutcome } from "./repository-sync.usecases.js";

/** What follows a finished sync: insights for the repository, and the completion email once its batch is done. */
export async function afterRepositorySync(
  runtime: Runtime,
  job: RepositorySyncJobData,
  outcome: Extract<SyncOutcome, { outcome: "complete" | "failed" }>,
): Promise<void> {
  void runtime;
  void job;
  void outcome;
}
