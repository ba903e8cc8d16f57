import type { PrSync } from "../src/start.js";
import { JOBS } from "../src/jobs/job-names.js";
import { jobDefinitions } from "../src/jobs/job-list.js";
import { requestRepositorySync } from "../src/modules/repositories/sync-requests.usecases.js";
import type { GitHubSimulator } from "../simulator/index.js";

export interface NotMeasured {
  notMeasured: string;
}

export interface SyncMeasure {
  wallMs: number;
  restRequests: number;
  graphqlRequests: number;
  graphqlPoints: number;
  pullRequestsStored: number;
  pullRequestsExpected: number;
  repositories: number;
}

export const notMeasured = (reason: string): NotMeasured => ({ notMeasured: reason });
export const isMeasured = <T extends object>(value: T | NotMeasured): value is T => !("notMeasured" in value);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether this build of pr-sync has the repository sync job the bench drives. */
export function hasRepositorySync(app: PrSync): boolean {
  if (!app.runtime) return false;
  return jobDefinitions(app.runtime).some((definition) => definition.name === JOBS.repositorySync);
}

function countRequests(sim: GitHubSimulator, from: number, installationId: number) {
  const entries = sim.requestLog.filter(
    (e) => e.at >= from && (e.installationId === installationId || e.kind === "app"),
  );
  return {
    restRequests: entries.filter((e) => e.kind === "rest" && e.status !== 304).length,
    graphqlRequests: entries.filter((e) => e.kind === "graphql").length,
    graphqlPoints: entries.reduce((sum, e) => sum + (e.cost ?? 0), 0),
  };
}

async function repositoryRows(app: PrSync, installationId: number) {
  const { rows } = await app.runtime!.pool.query<{ id: string; status: string; completed: Date | null }>(
    "select id, status, sync_completed_at as completed from repositories where installation_id = $1 and active",
    [installationId],
  );
  return rows.map((r) => ({ id: Number(r.id), status: r.status, completed: r.completed }));
}

async function storedPullRequests(app: PrSync, repositoryIds: number[]): Promise<number> {
  const { rows } = await app.runtime!.pool.query<{ count: string }>(
    "select count(*) from pull_requests where repository_id = any($1)",
    [repositoryIds],
  );
  return Number(rows[0]?.count ?? 0);
}

/** Waits until every repository finished a run that completed after `since`; an error status ends the wait. */
async function waitForCompletion(app: PrSync, installationId: number, since: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await repositoryRows(app, installationId);
    const failed = rows.find((r) => r.status === "error");
    if (failed) throw new Error(`repository ${failed.id} ended in error`);
    if (rows.length > 0 && rows.every((r) => r.status === "complete" && r.completed && r.completed.getTime() >= since))
      return rows;
    if (Date.now() > deadline) throw new Error(`sync did not complete within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/** Installs the app on the organization and measures the first sync, from the webhook to every repository complete. */
export async function measureBackfill(options: {
  app: PrSync;
  sim: GitHubSimulator;
  installationId: number;
  expected: number;
  timeoutMs: number;
}): Promise<SyncMeasure | NotMeasured> {
  const { app, sim, installationId } = options;
  if (!hasRepositorySync(app))
    return notMeasured(`no ${JOBS.repositorySync} job in this build (merge main once the sync jobs land)`);
  const started = Date.now();
  await sim.sendInstallationCreated(installationId);
  let rows = await repositoryRows(app, installationId);
  for (let waited = 0; rows.length === 0 && waited < 10_000; waited += 100) {
    await sleep(100);
    rows = await repositoryRows(app, installationId);
  }
  if (rows.length === 0) return notMeasured("installation.created stored no repositories");
  await sleep(1_000);
  rows = await repositoryRows(app, installationId);
  // Installing normally starts the backfill; request it explicitly when it did not.
  if (rows.every((r) => r.status === "pending"))
    for (const row of rows)
      await requestRepositorySync({
        db: app.runtime!.db,
        queue: app.runtime!.queue,
        repositoryId: row.id,
        kind: "backfill",
      });
  const done = await waitForCompletion(app, installationId, started, options.timeoutMs);
  return {
    wallMs: Date.now() - started,
    ...countRequests(sim, started, installationId),
    pullRequestsStored: await storedPullRequests(
      app,
      done.map((r) => r.id),
    ),
    pullRequestsExpected: options.expected,
    repositories: done.length,
  };
}

/** Runs a catch-up of every repository and counts what it cost. */
export async function measureCatchUp(options: {
  app: PrSync;
  sim: GitHubSimulator;
  installationId: number;
  expected: number;
  timeoutMs: number;
}): Promise<SyncMeasure | NotMeasured> {
  const { app, sim, installationId } = options;
  if (!hasRepositorySync(app)) return notMeasured(`no ${JOBS.repositorySync} job in this build`);
  const started = Date.now();
  const rows = await repositoryRows(app, installationId);
  for (const row of rows)
    await requestRepositorySync({
      db: app.runtime!.db,
      queue: app.runtime!.queue,
      repositoryId: row.id,
      kind: "catch-up",
    });
  const done = await waitForCompletion(app, installationId, started, options.timeoutMs);
  return {
    wallMs: Date.now() - started,
    ...countRequests(sim, started, installationId),
    pullRequestsStored: await storedPullRequests(
      app,
      done.map((r) => r.id),
    ),
    pullRequestsExpected: options.expected,
    repositories: done.length,
  };
}
