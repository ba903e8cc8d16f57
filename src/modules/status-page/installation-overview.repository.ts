import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { bigintArray } from "../../db/sql-arrays.js";

/** One installation's totals for its overview, counted in the database over every repository. */
export interface OverviewRow {
  installationId: number;
  /** Active repositories. */
  total: number;
  /** Active repositories synced at least once. */
  synced: number;
  complete: number;
  errors: number;
  paused: number;
  busy: number;
  stalled: number;
  /** Complete repositories plus the covered share of each running one: how far the installation is, 0..total. */
  doneShare: number;
  /** The earliest start among running repositories, for the installation's ETA. */
  busySince: Date | null;
  /** The earliest time a paused repository resumes. */
  resumesAt: Date | null;
  /** Pull requests stored for all its repositories, removed ones included. */
  pullRequests: number;
  /** GraphQL points spent by syncs that started in the last hour. */
  pointsLastHour: number;
  /** The most recently read budget: remaining points and when they reset. */
  budgetRemaining: number | null;
  budgetResetAt: Date | null;
}

export interface ErrorReasonRow {
  reason: string;
  repositories: number;
}

const date = (value: unknown) => (value instanceof Date ? value : typeof value === "string" ? new Date(value) : null);

/**
 * Overview totals of each installation in `ids`, in one round trip: repository states, the share
 * done, pull requests stored, points spent in the last hour and the latest budget read from GitHub.
 */
export async function queryOverviews(
  db: Database,
  ids: number[],
  options: { now: Date; stalledBefore: Date },
): Promise<OverviewRow[]> {
  if (ids.length === 0) return [];
  const now = options.now.toISOString();
  const hourAgo = new Date(options.now.getTime() - 3_600_000).toISOString();
  const result = await db.execute<Record<string, unknown>>(sql`
    WITH ids AS (SELECT unnest(${bigintArray(ids)}) AS id),
    repos AS (
      SELECT r.installation_id,
             count(*)::int AS total,
             count(*) FILTER (WHERE r.last_synced_at IS NOT NULL)::int AS synced,
             count(*) FILTER (WHERE r.status = 'complete')::int AS complete,
             count(*) FILTER (WHERE r.status = 'error')::int AS errors,
             count(*) FILTER (WHERE r.status = 'paused')::int AS paused,
             count(*) FILTER (WHERE r.status IN ('pending', 'syncing', 'paused'))::int AS busy,
             count(*) FILTER (WHERE r.status = 'syncing'
               AND coalesce(r.last_progress_at, r.sync_started_at) <= ${options.stalledBefore.toISOString()}::timestamptz)::int AS stalled,
             coalesce(sum(CASE
               WHEN r.status = 'complete' THEN 1
               WHEN r.status IN ('syncing', 'paused') AND r.window_end > r.window_start AND r.reached_at IS NOT NULL
                 THEN least(1, greatest(0, extract(epoch FROM r.window_end - r.reached_at) / extract(epoch FROM r.window_end - r.window_start)))
               ELSE 0 END), 0)::float8 AS done_share,
             min(r.sync_started_at) FILTER (WHERE r.status IN ('syncing', 'paused')) AS busy_since,
             min(r.paused_until) FILTER (WHERE r.status = 'paused' AND r.paused_until > ${now}::timestamptz) AS resumes_at
        FROM repositories r JOIN ids ON ids.id = r.installation_id
       WHERE r.active
       GROUP BY r.installation_id
    ),
    stored AS (
      SELECT r.installation_id, sum(c.pull_request_count)::int AS pull_requests
        FROM repositories r JOIN ids ON ids.id = r.installation_id
        JOIN repository_data_counts c ON c.repository_id = r.id
       GROUP BY r.installation_id
    ),
    points AS (
      SELECT s.installation_id, coalesce(sum(s.graphql_points), 0)::int AS points
        FROM sync_runs s JOIN ids ON ids.id = s.installation_id
       WHERE s.started_at >= ${hourAgo}::timestamptz
       GROUP BY s.installation_id
    ),
    budget AS (
      SELECT DISTINCT ON (r.installation_id) r.installation_id, r.rate_limit_remaining, r.rate_limit_reset_at
        FROM repositories r JOIN ids ON ids.id = r.installation_id
       WHERE r.rate_limit_reset_at > ${now}::timestamptz AND r.rate_limit_remaining IS NOT NULL
       ORDER BY r.installation_id, r.updated_at DESC
    )
    SELECT ids.id AS installation_id, repos.*, stored.pull_requests, points.points,
           budget.rate_limit_remaining, budget.rate_limit_reset_at
      FROM ids
      LEFT JOIN repos ON repos.installation_id = ids.id
      LEFT JOIN stored ON stored.installation_id = ids.id
      LEFT JOIN points ON points.installation_id = ids.id
      LEFT JOIN budget ON budget.installation_id = ids.id`);
  return result.rows.map(overviewOf);
}

function overviewOf(r: Record<string, unknown>): OverviewRow {
  return {
    installationId: Number(r.installation_id),
    total: Number(r.total ?? 0),
    synced: Number(r.synced ?? 0),
    complete: Number(r.complete ?? 0),
    errors: Number(r.errors ?? 0),
    paused: Number(r.paused ?? 0),
    busy: Number(r.busy ?? 0),
    stalled: Number(r.stalled ?? 0),
    doneShare: Number(r.done_share ?? 0),
    busySince: date(r.busy_since),
    resumesAt: date(r.resumes_at),
    pullRequests: Number(r.pull_requests ?? 0),
    pointsLastHour: Number(r.points ?? 0),
    budgetRemaining:
      r.rate_limit_remaining === null || r.rate_limit_remaining === undefined ? null : Number(r.rate_limit_remaining),
    budgetResetAt: date(r.rate_limit_reset_at),
  };
}

/** The most common reasons active repositories of an installation failed, most repositories first. */
export async function queryErrorReasons(
  db: Database,
  installationId: number,
  limit: number,
): Promise<ErrorReasonRow[]> {
  const result = await db.execute<{ reason: string; repositories: number }>(sql`
    SELECT coalesce(last_error, 'The last sync failed') AS reason, count(*)::int AS repositories
      FROM repositories
     WHERE installation_id = ${installationId} AND active AND status = 'error'
     GROUP BY 1
     ORDER BY 2 DESC, 1
     LIMIT ${limit}`);
  return result.rows.map((r) => ({ reason: r.reason, repositories: Number(r.repositories) }));
}
