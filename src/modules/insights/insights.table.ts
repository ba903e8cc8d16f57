import { bigint, doublePrecision, integer, jsonb, pgTable, timestamp } from "drizzle-orm/pg-core";
import { repositories } from "../repositories/repositories.table.js";

/** The figures of a window of pull requests: the totals over a whole window, and each week's. */
export interface InsightsTotals {
  opened: number;
  merged: number;
  closedUnmerged: number;
  medianCycleHours: number | null;
  p90CycleHours: number | null;
  medianFirstReviewHours: number | null;
  reviews: number;
}

export interface WeeklyInsight extends InsightsTotals {
  week: string;
}

export const insights = pgTable("insights", {
  repositoryId: bigint("repository_id", { mode: "number" })
    .primaryKey()
    .references(() => repositories.id, { onDelete: "cascade" }),
  windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
  windowEnd: timestamp("window_end", { withTimezone: true }).notNull(),
  opened: integer("opened").notNull(),
  merged: integer("merged").notNull(),
  closedUnmerged: integer("closed_unmerged").notNull(),
  medianCycleHours: doublePrecision("median_cycle_hours"),
  p90CycleHours: doublePrecision("p90_cycle_hours"),
  medianFirstReviewHours: doublePrecision("median_first_review_hours"),
  reviews: integer("reviews").notNull(),
  topReviewers: jsonb("top_reviewers").$type<{ login: string; reviews: number }[]>().notNull(),
  weekly: jsonb("weekly").$type<WeeklyInsight[]>().notNull(),
  computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
});
