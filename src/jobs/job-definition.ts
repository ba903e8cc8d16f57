import type { Logger } from "pino";
import type { JobName, JobRegistry } from "./job-registry.js";

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

/** A field of a job's data; over several names, a field of any of them. */
export type JobDataKey<Name extends JobName> = { [N in Name]: keyof JobRegistry[N] & string }[Name];

/**
 * The convention every background job follows: one file per job exporting one of these,
 * registered in jobs/job-list.ts.
 */
export interface JobDefinition<Name extends JobName> {
  name: Name;
  /** How many of this job run at once in one process. */
  concurrency: number;
  /** How many tries a transient failure gets in all. */
  attempts: number;
  /** A worker that stops touching its job for this long is presumed dead; another one takes the job. */
  lockLifetimeMs: number;
  /** The data field that makes a job unique while queued or running (e.g. one backfill per repository). */
  uniqueBy?: JobDataKey<Name>;
  /**
   * At most `limit` jobs with the same `groupBy` value are admitted at once, across all processes; the others
   * wait their turn without taking a worker's concurrency, and one is admitted the moment an admitted one ends.
   */
  admission?: { groupBy: JobDataKey<Name>; limit: number };
  /**
   * Shown the data of up to `jobs` of this job's next due runs that no worker holds yet, whenever one of its jobs
   * starts or ends in this process and at every sweep, to prepare them outside any place (say, create the
   * tokens they will need). It must return at once and never throw.
   */
  lookahead?: { jobs: number; prepare: (upcoming: JobRegistry[Name][]) => void };
  // A method, so the definition of one job is also a definition of "some job" in the list that registers them.
  handler(data: JobRegistry[Name], context: JobContext): Promise<void>;
}

/**
 * The definition of any registered job, as the queue holds them. Its data comes back from the database, where
 * enqueue() stored it checked against the same name; the handler is a method, so each job's definition fits here.
 */
export interface AnyJobDefinition extends Omit<
  JobDefinition<JobName>,
  "uniqueBy" | "admission" | "lookahead" | "handler"
> {
  uniqueBy?: string;
  admission?: { groupBy: string; limit: number };
  lookahead?: { jobs: number; prepare: (upcoming: never[]) => void };
  handler(data: unknown, context: JobContext): Promise<void>;
}
