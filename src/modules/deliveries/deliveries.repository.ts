import { eq, lt } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { webhookDeliveries } from "./deliveries.table.js";

export async function isDeliveryRecorded(db: Database, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.id, id));
  return row !== undefined;
}

export async function recordDelivery(db: Database, id: string, event: string): Promise<void> {
  await db.insert(webhookDeliveries).values({ id, event }).onConflictDoNothing();
}

export async function purgeDeliveriesBefore(db: Database, before: Date): Promise<number> {
  const rows = await db
    .delete(webhookDeliveries)
    .where(lt(webhookDeliveries.receivedAt, before))
    .returning({ id: webhookDeliveries.id });
  return rows.length;
}
