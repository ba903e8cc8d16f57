import type { Database } from "../../db/client.js";
import type { JobQueue } from "../../jobs/job-queue.js";
import type { InstallationWork } from "../installations/installations.usecases.js";
import { requestMemberSync } from "../members/member-sync-requests.usecases.js";
import {
  deactivateInstallationRepositories,
  deactivateRepositories,
  listInstallationRepositories,
  trackRepositories,
  updateRepository,
} from "./repositories.repository.js";

/** installation_repositories.removed and repository.deleted: inactive, queued work cancelled. */
export async function repositoriesRemoved(deps: { db: Database; queue: JobQueue }, repositoryIds: number[]) {
  await deactivateRepositories(deps.db, repositoryIds);
  for (const repositoryId of repositoryIds) await deps.queue.cancel("repository.sync", { repositoryId });
}

/** Every unfinished repository of a suspended installation waits, saying why, until it is unsuspended. */
async function pauseForSuspension(db: Database, installationId: number): Promise<void> {
  for (const repository of await listInstallationRepositories(db, installationId)) {
    if (repository.status === "syncing" || repository.status === "pending" || repository.status === "paused") {
      await updateRepository(db, repository.id, {
        status: "paused",
        pausedUntil: null,
        lastError: "The installation is suspended; syncing resumes when it is unsuspended.",
        lastErrorCode: "INSTALLATION_SUSPENDED",
      });
    }
  }
}

/**
 * What an installation's lifecycle asks of the repositories and members modules, handed to it so the
 * installations module depends on neither.
 */
export function installationWork(deps: { db: Database; queue: JobQueue }): InstallationWork {
  return {
    trackRepositories: (installationId, list, batchKey) => trackRepositories(deps.db, installationId, list, batchKey),
    retireRepositories: async (installationId) => {
      await deactivateInstallationRepositories(deps.db, installationId);
    },
    pauseRepositories: (installationId) => pauseForSuspension(deps.db, installationId),
    removeRepositories: (repositoryIds) => repositoriesRemoved(deps, repositoryIds),
    requestMemberSync: async (installationId) => {
      await requestMemberSync({ ...deps, installationId });
    },
  };
}
