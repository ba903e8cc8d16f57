import { sendCompletionEmailTask } from "../modules/emails/tasks/send-completion-email.task.js";
import { computeInsightsTask } from "../modules/insights/tasks/compute-insights.task.js";
import { catchUpAllTask } from "../modules/repositories/tasks/catch-up-all.task.js";
import { repositoryFanOutTask } from "../modules/repositories/tasks/repository-fan-out.task.js";
import { repositorySyncTask } from "../modules/repositories/tasks/repository-sync.task.js";
import { memberSyncTask } from "../modules/members/tasks/member-sync.task.js";
import { discoverInstallationsTask } from "../modules/installations/tasks/discover-installations.task.js";
import { retentionPurgeTask } from "../modules/installations/tasks/retention-purge.task.js";
import type { Runtime } from "../runtime.js";
import type { AnyJobDefinition } from "./job-definition.js";
import { JOBS } from "./job-names.js";

/** The one list of every background job pr-sync runs. */
export function jobDefinitions(runtime: Runtime): AnyJobDefinition[] {
  return [
    repositorySyncTask(runtime),
    repositoryFanOutTask(runtime),
    catchUpAllTask(runtime),
    memberSyncTask(runtime),
    retentionPurgeTask(runtime),
    discoverInstallationsTask(runtime),
    computeInsightsTask(runtime),
    sendCompletionEmailTask(runtime),
  ];
}

/** Recurring jobs, in UTC. Agenda keeps one row per name, so every instance may call this. */
export async function scheduleRecurringJobs(runtime: Runtime, options: { discoverNow: boolean }): Promise<void> {
  await runtime.queue.agenda.every(
    runtime.config.SYNC_CRON,
    JOBS.catchUpAll,
    {},
    { timezone: "UTC", skipImmediate: true },
  );
  await runtime.queue.agenda.every("30 3 * * *", JOBS.retentionPurge, {}, { timezone: "UTC", skipImmediate: true });
  // Once at start (unique, so several instances starting together queue one) and daily before the catch-up.
  if (options.discoverNow) await runtime.queue.enqueue(JOBS.discoverInstallations, { reason: "start" });
  await runtime.queue.agenda.every(
    "45 3 * * *",
    JOBS.discoverInstallations,
    { reason: "daily" },
    { timezone: "UTC", skipImmediate: true },
  );
}
