import type pg from "pg";
import type { Logger } from "pino";
import type { Database } from "../../db/client.js";
import type { InstallationGitHub } from "../../github/installation-client.js";
import type { SyncKind } from "./repositories.jobs.js";
import type { RepositoryRow } from "./repositories.repository.js";
import type { RunCursor, RunPlan } from "./sync-plan.models.js";

export interface RepositorySyncDeps {
  db: Database;
  pool: pg.Pool;
  log: Logger;
  now: () => Date;
  /** The installation's GitHub client; created lazily so a busy or stopped run makes no call. */
  github: (installationId: number) => Promise<InstallationGitHub>;
  /** Extends the job's lock after each page. */
  touch: () => Promise<void>;
  isLastAttempt: (error: unknown) => boolean;
  attempts: number;
  settings: {
    backfillDays: number;
    overlapMinutes: number;
    rateLimitFloor: number;
    installationConcurrency: number;
    pauseJitterMs: number;
  };
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
