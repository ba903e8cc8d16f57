import { bigint, boolean, index, integer, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";
import { installations } from "../installations/installations.table.js";

export type SyncStatus = "pending" | "syncing" | "paused" | "complete" | "error";
export type SyncKind = "backfill" | "catch-up";

export const repositories = pgTable(
  "repositories",
  {
    id: bigint("id", { mode: "number" }).primaryKey(),
    installationId: bigint("installation_id", { mode: "number" })
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    fullName: text("full_name").notNull(),
    private: boolean("private").notNull().default(false),
    archived: boolean("archived").notNull().default(false),
    active: boolean("active").notNull().default(true),
    status: text("status").$type<SyncStatus>().notNull().default("pending"),
    syncKind: text("sync_kind").$type<SyncKind>(),
    syncStartedAt: timestamp("sync_started_at", { withTimezone: true }),
    syncCompletedAt: timestamp("sync_completed_at", { withTimezone: true }),
    /** High-water mark: the start time of the last successful sync. */
    lastSyncedAt: timestamp("last_synced_at", { withTimezone: true }),
    /** The oldest updated_at that stored history is complete back to. */
    historySince: timestamp("history_since", { withTimezone: true }),
    /** The window the current or last sync run covers: from windowStart (older) to windowEnd (newer). */
    windowStart: timestamp("window_start", { withTimezone: true }),
    windowEnd: timestamp("window_end", { withTimezone: true }),
    /** How far back (updated_at) the current run has reached. */
    reachedAt: timestamp("reached_at", { withTimezone: true }),
    prsSynced: integer("prs_synced").notNull().default(0),
    reviewsSynced: integer("reviews_synced").notNull().default(0),
    pagesFetched: integer("pages_fetched").notNull().default(0),
    cursor: text("cursor"),
    pageSize: integer("page_size"),
    apiRequests: integer("api_requests").notNull().default(0),
    apiPoints: integer("api_points").notNull().default(0),
    lastRunPoints: integer("last_run_points"),
    rateLimitRemaining: integer("rate_limit_remaining"),
    rateLimitResetAt: timestamp("rate_limit_reset_at", { withTimezone: true }),
    pausedUntil: timestamp("paused_until", { withTimezone: true }),
    lastProgressAt: timestamp("last_progress_at", { withTimezone: true }),
    lastError: text("last_error"),
    lastErrorCode: text("last_error_code"),
    /** Set when the first backfill finished (complete or error); the completion email waits for these. */
    initialSyncFinishedAt: timestamp("initial_sync_finished_at", { withTimezone: true }),
    /** Which completion-email batch this repository belongs to. */
    notificationBatch: text("notification_batch"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("repositories_installation_idx").on(t.installationId)],
);

/**
 * Per repository, a data version raised whenever one of its pull requests or reviews is written or deleted,
 * and its stored pull-request count: figures computed from its data stay valid while the version does.
 * Triggers (migrations 0003 and 0004) keep them, so no write path can forget. Each database connection adds
 * to its own stripe (its backend pid modulo 16) and readers sum the stripes: a sync's page transaction and a
 * webhook for the same repository then rarely wait on the same row, as they did on the repository row.
 */
export const repositoryDataCounts = pgTable(
  "repository_data_counts",
  {
    repositoryId: bigint("repository_id", { mode: "number" })
      .notNull()
      .references(() => repositories.id, { onDelete: "cascade" }),
    stripe: smallint("stripe").notNull(),
    dataVersion: bigint("data_version", { mode: "number" }).notNull().default(0),
    pullRequestCount: integer("pull_request_count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.repositoryId, t.stripe] })],
);
