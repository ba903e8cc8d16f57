/** What the fleet cases share: waiting on the database, pr-sync's environment against the simulator, killing. */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { GitHubSimulator } from "../simulator/index.js";
import type { PrSyncProcess } from "./pr-sync-handle.js";

/** Budgets no fleet case can spend: the cases measure scheduling, not GitHub's rate limit. */
export const NO_RATE_LIMIT = { core: 1_000_000, graphql: 1_000_000 };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function count(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Polls `check` every `everyMs` (default 25 ms). A check that reads a large table costs PostgreSQL's CPU, which
 * the measured processes share: such a case polls less often.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`fleet bench: ${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

/** True once every active repository's sync is complete; a sync that gave up ends the case with its error. */
export const allComplete = (pool: pg.Pool) => async () => {
  const { rows } = await pool.query<{ left: number; failed: string | null }>(
    `SELECT count(*) FILTER (WHERE status <> 'complete')::int + (count(*) = 0)::int AS left,
            max(full_name || ': ' || last_error) FILTER (WHERE status = 'error') AS failed
       FROM repositories WHERE active`,
  );
  if (rows[0]?.failed) throw new Error(`fleet bench: a sync failed (${rows[0].failed})`);
  return rows[0]?.left === 0;
};

export function envFor(sim: GitHubSimulator, extra: Record<string, string> = {}): Record<string, string> {
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

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills a process outright, as a crash or an OOM kill would, and waits for it to be gone. */
export async function kill(app: PrSyncProcess) {
  process.kill(app.pid, "SIGKILL");
  await waitUntil("the killed process to exit", () => Promise.resolve(!isAlive(app.pid)), 10_000);
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A plain text table, each column as wide as its widest cell. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => (r[i] ?? "").length), 8));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)];
}
