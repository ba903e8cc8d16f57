import type { Database } from "../../db/client.js";
import type { RepositoryFanOutJobData, RepositorySyncJobData, SyncKind } from "./repositories.jobs.js";
import type { SyncStatus } from "./repositories.table.js";
import { getInstallation } from "../installations/installations.repository.js";
import type { EnqueueResult, JobQueue } from "../../jobs/job-queue.js";
import {
  installationDeleted,
  installationSuspended,
  repositoryInactive,
  repositoryNotFound,
} from "./repositories.errors.js";
import {
  getRepository,
  getRepositoryWithInstallation,
  listSyncableRepositories,
  type RepositoryRow,
} from "./repositories.repository.js";
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

/** How long a request waits for a run that has written its end to let go of its job. */
const ENDING_RUN_WAIT_MS = 2_000;

/**
 * Queues a sync of one repository (Sync now, Re-run backfill, Extend history). One sync job per
 * repository: when one is already queued or running, nothing new is created and its state is returned.
 * A run that has already written its end (complete, error, paused) still holds its job until Agenda records
 * that end, a round trip or more later: a request asked for on that result waits for it and then queues,
 * instead of being told that a sync runs which is about to stop.
 */
export async function requestRepositorySync(request: SyncRequest): Promise<EnqueueResult> {
  const found = await getRepositoryWithInstallation(request.db, request.repositoryId);
  if (!found) throw repositoryNotFound(request.repositoryId);
  const { repository, installation } = found;
  refuseUnlessLive(installation);
  if (!repository.active) throw repositoryInactive(repository.fullName);
  const data = syncJobData(repository, request);
  const result = await request.queue.enqueue("repository.sync", data);
  if (result.created || !result.running) return result;
  const now = await getRepository(request.db, repository.id);
  if (!now || !hasWrittenItsEnd(now.status)) return result;
  await request.queue.waitUntilUnlocked(result.jobId, ENDING_RUN_WAIT_MS);
  return request.queue.enqueue("repository.sync", data);
}

const hasWrittenItsEnd = (status: SyncStatus) => status === "complete" || status === "error" || status === "paused";

function syncJobData(
  repository: RepositoryRow,
  request: Pick<SyncRequest, "kind" | "days" | "restart">,
): RepositorySyncJobData {
  return {
    repositoryId: repository.id,
    installationId: repository.installationId,
    // A repository whose first sync never finished has no mark to catch up from: it gets its backfill.
    kind: request.kind === "catch-up" && !repository.lastSyncedAt ? "backfill" : request.kind,
    ...(request.days !== undefined ? { days: request.days } : {}),
    ...(request.restart ? { restart: true } : {}),
  };
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
 * The syncs of one installation are queued as one batch: a daily catch-up queues thousands.
 */
export async function fanOutSyncs(options: {
  db: Database;
  queue: JobQueue;
  installationId: number;
  repositoryIds: number[] | "all";
  kind: SyncKind;
}): Promise<{ queued: number; alreadyQueued: number; skipped: number }> {
  const given = options.repositoryIds === "all" ? "all" : [...new Set(options.repositoryIds)];
  if (given !== "all" && given.length === 0) return { queued: 0, alreadyQueued: 0, skipped: 0 };
  const found = await listSyncableRepositories(
    options.db,
    given === "all" ? { installationId: options.installationId } : { repositoryIds: given },
  );
  const summary = {
    queued: 0,
    alreadyQueued: 0,
    // Given, but removed, or of an installation uninstalled or suspended, in the meantime.
    skipped: given === "all" ? 0 : given.length - found.length,
  };
  // Admission is per installation; a repository moved to another installation is queued under its new one.
  const byInstallation = new Map<number, typeof found>();
  for (const row of found) {
    const rows = byInstallation.get(row.repository.installationId) ?? [];
    rows.push(row);
    byInstallation.set(row.repository.installationId, rows);
  }
  for (const rows of byInstallation.values()) {
    const results = await options.queue.enqueueMany(
      "repository.sync",
      rows.map((row) => syncJobData(row.repository, { kind: options.kind })),
    );
    for (const result of results) {
      if (result.created) summary.queued += 1;
      else summary.alreadyQueued += 1;
    }
  }
  return summary;
}
