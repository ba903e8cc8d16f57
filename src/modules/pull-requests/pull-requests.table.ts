import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { repositories } from "../repositories/repositories.table.js";

export const pullRequests = pgTable(
  "pull_requests",
  {
    id: bigint("id", { mode: "number" }).primaryKey(),
    repositoryId: bigint("repository_id", { mode: "number" })
      .notNull()
      .references(() => repositories.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    authorLogin: text("author_login"),
    authorId: bigint("author_id", { mode: "number" }),
    authorType: text("author_type"),
    state: text("state").$type<"open" | "closed">().notNull(),
    draft: boolean("draft").notNull().default(false),
    merged: boolean("merged").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    mergedAt: timestamp("merged_at", { withTimezone: true }),
    additions: integer("additions"),
    deletions: integer("deletions"),
    changedFiles: integer("changed_files"),
    baseRef: text("base_ref").notNull(),
    headRef: text("head_ref").notNull(),
    url: text("url").notNull(),
    firstReviewAt: timestamp("first_review_at", { withTimezone: true }),
    syncedAt: timestamp("synced_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("pull_requests_repository_number_idx").on(t.repositoryId, t.number),
    index("pull_requests_repository_updated_idx").on(t.repositoryId, t.updatedAt),
  ],
);

export const reviews = pgTable(
  "reviews",
  {
    id: bigint("id", { mode: "number" }).primaryKey(),
    pullRequestId: bigint("pull_request_id", { mode: "number" })
      .notNull()
      .references(() => pullRequests.id, { onDelete: "cascade" }),
    reviewerLogin: text("reviewer_login"),
    reviewerId: bigint("reviewer_id", { mode: "number" }),
    state: text("state").notNull(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    syncedAt: timestamp("synced_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("reviews_pull_request_idx").on(t.pullRequestId)],
);
