import type { Logger } from "pino";

/** What a job handler gets besides its data. */
export interface JobContext {
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  /** True when a failure of this run will not be retried. */
  isLastAttempt: (error: unknown) => boolean;
  /** Run the same job again at `at` once this run returns (a rate-limit pause, a busy installation). */
  runAgainAt: (at: Date) => void;
  /** Extends the job's lock; call after each unit of work so a live worker keeps its job. */
  touch: () => Promise<void>;
  log: Logger;
}

/**
 * The convention every background job follows: one file per job exporting one of these,
 * registered in jobs/job-list.ts.
 */
export interface JobDefinition<Data> {
  name: string;
  /** How many of this job run at once in one process. */
  concurrency: number;
  /** How many tries a transient failure gets in all. */
  attempts: number;
  /** A worker that stops touching its job for this long is presumed dead; another one takes the job. */
  lockLifetimeMs: number;
  /** The data field that makes a job unique while queued or running (e.g. one backfill per repository). */
  uniqueBy?: keyof Data & string;
  handler: (data: Data, context: JobContext) => Promise<void>;
}

export type AnyJobDefinition = JobDefinition<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
