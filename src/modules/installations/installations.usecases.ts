import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Database } from "../../db/client.js";
import type { JobQueue } from "../../jobs/job-queue.js";
import {
  getInstallation,
  updateInstallation,
  upsertInstallation,
  type InstallationAccount,
} from "./installations.repository.js";
import { isInstallationLive, type TrackedRepository } from "./installations.models.js";

/**
 * The work an installation's lifecycle hands to the modules that do it (repositories, members); passed in,
 * so this module imports neither of them. Backfills and cancellations go through the job queue by name.
 */
export interface InstallationWork {
  /** Records repositories as active under an email batch; returns the ids that need a backfill. */
  trackRepositories: (installationId: number, repositories: TrackedRepository[], batchKey: string) => Promise<number[]>;
  /** The installation is gone: its repositories become inactive. */
  retireRepositories: (installationId: number) => Promise<void>;
  /** The installation is suspended: its unfinished repositories wait, saying why. */
  pauseRepositories: (installationId: number) => Promise<void>;
  removeRepositories: (repositoryIds: number[]) => Promise<void>;
  requestMemberSync: (installationId: number) => Promise<void>;
}

export interface LifecycleDeps {
  db: Database;
  queue: JobQueue;
  log: Logger;
  now: () => Date;
  work: InstallationWork;
}

/** A new batch key: every repository tracked by one event shares it, and gets one completion email. */
function newBatch(installationId: number): string {
  return `${installationId}:${randomUUID()}`;
}

/** Queues the backfills in one job: an installation can hold thousands of repositories, and GitHub waits 10 s. */
async function backfill(deps: LifecycleDeps, installationId: number, repositoryIds: number[]): Promise<void> {
  if (repositoryIds.length === 0) return;
  await deps.queue.enqueue("repositories.fan-out", { installationId, repositoryIds, kind: "backfill" });
}

/** installation.created: record the installation, track its repositories, queue their backfills and a member sync. */
export async function installationCreated(
  deps: LifecycleDeps,
  account: InstallationAccount,
  repositories: TrackedRepository[],
  suspended: boolean,
): Promise<void> {
  const installation = await upsertInstallation(deps.db, account, { suspendedAt: suspended ? deps.now() : null });
  const tracked = await deps.work.trackRepositories(installation.id, repositories, newBatch(installation.id));
  if (suspended) return;
  await backfill(deps, installation.id, tracked);
  await deps.work.requestMemberSync(installation.id);
}

/** Stops everything queued for an installation; running jobs stop at their next page by their own checks. */
async function cancelInstallationJobs(deps: LifecycleDeps, installationId: number): Promise<void> {
  await deps.queue.cancel("repositories.fan-out", { installationId });
  await deps.queue.cancel("repository.sync", { installationId });
  await deps.queue.cancel("members.sync", { installationId });
}

/** installation.deleted: no more work; data stays for RETENTION_DAYS and is then purged. */
export async function installationDeleted(deps: LifecycleDeps, installationId: number): Promise<void> {
  if (!(await getInstallation(deps.db, installationId))) return;
  await updateInstallation(deps.db, installationId, { deletedAt: deps.now() });
  await deps.work.retireRepositories(installationId);
  await cancelInstallationJobs(deps, installationId);
}

/** installation.suspend: no GitHub calls at all until unsuspended. */
export async function installationSuspended(deps: LifecycleDeps, installationId: number): Promise<void> {
  if (!(await getInstallation(deps.db, installationId))) return;
  await updateInstallation(deps.db, installationId, { suspendedAt: deps.now() });
  await cancelInstallationJobs(deps, installationId);
  await deps.work.pauseRepositories(installationId);
}

/** installation.unsuspend: resume every repository from its high-water mark (or its backfill cursor). */
export async function installationUnsuspended(deps: LifecycleDeps, installationId: number): Promise<void> {
  if (!(await getInstallation(deps.db, installationId))) return;
  await updateInstallation(deps.db, installationId, { suspendedAt: null });
  // A catch-up of a repository whose first sync never finished resumes its backfill.
  await deps.queue.enqueue("repositories.fan-out", { installationId, repositoryIds: "all", kind: "catch-up" });
  await deps.work.requestMemberSync(installationId);
}

/** installation.new_permissions_accepted: record them; members: read now granted starts a member sync. */
export async function installationPermissionsAccepted(
  deps: LifecycleDeps,
  installationId: number,
  permissions: Record<string, string>,
): Promise<void> {
  const installation = await getInstallation(deps.db, installationId);
  if (!installation) return;
  await updateInstallation(deps.db, installationId, { permissions, permissionsAcceptedAt: deps.now() });
  if (permissions.members === "read" || permissions.members === "write") {
    await deps.work.requestMemberSync(installationId);
  }
}

/** installation_repositories.added: track and backfill, as one new email batch. */
export async function repositoriesAdded(
  deps: LifecycleDeps,
  installationId: number,
  repositories: TrackedRepository[],
  repositorySelection?: "all" | "selected",
): Promise<void> {
  const installation = await getInstallation(deps.db, installationId);
  if (!installation) {
    deps.log.warn({ installationId }, "repositories added to an installation pr-sync does not know; ignored");
    return;
  }
  if (repositorySelection && repositorySelection !== installation.repositorySelection) {
    await updateInstallation(deps.db, installationId, { repositorySelection });
  }
  const tracked = await deps.work.trackRepositories(installationId, repositories, newBatch(installationId));
  if (isInstallationLive(installation)) await backfill(deps, installationId, tracked);
}

/** installation_repositories.removed: inactive, queued work cancelled. */
export async function repositoriesRemoved(deps: LifecycleDeps, repositoryIds: number[]): Promise<void> {
  await deps.work.removeRepositories(repositoryIds);
}
