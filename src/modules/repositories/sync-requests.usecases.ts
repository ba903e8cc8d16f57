import type { Database } from "../../db/client.js";
import type { RepositoryFanOutJobData, RepositorySyncJobData, SyncKind } from "./repositories.jobs.js";
import { getInstallation } from "../installations/installations.repository.js";
import type { EnqueueResult, JobQueue } from "../../jobs/job-queue.js";
import {
  RepositoryError,
  installationDeleted,
  installationSuspended,
  repositoryInactive,
  repositoryNotFound,
} from "./repositories.errors.js";
import { getRepositoryWithInstallation, listSyncableRepositories } from "./repositories.repository.js";
import { installationStopReason } from "../installations/installations.models.js";

export interface SyncRequest {
  db: Database;
  queue: JobQueue;
  repositoryId: number;
  kind: SyncKind;
  /** With kind "backfill": extend stored history to this many days. */
  days?: number;
  restart?: boolean;
}

/** Throws the fix-it error for an uninstalled or suspended installation. */
function refuseUnlessLive(installation: { accountLogin: string; deletedAt: Date | null; suspendedAt: Date | null }) {
  const stopped = installationStopReason(installation);
  if (stopped === "uninstalled") throw installationDeleted(installation.accountLogin);
  if (stopped === "suspended") throw installationSuspended(installation.accountLogin);
}

/**
 * Queues a sync of one repository (Sync now, Re-run backfill, Extend history). One sync job per
 * repository: when one is already queued or running, nothing new is created and its state is returned.
 */
export async function requestRepositorySync(request: SyncRequest): Promise<EnqueueResult> {
  const found = await getRepositoryWithInstallation(request.db, request.repositoryId);
  if (!found) throw repositoryNotFound(request.repositoryId);
  const { repository, installation } = found;
  refuseUnlessLive(installation);
  if (!repository.active) throw repositoryInactive(repository.fullName);
  const data: RepositorySyncJobData = {
    repositoryId: repository.id,
    installationId: installation.id,
    // A repository whose first sync never finished has no mark to catch up from: it gets its backfill.
    kind: request.kind === "catch-up" && !repository.lastSyncedAt ? "backfill" : request.kind,
    ...(request.days !== undefined ? { days: request.days } : {}),
    ...(request.restart ? { restart: true } : {}),
  };
  return request.queue.enqueue("repository.sync", data);
}

/**
 * Sync all: one fan-out job that queues a catch-up (or the unfinished backfill) for every active
 * repository of the installation, so the request returns at once for any number of repositories.
 */
export async function requestInstallationSync(options: {
  db: Database;
  queue: JobQueue;
  installationId: number;
}): Promise<EnqueueResult> {
  const installation = await getInstallation(options.db, options.installationId);
  if (!installation) throw installationDeleted(String(options.installationId));
  refuseUnlessLive(installation);
  const data: RepositoryFanOutJobData = { installationId: installation.id, repositoryIds: "all", kind: "catch-up" };
  return options.queue.enqueue("repositories.fan-out", data);
}

/**
 * Queues a sync for each of the given repositories (or every active one) of an installation, skipping
 * those that were removed in the meantime. A repository that already has a sync queued or running keeps it.
 */
export async function fanOutSyncs(options: {
  db: Database;
  queue: JobQueue;
  installationId: number;
  repositoryIds: number[] | "all";
  kind: SyncKind;
}): Promise<{ queued: number; alreadyQueued: number; skipped: number }> {
  const ids =
    options.repositoryIds === "all"
      ? (await listSyncableRepositories(options.db, options.installationId)).map((r) => r.repository.id)
      : options.repositoryIds;
  const summary = { queued: 0, alreadyQueued: 0, skipped: 0 };
  for (const repositoryId of ids) {
    try {
      const result = await requestRepositorySync({
        db: options.db,
        queue: options.queue,
        repositoryId,
        kind: options.kind,
      });
      if (result.created) summary.queued += 1;
      else summary.alreadyQueued += 1;
    } catch (error) {
      if (!(error instanceof RepositoryError)) throw error;
      summary.skipped += 1;
    }
  }
  return summary;
}
