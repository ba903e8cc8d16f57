import { and, inArray, isNotNull, lt } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { purgeDeliveriesBefore } from "../deliveries/deliveries.repository.js";
import { syncRuns } from "../sync-runs/sync-runs.table.js";
import { installations } from "./installations.table.js";

/** Delivery ids are kept a week: GitHub lets deliveries be redelivered for a few days. */
const DELIVERY_RETENTION_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * Deletes installations uninstalled more than `retentionDays` ago with everything they own
 * (repositories, pull requests, reviews, members, insights cascade), and old delivery ids.
 */
export async function purgeExpiredData(options: { db: Database; now: Date; retentionDays: number }) {
  const cutoff = new Date(options.now.getTime() - options.retentionDays * DAY_MS);
  const removed = await options.db
    .delete(installations)
    .where(and(isNotNull(installations.deletedAt), lt(installations.deletedAt, cutoff)))
    .returning({ id: installations.id });
  const ids = removed.map((r) => r.id);
  if (ids.length > 0) await options.db.delete(syncRuns).where(inArray(syncRuns.installationId, ids));
  const deliveries = await purgeDeliveriesBefore(
    options.db,
    new Date(options.now.getTime() - DELIVERY_RETENTION_DAYS * DAY_MS),
  );
  return { installations: ids.length, deliveries };
}
