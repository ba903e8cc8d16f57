import { eq, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { preparedFor } from "../../db/prepared.js";
import { webhookDeliveries } from "./deliveries.table.js";

/** Records a delivery id; false when it was already recorded (a redelivery or a concurrent duplicate). */
export async function claimDelivery(db: Database, id: string, event: string): Promise<boolean> {
  const rows = await claimStatement(db).execute({ id, event });
  return rows.length === 1;
}

const claimStatement = preparedFor((db: Database) =>
  db
    .insert(webhookDeliveries)
    .values({ id: sql.placeholder("id"), event: sql.placeholder("event") })
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id })
    .prepare("claim_webhook_delivery"),
);

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
