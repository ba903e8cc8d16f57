/**
 * Fleet figures: scheduling against its floor (one large installation at GitHub-like page latency) and crash
 * recovery (SIGKILL then restart; two instances with one killed). Each case gets a database of its own.
 */
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import type pg from "pg";
import { createPool } from "../src/db/pool.js";
import { WEBHOOK_PATH } from "../src/start.js";
import { IDS, startGitHubSimulator, type GitHubSimulator } from "../simulator/index.js";
import { countRequests, requestsSince } from "./app-sync.js";
import { startPrSyncProcess, type PrSyncProcess } from "./pr-sync-handle.js";

export interface ScheduleFigure {
  repositories: number;
  pullRequests: number;
  latencyMs: number;
  slots: number;
  pages: number;
  points: number;
  wallMs: number;
  /** Pages × latency ÷ slots: the installation's GraphQL pages run back to back in every slot. */
  floorMs: number;
}

export interface CrashFigure {
  noCrashMs: number;
  /** SIGKILL, then a new process: from its start to the first new pull request row, and to the end. */
  restart: { firstRowAfterRestartMs: number; totalMs: number };
  /** Two processes, the one holding syncs killed, no restart: install to the end. */
  survivor: { totalMs: number };
}

export interface FleetResults {
  schedule: ScheduleFigure;
  crash: CrashFigure;
  load: { atStart: number; atEnd: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const INSTALLATION = IDS.installations[0];

async function count(pool: pg.Pool, sql: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql);
  return Number(rows[0]?.n ?? 0);
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`fleet bench: ${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(25);
  }
}

const allComplete = (pool: pg.Pool) => async () =>
  (await count(
    pool,
    `SELECT count(*) FILTER (WHERE status <> 'complete') + (count(*) = 0)::int AS n FROM repositories WHERE active`,
  )) === 0;

function envFor(sim: GitHubSimulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    ...sim.appEnv(),
    ADMIN_TOKEN: randomBytes(16).toString("hex"),
    SESSION_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
    ...extra,
  };
}

/** Installs the app on the first organization and waits for every repository's first sync. */
async function installAndWait(sim: GitHubSimulator, app: PrSyncProcess, pool: pg.Pool, timeoutMs: number) {
  sim.setWebhookUrl(`${app.url}${WEBHOOK_PATH}`);
  const started = Date.now();
  await sim.sendInstallationCreated(INSTALLATION);
  await waitUntil("every first sync", allComplete(pool), timeoutMs);
  return { started, wallMs: Date.now() - started };
}

async function measureSchedule(freshDatabase: (name: string) => Promise<string>, quick: boolean) {
  const size = quick
    ? { repositories: 10, pullRequests: 354, latencyMs: 50 }
    : { repositories: 100, pullRequests: 354, latencyMs: 600 };
  const slots = 2;
  const sim = await startGitHubSimulator({
    seed: 2_024,
    repositoriesPerOrganization: size.repositories,
    pullRequestsPerRepository: size.pullRequests,
    membersPerOrganization: 20,
    rateLimit: { core: 1_000_000, graphql: 1_000_000 },
    faults: { latencyMs: size.latencyMs },
  });
  const databaseUrl = await freshDatabase("pr_sync_bench_schedule");
  const pool = createPool(databaseUrl, { max: 2 });
  const app = await startPrSyncProcess({ env: envFor(sim), databaseUrl });
  try {
    const { started, wallMs } = await installAndWait(sim, app, pool, 1_200_000);
    const calls = requestsSince(sim, started, INSTALLATION).filter((e) => e.operation !== "OrganizationMembersPage");
    const counts = countRequests(calls);
    return {
      repositories: size.repositories,
      pullRequests: await count(pool, "SELECT count(*) AS n FROM pull_requests"),
      latencyMs: size.latencyMs,
      slots,
      pages: counts.graphqlRequests,
      points: counts.graphqlPoints,
      wallMs,
      floorMs: Math.round((counts.graphqlRequests * size.latencyMs) / slots),
    };
  } finally {
    await app.stop().catch(() => undefined);
    await pool.end();
    await sim.stop();
  }
}

/** Kills a process outright, as a crash or an OOM kill would, and waits for it to be gone. */
async function kill(app: PrSyncProcess) {
  process.kill(app.pid, "SIGKILL");
  await waitUntil("the killed process to exit", () => Promise.resolve(!isAlive(app.pid)), 10_000);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of the process holding the most running syncs (worker ids end with the pid). */
async function busiest(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ owner: string }>(
    `SELECT last_modified_by AS owner FROM agenda_jobs
      WHERE name = 'repository.sync' AND locked_at IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
  );
  return Number(rows[0]?.owner.split(":").at(-1));
}

async function measureCrash(freshDatabase: (name: string) => Promise<string>, quick: boolean): Promise<CrashFigure> {
  const sim = await startGitHubSimulator({
    seed: 7,
    repositoriesPerOrganization: quick ? 4 : 10,
    pullRequestsPerRepository: 400,
    membersPerOrganization: 20,
    rateLimit: { core: 1_000_000, graphql: 1_000_000 },
    // Pages of 25 at 100 ms: a backfill long enough to be killed in the middle.
    faults: { latencyMs: 100, graphqlMaxFirst: 25 },
  });
  const run = async (name: string, body: (pool: pg.Pool, url: string) => Promise<CrashFigure[keyof CrashFigure]>) => {
    const url = await freshDatabase(name);
    const pool = createPool(url, { max: 2 });
    try {
      return await body(pool, url);
    } finally {
      await pool.end();
    }
  };
  const halfway = (pool: pg.Pool) => async () =>
    (await count(pool, "SELECT count(*) AS n FROM repositories WHERE pages_fetched >= 3")) >= 2;
  try {
    const noCrashMs = (await run("pr_sync_bench_nocrash", async (pool, url) => {
      const app = await startPrSyncProcess({ env: envFor(sim), databaseUrl: url });
      const { wallMs } = await installAndWait(sim, app, pool, 600_000);
      await app.stop();
      return wallMs;
    })) as number;
    const restart = (await run("pr_sync_bench_restart", async (pool, url) => {
      const first = await startPrSyncProcess({ env: envFor(sim), databaseUrl: url });
      sim.setWebhookUrl(`${first.url}${WEBHOOK_PATH}`);
      const started = Date.now();
      await sim.sendInstallationCreated(INSTALLATION);
      await waitUntil("syncs halfway", halfway(pool), 600_000);
      await kill(first);
      const rowsAtKill = await count(pool, "SELECT count(*) AS n FROM pull_requests");
      const restarted = Date.now();
      const second = await startPrSyncProcess({ env: envFor(sim), databaseUrl: url });
      await waitUntil(
        "a new row",
        async () => (await count(pool, "SELECT count(*) AS n FROM pull_requests")) > rowsAtKill,
        600_000,
      );
      const firstRowAfterRestartMs = Date.now() - restarted;
      await waitUntil("every first sync", allComplete(pool), 600_000);
      const totalMs = Date.now() - started;
      await second.stop();
      return { firstRowAfterRestartMs, totalMs };
    })) as CrashFigure["restart"];
    const survivor = (await run("pr_sync_bench_survivor", async (pool, url) => {
      const apps = [
        await startPrSyncProcess({ env: envFor(sim), databaseUrl: url }),
        await startPrSyncProcess({ env: envFor(sim), databaseUrl: url }),
      ];
      sim.setWebhookUrl(`${apps[0]!.url}${WEBHOOK_PATH}`);
      const started = Date.now();
      await sim.sendInstallationCreated(INSTALLATION);
      await waitUntil("syncs halfway", halfway(pool), 600_000);
      const pid = await busiest(pool);
      const [killed, kept] = apps[0]!.pid === pid ? [apps[0]!, apps[1]!] : [apps[1]!, apps[0]!];
      await kill(killed);
      await waitUntil("every first sync", allComplete(pool), 600_000);
      const totalMs = Date.now() - started;
      await kept.stop();
      return { totalMs };
    })) as CrashFigure["survivor"];
    return { noCrashMs, restart, survivor };
  } finally {
    await sim.stop();
  }
}

/** Runs the fleet cases one after the other (they share the machine, not their databases). */
export async function runFleetBench(options: {
  quick: boolean;
  freshDatabase: (name: string) => Promise<string>;
  progress?: (line: string) => void;
}): Promise<FleetResults> {
  const progress = options.progress ?? (() => {});
  const atStart = loadavg()[0]!;
  progress("fleet: one large installation at GitHub-like page latency…");
  const schedule = await measureSchedule(options.freshDatabase, options.quick);
  progress("fleet: crash recovery (no crash, SIGKILL and restart, survivor)…");
  const crash = await measureCrash(options.freshDatabase, options.quick);
  return {
    schedule,
    crash,
    load: { atStart: Math.round(atStart * 100) / 100, atEnd: Math.round(loadavg()[0]! * 100) / 100 },
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The fleet table: each figure next to its floor or target. */
export function formatFleetReport(results: FleetResults): string {
  const { schedule: s, crash: c } = results;
  const rows: [string, string, string][] = [
    [
      `${s.repositories}-repository installation, ${s.pullRequests} PRs, ${s.latencyMs} ms per request, ${s.slots} slots`,
      `${seconds(s.wallMs)} (${s.pages} GraphQL pages, ${s.points} points)`,
      `floor ${seconds(s.floorMs)}; target ≤ ${seconds(s.floorMs * 1.28)}`,
    ],
    ["Backfill without a crash", seconds(c.noCrashMs), ""],
    ["SIGKILL mid-backfill, restart: first new row after restart", seconds(c.restart.firstRowAfterRestartMs), "≤ 15 s"],
    [
      "SIGKILL mid-backfill, restart: install to done",
      seconds(c.restart.totalMs),
      `≤ ${seconds(c.noCrashMs + 30_000)}`,
    ],
    ["Two instances, one killed: install to done", seconds(c.survivor.totalMs), `≤ ${seconds(c.noCrashMs + 45_000)}`],
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), 8));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ");
  return [
    line(["Fleet measure", "pr-sync", "floor / target"]),
    widths.map((w) => "-".repeat(w)).join("-|-"),
    ...rows.map(line),
    `Load average ${results.load.atStart} at the start and ${results.load.atEnd} at the end.`,
  ].join("\n");
}
