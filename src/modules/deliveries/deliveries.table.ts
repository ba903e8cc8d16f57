import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Webhook deliveries already handled, by X-GitHub-Delivery, so a redelivery is recognised. */
export const webhookDeliveries = pgTable("webhook_deliveries", {
  id: text("id").primaryKey(),
  event: text("event").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});
