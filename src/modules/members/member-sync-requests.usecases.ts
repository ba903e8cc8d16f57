import type { Database } from "../../db/client.js";
import type { MemberSyncJobData } from "./members.jobs.js";
import type { EnqueueResult, JobQueue } from "../../jobs/job-queue.js";
import { getInstallation, updateInstallation } from "../installations/installations.repository.js";
import { isInstallationLive } from "../installations/installations.models.js";

export type MemberSyncRequestResult =
  { outcome: "queued"; job: EnqueueResult } | { outcome: "not_applicable" | "installation_unavailable" };

/**
 * Queues a member sync for an organization installation; at most one is queued or running.
 * User-account installations have no members: nothing is queued and no API call is made.
 */
export async function requestMemberSync(options: {
  db: Database;
  queue: JobQueue;
  installationId: number;
  /** When the sync is due (default now): the daily catch-up spreads member syncs like repository syncs. */
  at?: Date;
}): Promise<MemberSyncRequestResult> {
  const installation = await getInstallation(options.db, options.installationId);
  if (!installation || !isInstallationLive(installation)) {
    return { outcome: "installation_unavailable" };
  }
  if (installation.accountType !== "Organization") {
    if (installation.memberSyncStatus !== "not_applicable") {
      await updateInstallation(options.db, installation.id, { memberSyncStatus: "not_applicable" });
    }
    return { outcome: "not_applicable" };
  }
  const data: MemberSyncJobData = { installationId: installation.id };
  const job = await options.queue.enqueue("members.sync", data, options.at ? { at: options.at } : {});
  return { outcome: "queued", job };
}
