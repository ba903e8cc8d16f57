import { sendCompletionEmailTask } from "../modules/emails/tasks/send-completion-email.task.js";
import { computeInsightsTask } from "../modules/insights/tasks/compute-insights.task.js";
import { catchUpAllTask } from "../modules/repositories/tasks/catch-up-all.task.js";
import { repositoryFanOutTask } from "../modules/repositories/tasks/repository-fan-out.task.js";
import { installationWork } from "../modules/repositories/installation-repositories.usecases.js";
import { repositorySyncTask } from "../modules/repositories/tasks/repository-sync.task.js";
import { memberSyncTask } from "../modules/members/tasks/member-sync.task.js";
import { discoverInstallationsTask } from "../modules/installations/tasks/discover-installations.task.js";
import { retentionPurgeTask } from "../modules/installations/tasks/retention-purge.task.js";
import type { Runtime } from "../runtime.js";
import type { AnyJobDefinition, JobDefinition } from "./job-definition.js";
import type { JobName } from "./job-registry.js";

/** Every registered job name with the task that defines it: the compiler rejects a name left out or a task whose data differs. */
const TASKS: { [Name in JobName]: (runtime: Runtime) => JobDefinition<Name> } = {
  "repository.sync": repositorySyncTask,
  "repositories.fan-out": repositoryFanOutTask,
  "catch-up.all": catchUpAllTask,
  "members.sync": memberSyncTask,
  "retention.purge": retentionPurgeTask,
  "installations.discover": (runtime) => discoverInstallationsTask(runtime, installationWork(runtime)),
  "insights.compute": computeInsightsTask,
  "email.completion": sendCompletionEmailTask,
};

/** The one list of every background job pr-sync runs. */
export function jobDefinitions(runtime: Runtime): AnyJobDefinition[] {
  return Object.values(TASKS).map((task) => task(runtime));
}

/** Recurring jobs, in UTC. Agenda keeps one row per name, so every instance may call this. */
export async function scheduleRecurringJobs(runtime: Runtime, options: { discoverNow: boolean }): Promise<void> {
  await runtime.queue.every(runtime.config.SYNC_CRON, "catch-up.all", {});
  await runtime.queue.every("30 3 * * *", "retention.purge", {});
  // Once at start (unique, so several instances starting together queue one) and daily before the catch-up.
  if (options.discoverNow) await runtime.queue.enqueue("installations.discover", { reason: "start" });
  await runtime.queue.every("45 3 * * *", "installations.discover", { reason: "daily" });
}
