import { bigint, bigserial, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const syncRuns = pgTable(
  "sync_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    installationId: bigint("installation_id", { mode: "number" }).notNull(),
    repositoryId: bigint("repository_id", { mode: "number" }),
    kind: text("kind").$type<"backfill" | "catch-up" | "members">().notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    outcome: text("outcome").$type<"complete" | "error" | "cancelled">(),
    prsWritten: integer("prs_written").notNull().default(0),
    reviewsWritten: integer("reviews_written").notNull().default(0),
    apiRequests: integer("api_requests").notNull().default(0),
    graphqlPoints: integer("graphql_points").notNull().default(0),
    error: text("error"),
  },
  (t) => [index("sync_runs_repository_idx").on(t.repositoryId, t.startedAt)],
);
