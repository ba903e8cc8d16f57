/**
 * The daily catch-up at fleet size: many installations whose repositories were all synced a day ago and
 * barely changed since. Measures repositories caught up per second in one process and the GitHub budget spent.
 */
import type pg from "pg";
import { createPool } from "../src/db/pool.js";
import { FLEET_IDS, startGitHubSimulator, type GitHubSimulator } from "../simulator/index.js";
import { count, envFor, seconds, waitUntil, NO_RATE_LIMIT } from "./fleet-support.js";
import { startPrSyncProcess } from "./pr-sync-handle.js";

export interface FleetCatchUpFigure {
  installations: number;
  repositories: number;
  latencyMs: number;
  processes: number;
  /** Repository syncs one process runs at once (GLOBAL_SYNC_CONCURRENCY). */
  concurrency: number;
  /** From asking for the catch-up to every repository caught up. */
  wallMs: number;
  /** How long queuing every installation's syncs took (part of wallMs). */
  queueMs: number;
  repositoriesPerSecondPerProcess: number;
  /** Concurrency ÷ latency: one page per idle repository, back to back in every worker. */
  floorPerSecondPerProcess: number;
  budget: {
    pullRequestPages: number;
    pullRequestPoints: number;
    memberPages: number;
    restRequests: number;
    installationTokens: number;
  };
}

const DAY_MS = 86_400_000;

/** Writes the fleet into pr-sync's tables as a day-old, fully synced state (what a day of running leaves). */
async function seedSyncedFleet(pool: pg.Pool, sim: GitHubSimulator, installations: number): Promise<number> {
  const fleet = [...sim.data.installations.values()].filter((i) => i.id >= FLEET_IDS.firstInstallation);
  const accounts = fleet.map((i) => sim.data.accounts.get(i.accountId)!);
  const dayAgo = new Date(Date.now() - DAY_MS);
  await pool.query(
    `INSERT INTO installations (id, account_login, account_id, account_type, repository_selection,
                                member_sync_status, member_sync_completed_at)
     SELECT id, login, account_id, 'Organization', 'all', 'complete', $4
       FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS t(id, login, account_id)`,
    [fleet.map((i) => i.id), accounts.map((a) => a.login), accounts.map((a) => a.id), dayAgo],
  );
  const owners = new Map(fleet.map((i, n) => [i.accountId, { installation: i.id, login: accounts[n]!.login }]));
  const repositories = [...sim.data.repositories.values()].filter((r) => owners.has(r.ownerId));
  await pool.query(
    `INSERT INTO repositories (id, installation_id, full_name, status, sync_kind, sync_started_at, sync_completed_at,
                               last_synced_at, history_since, initial_sync_finished_at)
     SELECT id, installation_id, full_name, 'complete', 'catch-up', $4, $4, $4, $4::timestamptz - interval '30 days', $4
       FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS t(id, installation_id, full_name)`,
    [
      repositories.map((r) => r.id),
      repositories.map((r) => owners.get(r.ownerId)!.installation),
      repositories.map((r) => `${owners.get(r.ownerId)!.login}/${r.name}`),
      dayAgo,
    ],
  );
  if (fleet.length !== installations) throw new Error("fleet bench: the simulator has the wrong fleet size");
  return repositories.length;
}

export async function measureFleetCatchUp(
  freshDatabase: (name: string) => Promise<string>,
  quick: boolean,
): Promise<FleetCatchUpFigure> {
  const size = quick ? { installations: 100, latencyMs: 50 } : { installations: 1_000, latencyMs: 100 };
  const concurrency = 5;
  const sim = await startGitHubSimulator({
    seed: 13,
    repositoriesPerOrganization: 1,
    pullRequestsPerRepository: 10,
    membersPerOrganization: 5,
    // Two pull requests per repository over 60 days: most repositories have nothing new since yesterday.
    fleet: { organizations: size.installations, repositoriesPerOrganization: 10, pullRequestsPerRepository: 2 },
    rateLimit: NO_RATE_LIMIT,
    faults: { latencyMs: size.latencyMs },
  });
  const databaseUrl = await freshDatabase("pr_sync_bench_catch_up");
  const pool = createPool(databaseUrl, { max: 2 });
  const app = await startPrSyncProcess({
    env: envFor(sim, { GLOBAL_SYNC_CONCURRENCY: String(concurrency) }),
    databaseUrl,
  });
  try {
    const repositories = await seedSyncedFleet(pool, sim, size.installations);
    const started = Date.now();
    await app.catchUp();
    const queueMs = Date.now() - started;
    const since = new Date(started);
    await waitUntil(
      "every repository caught up",
      async () =>
        (await count(pool, `SELECT count(*) AS n FROM repositories WHERE last_synced_at < $1 OR status <> 'complete'`, [
          since,
        ])) === 0,
      3_600_000,
      // Counting 10,000 repositories every 25 ms took 4 ms of PostgreSQL's CPU each time: 16% of a CPU.
      250,
    );
    const wallMs = Date.now() - started;
    const log = sim.requestLog.filter((e) => e.at >= started);
    const pages = (operation: string) => log.filter((e) => e.operation === operation && e.status === 200);
    return {
      installations: size.installations,
      repositories,
      latencyMs: size.latencyMs,
      processes: 1,
      concurrency,
      wallMs,
      queueMs,
      repositoriesPerSecondPerProcess: Math.round((repositories / (wallMs / 1000)) * 10) / 10,
      floorPerSecondPerProcess: Math.round((concurrency * 1000) / size.latencyMs),
      budget: {
        pullRequestPages: pages("PullRequestsPage").length,
        pullRequestPoints: pages("PullRequestsPage").reduce((sum, e) => sum + (e.cost ?? 0), 0),
        memberPages: pages("OrganizationMembersPage").length,
        restRequests: log.filter((e) => e.kind === "rest" && e.status !== 304).length,
        installationTokens: log.filter((e) => e.kind === "app").length,
      },
    };
  } finally {
    await app.stop().catch(() => undefined);
    await pool.end();
    await sim.stop();
  }
}

/** Rows of the fleet table. */
export function catchUpRows(f: FleetCatchUpFigure): string[][] {
  const b = f.budget;
  return [
    [
      `Daily catch-up, ${f.installations} installations / ${f.repositories} idle repositories, ${f.latencyMs} ms per request, ${f.processes} process`,
      `${f.repositoriesPerSecondPerProcess} repositories/s per process (${seconds(f.wallMs)}, of which queuing ${seconds(f.queueMs)})`,
      `floor ${f.floorPerSecondPerProcess}/s (${f.concurrency} syncs at once)`,
    ],
    [
      "Daily catch-up: budget spent",
      `${b.pullRequestPages} PR pages (${b.pullRequestPoints} points), ${b.memberPages} member pages, ${b.restRequests} REST, ${b.installationTokens} tokens`,
      `${(b.pullRequestPoints / f.repositories).toFixed(2)} points per repository`,
    ],
  ];
}
