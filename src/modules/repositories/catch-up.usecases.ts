import type { Database } from "../../db/client.js";
import type { RepositoryFanOutJobData } from "./repositories.jobs.js";
import type { JobQueue } from "../../jobs/job-queue.js";
import { listInstallations } from "../installations/installations.repository.js";
import { requestMemberSync } from "../members/member-sync-requests.usecases.js";
import { catchUpOffsetMs } from "./catch-up-spread.models.js";
import { fanOutSyncs } from "./sync-requests.usecases.js";
import { isInstallationLive } from "../installations/installations.models.js";

/**
 * The daily catch-up: a sync for every active repository of every live installation, and a member
 * sync for each organization. A repository whose first sync never finished gets its backfill; one
 * that already has a sync queued or running keeps it. With a spread, each installation's syncs are
 * queued by a fan-out job at its own offset in the window, and its member sync is due at the same offset, so a
 * fleet does not start in one burst.
 */
export async function catchUpEverything(deps: { db: Database; queue: JobQueue; now?: Date; spreadMs?: number }) {
  let queued = 0;
  let alreadyQueued = 0;
  let memberSyncs = 0;
  let scheduled = 0;
  for (const installation of await listInstallations(deps.db)) {
    if (!isInstallationLive(installation)) continue;
    const at =
      deps.spreadMs && deps.now
        ? new Date(deps.now.getTime() + catchUpOffsetMs(installation.id, deps.spreadMs))
        : undefined;
    if (at) {
      const data: RepositoryFanOutJobData = { installationId: installation.id, repositoryIds: "all", kind: "catch-up" };
      await deps.queue.enqueue("repositories.fan-out", data, { at });
      scheduled += 1;
    } else {
      const summary = await fanOutSyncs({
        ...deps,
        installationId: installation.id,
        repositoryIds: "all",
        kind: "catch-up",
      });
      queued += summary.queued;
      alreadyQueued += summary.alreadyQueued;
    }
    if (installation.accountType !== "Organization") continue;
    const result = await requestMemberSync({ ...deps, installationId: installation.id, ...(at ? { at } : {}) });
    if (result.outcome === "queued" && result.job.created) memberSyncs += 1;
  }
  return { queued, alreadyQueued, memberSyncs, scheduled };
}
