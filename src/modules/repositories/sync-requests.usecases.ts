import type { Database } from "../../db/client.js";
import { JOBS, type RepositorySyncJobData, type SyncKind } from "../../jobs/job-names.js";
import type { EnqueueResult, JobQueue } from "../../jobs/job-queue.js";
import {
  installationDeleted,
  installationSuspended,
  repositoryInactive,
  repositoryNotFound,
} from "./repositories.errors.js";
import { getRepositoryWithInstallation, listSyncableRepositories } from "./repositories.repository.js";

export interface SyncRequest {
  db: Database;
  queue: JobQueue;
  repositoryId: number;
  kind: SyncKind;
  /** With kind "backfill": extend stored history to this many days. */
  days?: number;
  restart?: boolean;
}

/**
 * Queues a sync of one repository (Sync now, Re-run backfill, Extend history). One sync job per
 * repository: when one is already queued or running, nothing new is created and its state is returned.
 */
export async function requestRepositorySync(request: SyncRequest): Promise<EnqueueResult> {
  const found = await getRepositoryWithInstallation(request.db, request.repositoryId);
  if (!found) throw repositoryNotFound(request.repositoryId);
  const { repository, installation } = found;
  if (installation.deletedAt) throw installationDeleted(installation.accountLogin);
  if (installation.suspendedAt) throw installationSuspended(installation.accountLogin);
  if (!repository.active) throw repositoryInactive(repository.fullName);
  const data: RepositorySyncJobData = {
    repositoryId: repository.id,
    installationId: installation.id,
    kind: request.kind,
    ...(request.days !== undefined ? { days: request.days } : {}),
    ...(request.restart ? { restart: true } : {}),
  };
  return request.queue.enqueue(JOBS.repositorySync, data);
}

/** Sync all: a catch-up for every active repository of one installation. */
export async function requestInstallationSync(options: {
  db: Database;
  queue: JobQueue;
  installationId: number;
}): Promise<{ repositoryId: number; result: EnqueueResult }[]> {
  const rows = (await listSyncableRepositories(options.db)).filter((r) => r.installation.id === options.installationId);
  const results = [];
  for (const { repository } of rows) {
    const kind: SyncKind = repository.lastSyncedAt ? "catch-up" : "backfill";
    results.push({
      repositoryId: repository.id,
      result: await requestRepositorySync({ db: options.db, queue: options.queue, repositoryId: repository.id, kind }),
    });
  }
  return results;
}
