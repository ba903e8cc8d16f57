import { eq, lt } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { webhookDeliveries } from "./deliveries.table.js";

/** Records a delivery id; false when it was already recorded (a redelivery or a concurrent duplicate). */
export async function claimDelivery(db: Database, id: string, event: string): Promise<boolean> {
  const rows = await db
    .insert(webhookDeliveries)
    .values({ id, event })
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id });
  return rows.length === 1;
}

export async function releaseDelivery(db: Database, id: string): Promise<void> {
  await db.delete(webhookDeliveries).where(eq(webhookDeliveries.id, id));
}

export async function purgeDeliveriesBefore(db: Database, before: Date): Promise<number> {
  const rows = await db
    .delete(webhookDeliveries)
    .where(lt(webhookDeliveries.receivedAt, before))
    .returning({ id: webhookDeliveries.id });
  return rows.length;
}
