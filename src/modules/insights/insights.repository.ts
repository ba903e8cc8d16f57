import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { bigintArray } from "../../db/sql-arrays.js";
import { isPeerReview } from "../pull-requests/pull-requests.repository.js";
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

const hours = (later: SQL, earlier: SQL) => sql`(extract(epoch FROM (${later} - ${earlier})) / 3600.0)::float8`;
const within = (column: SQL) => sql`${column} >= (SELECT s FROM bounds) AND ${column} <= (SELECT e FROM bounds)`;
/** ISO weeks are computed in UTC so a week means the same thing on every server. */
const weekOf = (column: SQL) => sql`date_trunc('week', ${column} AT TIME ZONE 'UTC')`;

interface FigureRecord extends Record<string, unknown> {
  kind: "week" | "opened" | "merged" | "closed" | "review";
  level: "week" | "window" | "reviewer";
  /** The ISO week label of a per-week row. */
  week: string | null;
  reviewer: string | null;
  n: number;
  median: number | null;
  p90: number | null;
}

/** The window's figures: its totals, each ISO week it touches (empty ones included) and reviews per reviewer. */
export interface InsightsFigures {
  totals: InsightsTotals;
  weekly: WeeklyInsight[];
  reviewers: { login: string; reviews: number }[];
}

/** One measure per week and over the whole window (the rollup's row), from the pull requests in scope. */
function measure(kind: FigureRecord["kind"], at: SQL, value: SQL | null, where: SQL = sql`true`): SQL {
  const percentiles = value
    ? sql`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${value}), percentile_cont(0.9) WITHIN GROUP (ORDER BY ${value})`
    : sql`NULL::float8, NULL::float8`;
  return sql`
    SELECT ${kind}::text, CASE WHEN GROUPING(${weekOf(at)}) = 0 THEN 'week' ELSE 'window' END,
           ${weekOf(at)}, NULL::text, count(*)::int, ${percentiles}
      FROM prs WHERE ${where} AND ${within(at)}
     GROUP BY ROLLUP (${weekOf(at)})`;
}

/** The window's bounds and the pull requests in scope, as the start of a statement. */
function scope(window: InsightsWindow): SQL {
  return sql`
    WITH bounds AS (
      SELECT ${window.windowStart.toISOString()}::timestamptz AS s, ${window.windowEnd.toISOString()}::timestamptz AS e
    ),
    prs AS MATERIALIZED (
      SELECT id, state, created_at, merged_at, closed_at, first_review_at, author_id, author_login
        FROM pull_requests
       -- Opening, merging, closing and a review each move updated_at, so older rows cannot count.
       WHERE repository_id = ANY(${bigintArray(window.repositoryIds)})
         AND updated_at >= ${window.windowStart.toISOString()}::timestamptz
    )`;
}

const figureColumns = sql`kind, level, to_char(at, 'IYYY-"W"IW') AS week, reviewer, n, median, p90`;

/**
 * Every figure the insights show: opened (with the time to first review, stored with each pull request),
 * merged (with the cycle time), closed without merge, and peer reviews, each counted per week, over the
 * whole window and (reviews) per reviewer. Percentiles skip the nulls. Weeks are ISO weeks in UTC so a
 * week means the same thing on every server; every week the window touches is listed, empty ones included.
 * The pull-request figures and the review figures are two statements run at once, on two connections.
 */
export async function queryInsightsFigures(db: Database, window: InsightsWindow): Promise<InsightsFigures> {
  if (window.repositoryIds.length === 0) return figuresOf([]);
  const created = sql`created_at`;
  const submitted = sql`r.submitted_at`;
  const [pullRequestFigures, reviewFigures] = await Promise.all([
    db.execute<FigureRecord>(sql`
      ${scope(window)},
      figures (kind, level, at, reviewer, n, median, p90) AS (
        SELECT 'week', 'week', w, NULL, 0, NULL::float8, NULL::float8
          FROM generate_series(${weekOf(sql`(SELECT s FROM bounds)`)}, ${weekOf(sql`(SELECT e FROM bounds)`)}, interval '1 week') w
        UNION ALL ${measure("opened", created, hours(sql`first_review_at`, created))}
        UNION ALL ${measure("merged", sql`merged_at`, hours(sql`merged_at`, created))}
        UNION ALL ${measure("closed", sql`closed_at`, null, sql`merged_at IS NULL AND state = 'closed'`)}
      )
      SELECT ${figureColumns} FROM figures ORDER BY at`),
    db.execute<FigureRecord>(sql`
      ${scope(window)},
      figures (kind, level, at, reviewer, n, median, p90) AS (
        SELECT 'review', CASE GROUPING(${weekOf(submitted)}, r.reviewer_login) WHEN 1 THEN 'week' WHEN 2 THEN 'reviewer' ELSE 'window' END,
               ${weekOf(submitted)}, r.reviewer_login, count(*)::int, NULL::float8, NULL::float8
          FROM prs p JOIN reviews r ON r.pull_request_id = p.id
         WHERE ${within(submitted)} AND ${isPeerReview(sql`r`, sql`p`)}
         GROUP BY GROUPING SETS ((${weekOf(submitted)}), (r.reviewer_login), ())
      )
      SELECT ${figureColumns} FROM figures`),
  ]);
  return figuresOf([...pullRequestFigures.rows, ...reviewFigures.rows]);
}

function figuresOf(rows: FigureRecord[]): InsightsFigures {
  const whole = new Map(rows.filter((r) => r.level === "window").map((r) => [r.kind, r]));
  const weeks = new Map<string, Map<FigureRecord["kind"], FigureRecord>>();
  const weekRows = rows.filter((r) => r.level === "week" && r.week !== null);
  for (const row of weekRows) if (row.kind === "week") weeks.set(row.week!, new Map());
  for (const row of weekRows) weeks.get(row.week!)?.set(row.kind, row);
  const totalsOf = (of: Map<FigureRecord["kind"], FigureRecord>): InsightsTotals => ({
    opened: of.get("opened")?.n ?? 0,
    merged: of.get("merged")?.n ?? 0,
    closedUnmerged: of.get("closed")?.n ?? 0,
    medianCycleHours: of.get("merged")?.median ?? null,
    p90CycleHours: of.get("merged")?.p90 ?? null,
    medianFirstReviewHours: of.get("opened")?.median ?? null,
    reviews: of.get("review")?.n ?? 0,
  });
  const reviewers = rows
    .filter((r) => r.level === "reviewer" && r.reviewer !== null)
    .map((r) => ({ login: r.reviewer!, reviews: r.n }))
    .sort((a, b) => b.reviews - a.reviews || (a.login < b.login ? -1 : a.login > b.login ? 1 : 0));
  return {
    totals: totalsOf(whole),
    weekly: [...weeks].map(([week, of]) => ({ week, ...totalsOf(of) })),
    reviewers,
  };
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
    SELECT DISTINCT ON (repository_id) repository_id, number, title, url,
           ${hours(sql`merged_at`, sql`created_at`)} AS cycle_hours
      FROM pull_requests
     WHERE repository_id = ANY(${bigintArray(window.repositoryIds)})
       AND merged_at >= ${window.windowStart.toISOString()}::timestamptz
       AND merged_at <= ${window.windowEnd.toISOString()}::timestamptz
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
