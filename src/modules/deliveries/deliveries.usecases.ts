import type { Logger } from "pino";
import type { Database } from "../../db/client.js";
import { isDeliveryRecorded, recordDelivery } from "./deliveries.repository.js";

/**
 * Runs a webhook handler once per X-GitHub-Delivery. The delivery is recorded only after the handler
 * succeeded, so a delivery that failed half-way is applied again when GitHub redelivers it; the
 * handlers themselves are idempotent upserts, so a concurrent duplicate is harmless too.
 */
export async function handleDeliveryOnce(
  deps: { db: Database; log: Logger },
  delivery: { id: string; event: string },
  handler: () => Promise<void>,
): Promise<"handled" | "duplicate"> {
  if (await isDeliveryRecorded(deps.db, delivery.id)) {
    deps.log.info({ delivery: delivery.id, event: delivery.event }, "duplicate webhook delivery skipped");
    return "duplicate";
  }
  await handler();
  await recordDelivery(deps.db, delivery.id, delivery.event);
  return "handled";
}
