import type pg from "pg";
import type { PrSyncProcess } from "./pr-sync-handle.js";
import { measureStatusPage, signInAsOperator, type RenderTiming, type StatusPageResult } from "./status-page-load.js";

const DAY_SECONDS = 86_400;

export interface ExportRun {
  pullRequests: number;
  bytes: number;
  seconds: number;
  /** The pr-sync process's resident-set high-water mark after the export, in MB. */
  peakRssMb: number;
}

export interface ViewsResult {
  installationPage: StatusPageResult;
  /** The insights page of the same installation, whose repositories hold `insightsPullRequests` pull requests. */
  insights: RenderTiming & { pullRequests: number };
  /** The same page when a pull request changed just before each view, so its figures are computed afresh. */
  insightsAfterChange: RenderTiming;
  peakRssAtStartMb: number;
  exports: ExportRun[];
}

/**
 * Stores an installation of `repositories` repositories with `pullRequests` pull requests spread over
 * the last 84 days (most merged, one review by someone else on half of them, with its first-review time),
 * in SQL so 100,000 rows take seconds.
 */
export async function seedPullRequestsInSql(
  pool: pg.Pool,
  options: {
    installationId: number;
    account: string;
    firstRepositoryId: number;
    repositories: number;
    pullRequests: number;
    existing?: boolean;
  },
): Promise<void> {
  const { installationId, firstRepositoryId, repositories, pullRequests } = options;
  if (!options.existing) {
    await pool.query(
      `INSERT INTO installations (id, account_login, account_id, account_type) VALUES ($1, $2, $1, 'Organization')`,
      [installationId, options.account],
    );
    await pool.query(
      `INSERT INTO repositories (id, installation_id, full_name, status, last_synced_at, history_since)
       SELECT $1::bigint + g, $2, $3 || '/repo-' || g, 'complete', now(), now() - interval '84 days'
         FROM generate_series(0, $4::int - 1) g`,
      [firstRepositoryId, installationId, options.account, repositories],
    );
  }
  const firstPr = installationId * 1_000_000;
  // Opened evenly over the 84 days; merged or closed 0 to 96 hours later, never in the future.
  const opened = `now() - (g::float8 / $4::int) * interval '${84 * DAY_SECONDS} seconds'`;
  const done = `least(now(), ${opened} + (g % 97) * interval '1 hour')`;
  await pool.query(
    `INSERT INTO pull_requests (id, repository_id, number, title, author_login, author_id, author_type, state, merged,
                                created_at, updated_at, closed_at, merged_at, additions, deletions, changed_files,
                                base_ref, head_ref, url)
     SELECT $1::bigint + g, $2::bigint + (g % $3), g, 'Change ' || g || ', with "quotes"', 'dev-' || (g % 40), g % 40, 'User',
            CASE WHEN g % 10 < 9 THEN 'closed' ELSE 'open' END, g % 10 < 7,
            ${opened}, ${done},
            CASE WHEN g % 10 < 9 THEN ${done} END,
            CASE WHEN g % 10 < 7 THEN ${done} END,
            g % 500, g % 80, 1 + g % 9, 'main', 'change-' || g, 'https://github.test/pull/' || g
       FROM generate_series(1, $4::int) g`,
    [firstPr, firstRepositoryId, repositories, pullRequests],
  );
  await pool.query(
    `INSERT INTO reviews (id, pull_request_id, reviewer_login, reviewer_id, state, submitted_at)
     SELECT p.id, p.id, 'dev-' || ((p.author_id + 1) % 40), (p.author_id + 1) % 40, 'APPROVED', p.created_at + interval '3 hours'
       FROM pull_requests p WHERE p.id > $1::bigint AND p.id <= $1::bigint + $2::int AND p.id % 2 = 0`,
    [firstPr, pullRequests],
  );
  await pool.query(
    `UPDATE pull_requests p SET first_review_at = r.submitted_at
       FROM reviews r WHERE r.pull_request_id = p.id AND p.id > $1::bigint AND p.id <= $1::bigint + $2::int`,
    [firstPr, pullRequests],
  );
  await pool.query("ANALYZE pull_requests; ANALYZE reviews; ANALYZE repositories");
}

/** Downloads one CSV export to the end, reading it as fast as it comes, and times it. */
async function download(url: string, adminToken: string): Promise<{ bytes: number; seconds: number; rows: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${adminToken}` } });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  let bytes = 0;
  let rows = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) rows += 1;
  }
  return { bytes, rows, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

/**
 * Times `requests` views of the insights page. With `change`, runs it before each view (unmeasured), so each
 * view follows new data and computes its figures afresh rather than answering remembered ones.
 */
async function timeInsights(
  url: string,
  cookie: string,
  requests: number,
  change?: () => Promise<unknown>,
): Promise<RenderTiming> {
  const times: number[] = [];
  let size = 0;
  let errors = 0;
  for (let i = -2; i < requests; i++) {
    await change?.();
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    const text = await response.text();
    if (i < 0) continue;
    times.push(performance.now() - started);
    size = Buffer.byteLength(text);
    if (response.status !== 200) errors += 1;
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]! * 10) / 10;
  return { requests, medianMs: at(0.5), p95Ms: at(0.95), sizeKb: Math.round(size / 1024), errors };
}

/**
 * Exports of growing size first (so the memory high-water mark is the exports' own), then the
 * installation page and the insights page of an installation with `repositories` repositories.
 */
export async function measureViews(options: {
  pool: pg.Pool;
  app: PrSyncProcess;
  adminToken: string;
  repositories: number;
  insightsPullRequests: number;
  exportSizes: number[];
  requests: number;
}): Promise<ViewsResult> {
  const { pool, app, adminToken } = options;
  const peakRssAtStartMb = (await app.memory()).peakRssMb;
  const exports: ExportRun[] = [];
  for (const [i, size] of options.exportSizes.entries()) {
    const installationId = 800 + i;
    await seedPullRequestsInSql(pool, {
      installationId,
      account: `export-${size}`,
      firstRepositoryId: 80_000_000 + i * 1_000,
      repositories: 10,
      pullRequests: size,
    });
    const run = await download(`${app.url}/api/installations/${installationId}/export/pull-requests.csv`, adminToken);
    if (run.rows !== size + 1) throw new Error(`the export of ${size} pull requests had ${run.rows - 1} rows`);
    exports.push({
      pullRequests: size,
      bytes: run.bytes,
      seconds: run.seconds,
      peakRssMb: (await app.memory()).peakRssMb,
    });
  }
  const installationPage = await measureStatusPage({
    pool,
    baseUrl: app.url,
    adminToken,
    count: options.repositories,
    requests: options.requests,
  });
  const large = await pool.query<{ id: string; first: string }>(
    "SELECT installation_id AS id, min(id) AS first FROM repositories WHERE full_name LIKE 'large-org/%' GROUP BY 1",
  );
  await seedPullRequestsInSql(pool, {
    installationId: Number(large.rows[0]!.id),
    account: "large-org",
    firstRepositoryId: Number(large.rows[0]!.first),
    repositories: options.repositories,
    pullRequests: options.insightsPullRequests,
    existing: true,
  });
  const cookie = await signInAsOperator(app.url, adminToken);
  const insights = await timeInsights(
    `${app.url}/status/installations/${large.rows[0]!.id}/insights`,
    cookie,
    options.requests,
  );
  const insightsAfterChange = await timeInsights(
    `${app.url}/status/installations/${large.rows[0]!.id}/insights`,
    cookie,
    Math.max(5, Math.round(options.requests / 5)),
    () =>
      pool.query("UPDATE pull_requests SET updated_at = updated_at + interval '1 second' WHERE id = $1", [
        Number(large.rows[0]!.id) * 1_000_000 + 1,
      ]),
  );
  return {
    installationPage,
    insights: { ...insights, pullRequests: options.insightsPullRequests },
    insightsAfterChange,
    peakRssAtStartMb,
    exports,
  };
}
