import { sendCompletionEmailTask } from "../modules/emails/tasks/send-completion-email.task.js";
import { computeInsightsTask } from "../modules/insights/tasks/compute-insights.task.js";
import type { Runtime } from "../runtime.js";
import type { AnyJobDefinition } from "./job-definition.js";

/** The one list of every background job pr-sync runs. */
export function jobDefinitions(runtime: Runtime): AnyJobDefinition[] {
  return [computeInsightsTask(runtime), sendCompletionEmailTask(runtime)];
}
