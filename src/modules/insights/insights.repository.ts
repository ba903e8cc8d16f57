import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { insights, type InsightsTotals, type WeeklyInsight } from "./insights.table.js";

export type InsightsRow = typeof insights.$inferSelect;
export type InsightsValues = Omit<typeof insights.$inferInsert, "computedAt">;

export interface InsightsWindow {
  repositoryIds: number[];
  windowStart: Date;
  windowEnd: Date;
}

export type { InsightsTotals };

export interface SlowestMerge {
  repositoryId: number;
  number: number;
  title: string;
  url: string;
  cycleHours: number;
}

/**
 * The pull requests of the repositories and, per review, whether it is by someone other than the author.
 * A review counts as the author's own when ids match, or logins match where an id is missing (ghost users).
 */
function scope(window: InsightsWindow): SQL {
  const ids = `{${window.repositoryIds.map((id) => Math.trunc(id)).join(",")}}`;
  return sql`
    bounds AS (
      SELECT ${window.windowStart.toISOString()}::timestamptz AS s, ${window.windowEnd.toISOString()}::timestamptz AS e
    ),
    prs AS (
      SELECT p.id, p.number, p.title, p.url, p.repository_id, p.state, p.created_at, p.merged_at, p.closed_at,
             p.author_id, p.author_login
        FROM pull_requests p
       WHERE p.repository_id = ANY(${ids}::bigint[])
    ),
    peer_reviews AS (
      SELECT r.id, r.pull_request_id, r.reviewer_login, r.submitted_at
        FROM reviews r
        JOIN prs p ON p.id = r.pull_request_id
       WHERE r.submitted_at IS NOT NULL
         AND NOT COALESCE(r.reviewer_id = p.author_id, r.reviewer_login = p.author_login, false)
    ),
    first_reviews AS (
      SELECT p.id, p.created_at, min(r.submitted_at) AS first_review_at
        FROM prs p
        JOIN peer_reviews r ON r.pull_request_id = p.id
       GROUP BY p.id, p.created_at
    )`;
}

const hours = (later: SQL, earlier: SQL) => sql`(extract(epoch FROM (${later} - ${earlier})) / 3600.0)::float8`;
const within = (column: SQL) => sql`${column} >= (SELECT s FROM bounds) AND ${column} <= (SELECT e FROM bounds)`;
/** ISO weeks are computed in UTC so a week means the same thing on every server. */
const weekOf = (column: SQL) => sql`date_trunc('week', ${column} AT TIME ZONE 'UTC')`;

function totalsSelect(): SQL {
  const created = sql`created_at`;
  const merged = sql`merged_at`;
  const closed = sql`closed_at`;
  const submitted = sql`submitted_at`;
  return sql`
    (SELECT count(*)::int FROM prs WHERE ${within(created)}) AS opened,
    (SELECT count(*)::int FROM prs WHERE ${within(merged)}) AS merged,
    (SELECT count(*)::int FROM prs
      WHERE merged_at IS NULL AND state = 'closed' AND ${within(closed)}) AS closed_unmerged,
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ${hours(merged, created)})
       FROM prs WHERE ${within(merged)}) AS median_cycle_hours,
    (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY ${hours(merged, created)})
       FROM prs WHERE ${within(merged)}) AS p90_cycle_hours,
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ${hours(sql`first_review_at`, created)})
       FROM first_reviews WHERE ${within(created)}) AS median_first_review_hours,
    (SELECT count(*)::int FROM peer_reviews WHERE ${within(submitted)}) AS reviews`;
}

interface TotalsRecord extends Record<string, unknown> {
  opened: number;
  merged: number;
  closed_unmerged: number;
  median_cycle_hours: number | null;
  p90_cycle_hours: number | null;
  median_first_review_hours: number | null;
  reviews: number;
}

function toTotals(row: TotalsRecord): InsightsTotals {
  return {
    opened: row.opened,
    merged: row.merged,
    closedUnmerged: row.closed_unmerged,
    medianCycleHours: row.median_cycle_hours,
    p90CycleHours: row.p90_cycle_hours,
    medianFirstReviewHours: row.median_first_review_hours,
    reviews: row.reviews,
  };
}

/**
 * Counts and percentiles over the window: opened, merged and closed-unmerged by the time each happened,
 * cycle time of PRs merged in the window, time to first review of PRs opened in it, reviews submitted in it.
 */
export async function queryInsightsTotals(db: Database, window: InsightsWindow): Promise<InsightsTotals> {
  if (window.repositoryIds.length === 0) return toTotals(emptyTotalsRecord());
  const result = await db.execute<TotalsRecord>(sql`WITH ${scope(window)} SELECT ${totalsSelect()}`);
  return toTotals(result.rows[0] ?? emptyTotalsRecord());
}

function emptyTotalsRecord(): TotalsRecord {
  return {
    opened: 0,
    merged: 0,
    closed_unmerged: 0,
    median_cycle_hours: null,
    p90_cycle_hours: null,
    median_first_review_hours: null,
    reviews: 0,
  };
}

/**
 * The same numbers per ISO week (UTC, Monday first), every week the window touches, empty ones included.
 * Each measure is grouped by week in one pass over the scope, so a long window of a large installation
 * costs a handful of scans rather than one per week and measure.
 */
export async function queryWeeklyInsights(db: Database, window: InsightsWindow): Promise<WeeklyInsight[]> {
  const created = sql`created_at`;
  const merged = sql`merged_at`;
  const result = await db.execute<TotalsRecord & { week: string }>(sql`
    WITH ${scope(window)},
    weeks AS (
      SELECT generate_series(
        ${weekOf(sql`(SELECT s FROM bounds)`)},
        ${weekOf(sql`(SELECT e FROM bounds)`)},
        interval '1 week') AS week_start
    ),
    opened AS (
      SELECT ${weekOf(created)} AS w, count(*)::int AS n FROM prs WHERE ${within(created)} GROUP BY 1
    ),
    merges AS (
      SELECT ${weekOf(merged)} AS w, count(*)::int AS n,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ${hours(merged, created)}) AS median,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY ${hours(merged, created)}) AS p90
        FROM prs WHERE ${within(merged)} GROUP BY 1
    ),
    closes AS (
      SELECT ${weekOf(sql`closed_at`)} AS w, count(*)::int AS n
        FROM prs WHERE merged_at IS NULL AND state = 'closed' AND ${within(sql`closed_at`)} GROUP BY 1
    ),
    firsts AS (
      SELECT ${weekOf(created)} AS w,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ${hours(sql`first_review_at`, created)}) AS median
        FROM first_reviews WHERE ${within(created)} GROUP BY 1
    ),
    peer AS (
      SELECT ${weekOf(sql`submitted_at`)} AS w, count(*)::int AS n
        FROM peer_reviews WHERE ${within(sql`submitted_at`)} GROUP BY 1
    )
    SELECT to_char(wk.week_start, 'IYYY-"W"IW') AS week,
           coalesce(o.n, 0) AS opened,
           coalesce(m.n, 0) AS merged,
           coalesce(c.n, 0) AS closed_unmerged,
           m.median AS median_cycle_hours,
           m.p90 AS p90_cycle_hours,
           f.median AS median_first_review_hours,
           coalesce(r.n, 0) AS reviews
      FROM weeks wk
      LEFT JOIN opened o ON o.w = wk.week_start
      LEFT JOIN merges m ON m.w = wk.week_start
      LEFT JOIN closes c ON c.w = wk.week_start
      LEFT JOIN firsts f ON f.w = wk.week_start
      LEFT JOIN peer r ON r.w = wk.week_start
     ORDER BY wk.week_start`);
  return result.rows.map((row) => {
    const totals = toTotals(row);
    return {
      week: row.week,
      opened: totals.opened,
      merged: totals.merged,
      closedUnmerged: totals.closedUnmerged,
      medianCycleHours: totals.medianCycleHours,
      p90CycleHours: totals.p90CycleHours,
      medianFirstReviewHours: totals.medianFirstReviewHours,
      reviews: totals.reviews,
    };
  });
}

/** Who reviewed most in the window (reviews of their own PRs and deleted accounts left out). */
export async function queryTopReviewers(
  db: Database,
  window: InsightsWindow,
  limit: number,
): Promise<{ login: string; reviews: number }[]> {
  if (window.repositoryIds.length === 0) return [];
  const result = await db.execute<{ login: string; reviews: number }>(sql`
    WITH ${scope(window)}
    SELECT reviewer_login AS login, count(*)::int AS reviews
      FROM peer_reviews
     WHERE reviewer_login IS NOT NULL AND ${within(sql`submitted_at`)}
     GROUP BY reviewer_login
     ORDER BY count(*) DESC, reviewer_login
     LIMIT ${limit}`);
  return result.rows.map((r) => ({ login: r.login, reviews: r.reviews }));
}

/** The pull request merged in the window that took longest from opening to merge, per repository. */
export async function querySlowestMerges(db: Database, window: InsightsWindow): Promise<SlowestMerge[]> {
  if (window.repositoryIds.length === 0) return [];
  const result = await db.execute<{
    repository_id: string | number;
    number: number;
    title: string;
    url: string;
    cycle_hours: number;
  }>(sql`
    WITH ${scope(window)}
    SELECT DISTINCT ON (repository_id) repository_id, number, title, url,
           ${hours(sql`merged_at`, sql`created_at`)} AS cycle_hours
      FROM prs
     WHERE ${within(sql`merged_at`)}
     ORDER BY repository_id, merged_at - created_at DESC, number`);
  return result.rows.map((r) => ({
    repositoryId: Number(r.repository_id),
    number: r.number,
    title: r.title,
    url: r.url,
    cycleHours: r.cycle_hours,
  }));
}

/** Stores a repository's insights; recomputing replaces the row. */
export async function upsertInsights(db: Database, values: InsightsValues, computedAt: Date): Promise<void> {
  const { repositoryId, ...rest } = values;
  void repositoryId;
  await db
    .insert(insights)
    .values({ ...values, computedAt })
    .onConflictDoUpdate({ target: insights.repositoryId, set: { ...rest, computedAt } });
}

/** Whether the repository is still tracked (insights of a deleted one are not computed). */
export async function repositoryExists(db: Database, repositoryId: number): Promise<boolean> {
  const result = await db.execute(sql`SELECT 1 FROM repositories WHERE id = ${repositoryId}`);
  return result.rows.length > 0;
}
