import type { Database } from "../../db/client.js";
import {
  queryInsightsFigures,
  querySlowestMerges,
  repositoryExists,
  upsertInsights,
  type InsightsRow,
  type InsightsTotals,
  type SlowestMerge,
} from "./insights.repository.js";

const DAY_MS = 24 * 60 * 60 * 1000;
export const TOP_REVIEWERS = 5;

export interface InsightsHeadline extends InsightsTotals {
  windowStart: Date;
  windowEnd: Date;
  windowDays: number;
  /** Per repository, the merged pull request that took longest. */
  slowestMerges: SlowestMerge[];
}

function windowOf(now: Date, windowDays: number) {
  return { windowStart: new Date(now.getTime() - windowDays * DAY_MS), windowEnd: now };
}

/**
 * Computes a repository's insights for the last `windowDays` days and stores them (one row per repository,
 * replaced on every run). Returns undefined when the repository is no longer tracked.
 */
export async function computeRepositoryInsights(options: {
  db: Database;
  repositoryId: number;
  now: Date;
  windowDays: number;
}): Promise<InsightsRow | undefined> {
  const { db, repositoryId, now, windowDays } = options;
  if (!(await repositoryExists(db, repositoryId))) return undefined;
  const window = { repositoryIds: [repositoryId], ...windowOf(now, windowDays) };
  const { totals, weekly, reviewers } = await queryInsightsFigures(db, window);
  const row: InsightsRow = {
    repositoryId,
    windowStart: window.windowStart,
    windowEnd: window.windowEnd,
    ...totals,
    topReviewers: reviewers.slice(0, TOP_REVIEWERS),
    weekly,
    computedAt: now,
  };
  await upsertInsights(db, row, now);
  return row;
}

/**
 * The headline numbers (counts, median cycle time, median time to first review) across one or more
 * repositories. Computed from the stored pull requests and reviews rather than from the insights rows:
 * medians of several repositories cannot be combined from their own medians, and a caller right after a
 * sync need not wait for the insights job.
 */
export async function readInsightsHeadline(options: {
  db: Database;
  repositoryIds: number[];
  now: Date;
  windowDays: number;
}): Promise<InsightsHeadline> {
  const { db, repositoryIds, now, windowDays } = options;
  const window = { repositoryIds, ...windowOf(now, windowDays) };
  const [{ totals }, slowestMerges] = await Promise.all([
    queryInsightsFigures(db, window),
    querySlowestMerges(db, window),
  ]);
  return { ...totals, windowStart: window.windowStart, windowEnd: window.windowEnd, windowDays, slowestMerges };
}

/** Weeks shown once history was extended beyond the first sync's window. */
export const EXTENDED_WINDOW_DAYS = 84;

/**
 * The window insights cover: the first sync's `backfillDays`, or 12 weeks when stored history reaches
 * further back than that (history was extended), so the longer history shows.
 */
export function insightsWindowDays(historySince: Date | null, backfillDays: number, now: Date): number {
  if (!historySince) return backfillDays;
  const storedDays = (now.getTime() - historySince.getTime()) / DAY_MS;
  return storedDays > backfillDays + 1 ? Math.max(backfillDays, EXTENDED_WINDOW_DAYS) : backfillDays;
}

/** Everything the insights page charts: the window's totals, each ISO week, and reviews per reviewer. */
export async function readInsightsReport(options: {
  db: Database;
  repositoryIds: number[];
  now: Date;
  windowDays: number;
  reviewers: number;
}) {
  const { db, repositoryIds, now, windowDays } = options;
  const window = { repositoryIds, ...windowOf(now, windowDays) };
  const { totals, weekly, reviewers } = await queryInsightsFigures(db, window);
  return {
    ...totals,
    windowStart: window.windowStart,
    windowEnd: window.windowEnd,
    windowDays,
    weekly,
    reviewers: reviewers.slice(0, options.reviewers),
  };
}
