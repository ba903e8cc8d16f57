import type { Logger } from "pino";
import type { Database } from "../../db/client.js";
import { claimDelivery, releaseDelivery } from "./deliveries.repository.js";

/**
 * Runs a webhook handler once per X-GitHub-Delivery. The delivery id is claimed with one insert
 * before the handler runs (a redelivery finds it taken), and released again if the handler fails, so
 * GitHub's redelivery of a failed delivery is applied. The handlers are idempotent upserts besides.
 */
export async function handleDeliveryOnce(
  deps: { db: Database; log: Logger },
  delivery: { id: string; event: string },
  handler: () => Promise<void>,
): Promise<"handled" | "duplicate"> {
  if (!(await claimDelivery(deps.db, delivery.id, delivery.event))) {
    deps.log.info({ delivery: delivery.id, event: delivery.event }, "duplicate webhook delivery skipped");
    return "duplicate";
  }
  try {
    await handler();
  } catch (error) {
    await releaseDelivery(deps.db, delivery.id).catch(() => {});
    throw error;
  }
  return "handled";
}
