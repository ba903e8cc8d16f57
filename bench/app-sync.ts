import type pg from "pg";
import type { GitHubSimulator, RequestLogEntry } from "../simulator/index.js";
import type { PrSyncProcess } from "./pr-sync-handle.js";

export interface NotMeasured {
  notMeasured: string;
}

/** What one sync cost, from the simulator's request log. */
export interface RequestCounts {
  /** REST requests made with the installation's token that were answered with data (a 304 is not charged). */
  restRequests: number;
  /** Conditional REST requests answered 304 Not Modified: free of the installation's budget. */
  restNotModified: number;
  graphqlRequests: number;
  graphqlPoints: number;
  /** Calls made as the app itself (creating installation tokens): they do not touch the installation's budget. */
  appAuthRequests: number;
}

export interface SyncMeasure extends RequestCounts {
  wallMs: number;
  /** For catch-ups: every call the run made, as the simulator logged it. */
  log?: { method: string; path: string; status: number; kind: string; operation?: string; cost?: number }[];
  pullRequestsStored: number;
  pullRequestsExpected: number;
  repositories: number;
}

/** The pieces a sync measurement needs: pr-sync in its process, the simulator, and a pool on pr-sync's database. */
export interface SyncTarget {
  app: PrSyncProcess;
  sim: GitHubSimulator;
  pool: pg.Pool;
  installationId: number;
}

export const notMeasured = (reason: string): NotMeasured => ({ notMeasured: reason });
export const isMeasured = <T extends object>(value: T | NotMeasured): value is T => !("notMeasured" in value);

/** Requests against the installation's budget per repository: charged REST plus GraphQL requests. */
export const budgetRequests = (m: RequestCounts) => m.restRequests + m.graphqlRequests;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The simulator's log entries since `from` that belong to the installation, app-authenticated calls included. */
export function requestsSince(sim: GitHubSimulator, from: number, installationId: number): RequestLogEntry[] {
  return sim.requestLog.filter((e) => e.at >= from && (e.installationId === installationId || e.kind === "app"));
}

export function countRequests(entries: RequestLogEntry[]): RequestCounts {
  const rest = entries.filter((e) => e.kind === "rest");
  return {
    restRequests: rest.filter((e) => e.status !== 304).length,
    restNotModified: rest.filter((e) => e.status === 304).length,
    graphqlRequests: entries.filter((e) => e.kind === "graphql").length,
    graphqlPoints: entries.reduce((sum, e) => sum + (e.cost ?? 0), 0),
    appAuthRequests: entries.filter((e) => e.kind === "app").length,
  };
}

async function repositoryRows(target: SyncTarget) {
  const { rows } = await target.pool.query<{ id: string; status: string; completed: Date | null }>(
    "select id, status, sync_completed_at as completed from repositories where installation_id = $1 and active",
    [target.installationId],
  );
  return rows.map((r) => ({ id: Number(r.id), status: r.status, completed: r.completed }));
}

async function storedPullRequests(target: SyncTarget, repositoryIds: number[]): Promise<number> {
  const { rows } = await target.pool.query<{ count: string }>(
    "select count(*) from pull_requests where repository_id = any($1)",
    [repositoryIds],
  );
  return Number(rows[0]?.count ?? 0);
}

/** Waits until every repository finished a run that completed after `since`; an error status ends the wait. */
async function waitForCompletion(target: SyncTarget, since: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await repositoryRows(target);
    const failed = rows.find((r) => r.status === "error");
    if (failed) throw new Error(`repository ${failed.id} ended in error`);
    if (rows.length > 0 && rows.every((r) => r.status === "complete" && r.completed && r.completed.getTime() >= since))
      return rows;
    if (Date.now() > deadline) throw new Error(`sync did not complete within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

async function measured(
  target: SyncTarget,
  started: number,
  options: { expected: number; timeoutMs: number; keepLog?: boolean },
): Promise<SyncMeasure> {
  const done = await waitForCompletion(target, started, options.timeoutMs);
  const wallMs = Date.now() - started;
  const entries = requestsSince(target.sim, started, target.installationId);
  return {
    wallMs,
    ...countRequests(entries),
    ...(options.keepLog
      ? {
          log: entries.map(({ method, path, status, kind, operation, cost }) => ({
            method,
            path,
            status,
            kind,
            operation,
            cost,
          })),
        }
      : {}),
    pullRequestsStored: await storedPullRequests(
      target,
      done.map((r) => r.id),
    ),
    pullRequestsExpected: options.expected,
    repositories: done.length,
  };
}

/**
 * Installs the app on the organization and measures the first sync, from the `installation.created`
 * delivery (which stores the repositories and queues their backfills) to every repository complete.
 */
export async function measureBackfill(
  target: SyncTarget,
  options: { expected: number; timeoutMs: number },
): Promise<SyncMeasure | NotMeasured> {
  const { app, sim, installationId } = target;
  if (!app.hasRepositorySync)
    return notMeasured(`no repository.sync job in this build (merge main once the sync jobs land)`);
  const started = Date.now();
  await sim.sendInstallationCreated(installationId);
  let rows = await repositoryRows(target);
  for (let waited = 0; rows.length === 0 && waited < 10_000; waited += 50) {
    await sleep(50);
    rows = await repositoryRows(target);
  }
  if (rows.length === 0) return notMeasured("installation.created stored no repositories");
  return measured(target, started, options);
}

/** Runs a catch-up of every repository and counts what it cost; with `keepLog`, keeps the calls themselves. */
export async function measureCatchUp(
  target: SyncTarget,
  options: { expected: number; timeoutMs: number; keepLog?: boolean },
): Promise<SyncMeasure | NotMeasured> {
  if (!target.app.hasRepositorySync) return notMeasured(`no repository.sync job in this build`);
  const started = Date.now();
  for (const row of await repositoryRows(target)) await target.app.requestSync(row.id, "catch-up");
  return measured(target, started, options);
}
