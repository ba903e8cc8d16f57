/**
 * Fairness: many small installations installed at once, each first sync timed from its own installation
 * webhook, and the longest any installation waited for its first page of pull requests.
 */
import type pg from "pg";
import { createPool } from "../src/db/pool.js";
import { WEBHOOK_PATH } from "../src/start.js";
import { FLEET_IDS, startGitHubSimulator } from "../simulator/index.js";
import { allComplete, envFor, seconds, waitUntil, NO_RATE_LIMIT } from "./fleet-support.js";
import { startPrSyncProcess } from "./pr-sync-handle.js";

export interface FairnessFigure {
  installations: number;
  repositoriesEach: number;
  latencyMs: number;
  /** Repository syncs one process runs at once (GLOBAL_SYNC_CONCURRENCY) and slots per installation. */
  concurrency: number;
  slots: number;
  /** GraphQL pages of pull requests the first syncs fetched, all installations together. */
  pages: number;
  /** All pages at `concurrency` at once: no schedule finishes every installation sooner. */
  fleetFloorMs: number;
  /** One installation alone: its pages over its slots, back to back. */
  aloneFloorMs: number;
  /** Each installation's first sync, from its installation webhook to its last repository complete. */
  firstSyncMs: { min: number; median: number; p90: number; max: number };
  /** From an installation's webhook to its first page of pull requests answered: the longest of all. */
  longestFirstPageWaitMs: number;
  wallMs: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/** Delivers every installation webhook at once (a few in flight at a time), noting when each was sent. */
async function installAll(send: (id: number) => Promise<unknown>, ids: number[]): Promise<Map<number, number>> {
  const sentAt = new Map<number, number>();
  const queue = [...ids];
  const sender = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      sentAt.set(id, Date.now());
      await send(id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, sender));
  return sentAt;
}

async function completedAt(pool: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ installation_id: string; done: Date }>(
    `SELECT installation_id, max(sync_completed_at) AS done FROM repositories GROUP BY 1`,
  );
  return new Map(rows.map((r) => [Number(r.installation_id), r.done.getTime()]));
}

export async function measureFairness(
  freshDatabase: (name: string) => Promise<string>,
  quick: boolean,
): Promise<FairnessFigure> {
  const size = quick ? { installations: 40, latencyMs: 100 } : { installations: 200, latencyMs: 600 };
  const repositoriesEach = 3;
  const concurrency = 5;
  const slots = 2;
  const sim = await startGitHubSimulator({
    seed: 11,
    repositoriesPerOrganization: 1,
    pullRequestsPerRepository: 10,
    membersPerOrganization: 5,
    // About 80 pull requests in the 30-day window: one page per repository.
    fleet: {
      organizations: size.installations,
      repositoriesPerOrganization: repositoriesEach,
      pullRequestsPerRepository: 150,
    },
    rateLimit: NO_RATE_LIMIT,
    faults: { latencyMs: size.latencyMs },
  });
  const databaseUrl = await freshDatabase("pr_sync_bench_fairness");
  const pool = createPool(databaseUrl, { max: 2 });
  const app = await startPrSyncProcess({
    env: envFor(sim, {
      GLOBAL_SYNC_CONCURRENCY: String(concurrency),
      INSTALLATION_SYNC_CONCURRENCY: String(slots),
    }),
    databaseUrl,
  });
  try {
    sim.setWebhookUrl(`${app.url}${WEBHOOK_PATH}`);
    const ids = Array.from({ length: size.installations }, (_, i) => FLEET_IDS.firstInstallation + i);
    const started = Date.now();
    const sentAt = await installAll((id) => sim.sendInstallationCreated(id), ids);
    await waitUntil("every first sync", allComplete(pool), 1_800_000);
    const wallMs = Date.now() - started;
    const done = await completedAt(pool);
    const pages = sim.requestLog.filter(
      (e) => e.at >= started && e.operation === "PullRequestsPage" && e.status === 200,
    );
    const firstPage = new Map<number, number>();
    for (const e of pages)
      if (e.installationId !== undefined && !firstPage.has(e.installationId)) firstPage.set(e.installationId, e.at);
    const firstSync = ids.map((id) => done.get(id)! - sentAt.get(id)!).sort((a, b) => a - b);
    const pagesPerInstallation = pages.length / size.installations;
    return {
      installations: size.installations,
      repositoriesEach,
      latencyMs: size.latencyMs,
      concurrency,
      slots,
      pages: pages.length,
      fleetFloorMs: Math.round((pages.length * size.latencyMs) / concurrency),
      aloneFloorMs: Math.round(Math.ceil(pagesPerInstallation / slots) * size.latencyMs),
      firstSyncMs: {
        min: firstSync[0]!,
        median: percentile(firstSync, 0.5),
        p90: percentile(firstSync, 0.9),
        max: firstSync.at(-1)!,
      },
      longestFirstPageWaitMs: Math.max(...ids.map((id) => (firstPage.get(id) ?? Number.NaN) - sentAt.get(id)!)),
      wallMs,
    };
  } finally {
    await app.stop().catch(() => undefined);
    await pool.end();
    await sim.stop();
  }
}

/** Rows of the fleet table. With every installation alike, a fair schedule ends them all near the fleet floor. */
export function fairnessRows(f: FairnessFigure): string[][] {
  const what = `${f.installations} installations × ${f.repositoriesEach} repositories at once, ${f.latencyMs} ms per request`;
  return [
    [
      `${what}: slowest first sync`,
      `${seconds(f.firstSyncMs.max)} (median ${seconds(f.firstSyncMs.median)}, p90 ${seconds(f.firstSyncMs.p90)}, fastest ${seconds(f.firstSyncMs.min)})`,
      `floor ${seconds(f.fleetFloorMs)} (${f.pages} pages ÷ ${f.concurrency} syncs at once); target ≤ ${seconds(f.fleetFloorMs * 1.2)}; one alone ${seconds(f.aloneFloorMs)}`,
    ],
    [`${what}: longest wait for a first page`, seconds(f.longestFirstPageWaitMs), ""],
  ];
}
