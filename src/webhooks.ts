import type { Probot } from "probot";
import { registerInstallationWebhooks } from "./modules/installations/installations.webhooks.js";
import { handleDeliveryOnce } from "./modules/deliveries/deliveries.usecases.js";
import { registerMemberWebhooks } from "./modules/members/members.webhooks.js";
import { registerPullRequestWebhooks } from "./modules/pull-requests/pull-requests.webhooks.js";
import { installationWork } from "./modules/repositories/installation-repositories.usecases.js";
import { registerRepositoryWebhooks } from "./modules/repositories/repositories.webhooks.js";
import { trackedRepository } from "./modules/repositories/tracked-repository.usecases.js";
import type { Runtime } from "./runtime.js";

/** Runs a handler at most once per delivery id; shared by every module's webhooks. */
export type WebhookHandle = (context: { id: string; name: string }, handler: () => Promise<void>) => Promise<void>;

/** Subscribes every webhook handler of every module. */
export function registerWebhooks(app: Probot, runtime: Runtime): void {
  const handle: WebhookHandle = async (context, handler) => {
    try {
      const outcome = await handleDeliveryOnce(runtime, { id: context.id, event: context.name }, handler);
      runtime.metrics.webhookDeliveries.inc({ event: context.name, outcome });
    } catch (error) {
      runtime.metrics.webhookDeliveries.inc({ event: context.name, outcome: "failed" });
      throw error;
    }
  };
  // Signature mismatches and malformed bodies never reach a handler; Probot reports them here.
  app.webhooks.onError((error) => {
    const event = (error as { event?: { name?: string } }).event?.name ?? "unknown";
    runtime.metrics.webhookDeliveries.inc({ event, outcome: "rejected" });
  });
  registerInstallationWebhooks(app, { ...runtime, work: installationWork(runtime) }, handle);
  registerRepositoryWebhooks(app, runtime, handle);
  registerPullRequestWebhooks(app, runtime, handle, (repository) => trackedRepository(runtime, repository));
  registerMemberWebhooks(app, runtime, handle);
}
