/**
 * Roles: one web process answering webhooks and two worker processes running a large backfill, on one
 * PostgreSQL. Signed webhooks at a fixed rate are timed while the workers backfill, and again once they are
 * idle; each repository's first sync must have run exactly once.
 */
import type pg from "pg";
import { createPool } from "../src/db/pool.js";
import { WEBHOOK_PATH } from "../src/start.js";
import { IDS, startGitHubSimulator } from "../simulator/index.js";
import { allComplete, count, envFor, waitUntil, NO_RATE_LIMIT } from "./fleet-support.js";
import { startPrSyncProcess } from "./pr-sync-handle.js";
import { errorsOf, loadWebhooks, type WebhookLoadResult } from "./webhook-load.js";

export interface RolesFigure {
  repositories: number;
  pullRequests: number;
  workers: number;
  /**
   * Webhooks at the same rate: the first seconds a fresh web process gets (its connections opening, its code
   * compiling), then while the workers backfill, then once they are idle.
   */
  webhooks: { coldStart: WebhookLoadResult; duringBackfill: WebhookLoadResult; idle: WebhookLoadResult };
  backfillMs: number;
  /** Backfill runs recorded per repository: 1 each when every job ran once. */
  backfillRunsPerRepository: { min: number; max: number };
}

export async function measureRoles(freshDatabase: (name: string) => Promise<string>, quick: boolean) {
  const sim = await startGitHubSimulator({
    seed: 11,
    repositoriesPerOrganization: quick ? 6 : 10,
    pullRequestsPerRepository: quick ? 3_000 : 6_500,
    membersPerOrganization: 20,
    rateLimit: NO_RATE_LIMIT,
    faults: { latencyMs: 300 },
  });
  // Every repository syncs at once, spread over both workers: the heaviest backfill one installation can make.
  const worker = { PR_SYNC_ROLE: "worker", INSTALLATION_SYNC_CONCURRENCY: quick ? "6" : "10" };
  const url = await freshDatabase("pr_sync_bench_roles");
  const pool = createPool(url, { max: 2 });
  const web = await startPrSyncProcess({ env: envFor(sim, { PR_SYNC_ROLE: "web" }), databaseUrl: url });
  const workers = [
    await startPrSyncProcess({ env: envFor(sim, worker), databaseUrl: url }),
    await startPrSyncProcess({ env: envFor(sim, worker), databaseUrl: url }),
  ];
  try {
    const repository = [...sim.data.repositories.values()][0]!;
    const payloads = repository.pullRequests.slice(-200).map((p) => sim.pullRequestPayload(repository.id, p.number));
    const load = (seconds: number) =>
      loadWebhooks({ url: `${web.url}${WEBHOOK_PATH}`, sim, payloads, rate: 100, seconds });
    sim.setWebhookUrl(`${web.url}${WEBHOOK_PATH}`);
    const started = Date.now();
    await sim.sendInstallationCreated(IDS.installations[0]);
    await waitUntil(
      "the first pages",
      async () => (await count(pool, "SELECT count(*) AS n FROM pull_requests")) > 0,
      60_000,
    );
    // Both measured windows find the web process in service, as the idle one always did.
    const coldStart = await load(2);
    const duringBackfill = await load(quick ? 5 : 10);
    const stillRunning = !(await allComplete(pool)());
    await waitUntil("every first sync", allComplete(pool), 600_000);
    const backfillMs = Date.now() - started;
    // What follows a backfill (insights, the completion email) runs first: idle means no job running or due.
    await waitUntil("the workers to be idle", queueIdle(pool), 120_000);
    const idle = await load(quick ? 5 : 10);
    if (!stillRunning) throw new Error("fleet bench: the backfill ended before the webhooks did; use more data");
    return {
      repositories: await count(pool, "SELECT count(*) AS n FROM repositories"),
      pullRequests: await count(pool, "SELECT count(*) AS n FROM pull_requests"),
      workers: workers.length,
      webhooks: { coldStart, duringBackfill, idle },
      backfillMs,
      backfillRunsPerRepository: await runsPerRepository(pool),
    } satisfies RolesFigure;
  } finally {
    for (const app of [web, ...workers]) await app.stop().catch(() => undefined);
    await pool.end();
    await sim.stop();
  }
}

const queueIdle = (pool: pg.Pool) => async () =>
  (await count(
    pool,
    "SELECT count(*) AS n FROM agenda_jobs WHERE locked_at IS NOT NULL OR (NOT disabled AND next_run_at <= now())",
  )) === 0;

async function runsPerRepository(pool: pg.Pool): Promise<{ min: number; max: number }> {
  const { rows } = await pool.query<{ min: number; max: number }>(
    `SELECT min(n)::int AS min, max(n)::int AS max FROM (
       SELECT r.id, count(s.*) AS n FROM repositories r
         LEFT JOIN sync_runs s ON s.repository_id = r.id AND s.kind = 'backfill'
        GROUP BY r.id) per_repository`,
  );
  return { min: rows[0]?.min ?? 0, max: rows[0]?.max ?? 0 };
}

export function rolesRows(r: RolesFigure): string[][] {
  const hook = (w: WebhookLoadResult) =>
    `p50 ${w.p50Ms} ms, p99 ${w.p99Ms} ms, ${errorsOf(w)} (sent late by ≤ ${w.sendLagP99Ms} ms at p99)`;
  return [
    [
      `One web and ${r.workers} workers: webhooks at 100/s while the workers backfill ${r.pullRequests} PRs`,
      hook(r.webhooks.duringBackfill),
      "p99 as when idle",
    ],
    ["the same, once the workers are idle", hook(r.webhooks.idle), ""],
    ["the same: the first 2 s a fresh web process gets, as the backfill starts", hook(r.webhooks.coldStart), ""],
    [
      "the same: backfill runs per repository",
      `${r.backfillRunsPerRepository.min}–${r.backfillRunsPerRepository.max} (${(r.backfillMs / 1000).toFixed(1)} s)`,
      "exactly 1",
    ],
  ];
}
