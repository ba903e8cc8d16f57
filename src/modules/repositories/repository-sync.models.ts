import type pg from "pg";
import type { PagedJobDeps } from "../../jobs/paged-run.js";
import type { Logger } from "pino";
import type { InstallationGitHub } from "../../github/installation-client.js";
import type { SyncKind } from "./repositories.jobs.js";
import type { RepositoryRow } from "./repositories.repository.js";
import type { RunCursor, RunPlan } from "./sync-plan.models.js";

export interface RepositorySyncDeps extends PagedJobDeps {
  pool: pg.Pool;
  settings: {
    backfillDays: number;
    overlapMinutes: number;
    rateLimitFloor: number;
    installationConcurrency: number;
    pauseJitterMs: number;
  };
  /** What follows the last page, written with the run's completion; the sync holds its place until it is done. */
  afterLastPage?: () => Promise<unknown>;
}

export type SyncOutcome =
  | { outcome: "complete"; firstSyncFinished: boolean; prs: number; reviews: number; durationMs: number }
  | { outcome: "paused"; until: Date }
  | { outcome: "busy" }
  | { outcome: "stopped"; reason: string }
  | { outcome: "failed"; firstSyncFinished: boolean; error: Error; durationMs: number };

export interface RunTotals {
  prs: number;
  reviews: number;
  pages: number;
  requests: number;
  points: number;
}

/** One repository sync in progress: what it was planned to do and how far it got. */
export interface SyncRun {
  deps: RepositorySyncDeps;
  repository: RepositoryRow;
  plan: RunPlan;
  kind: SyncKind;
  /** Counts carried over from before a pause, plus this attempt's pages. */
  totals: RunTotals;
  cursor: RunCursor;
  pageSize: number;
  /** Set by the last page, which writes the run's completion with its rows. */
  completion?: { firstSyncFinished: boolean };
  /** Set at the first page; its meter counts this attempt's requests and points. */
  github?: InstallationGitHub;
  log: Logger;
}

/** What the run has cost GitHub so far, across pauses and retries. */
export function spent(run: Pick<SyncRun, "totals" | "github">): { requests: number; points: number } {
  return {
    requests: run.totals.requests + (run.github?.meter.requests ?? 0),
    points: run.totals.points + (run.github?.meter.graphqlPoints ?? 0),
  };
}
