import { Agenda, toJobId, type Job } from "agenda";
import { PostgresBackend } from "@agendajs/postgres-backend";
import type pg from "pg";
import type { Logger } from "pino";
import { LOCK_KEYS, withAdvisoryLock } from "../db/advisory-lock.js";
import { admitWaiting } from "./admission.js";
import { releaseDeadWorkersJobs } from "./dead-worker-release.js";
import { DueJobChannel } from "./due-job-channel.js";
import { ensureDataKeyIndexes, lookupFields } from "./job-data-keys.js";
import type { AnyJobDefinition } from "./job-definition.js";
import { AGENDA_TABLE, enqueueJob, enqueueJobs, pendingJobs, type EnqueueResult } from "./job-enqueue.js";
import type { JobName, JobRegistry } from "./job-registry.js";
import { createLookahead } from "./job-lookahead.js";
import { defineJob } from "./job-runner.js";
import { waitUntilSettled, waitUntilUnlocked } from "./job-settled.js";

export { AGENDA_TABLE, type EnqueueResult } from "./job-enqueue.js";

/** How often a drain looks whether its jobs have all ended. */
const DRAIN_LOOK_MS = 20;

export interface JobQueue {
  agenda: Agenda;
  enqueue: <Name extends JobName>(
    name: Name,
    data: JobRegistry[Name],
    options?: { at?: Date },
  ) => Promise<EnqueueResult>;
  /** Queues many jobs of `name`, due now, all of one admission group, as one batch (see enqueueJobs). */
  enqueueMany: <Name extends JobName>(name: Name, data: JobRegistry[Name][]) => Promise<EnqueueResult[]>;
  /** Runs `name` with `data` on a cron schedule, in UTC; one row per name, so every instance may call this. */
  every: <Name extends JobName>(cron: string, name: Name, data: JobRegistry[Name]) => Promise<void>;
  /** Removes queued jobs whose data contains `data`. A running one stops by its own checks. */
  cancel: <Name extends JobName>(name: Name, data: Partial<JobRegistry[Name]>) => Promise<number>;
  /** Waits, up to `maxWaitMs`, until a running job is no longer locked: it ended, failed or is due again. */
  waitUntilUnlocked: (jobId: string, maxWaitMs: number) => Promise<void>;
  /** Queued or running jobs of `name` whose data contains `data`. */
  pending: <Name extends JobName>(
    name: Name,
    data: Partial<JobRegistry[Name]>,
  ) => Promise<{ id: string; nextRunAt: Date | null; running: boolean }[]>;
  /**
   * Defines the jobs this queue runs and enqueues, and indexes the data fields they are looked up by; call
   * once, before start() and the first enqueue.
   */
  register: (definitions: AnyJobDefinition[]) => Promise<void>;
  /** Releases dead workers' jobs and admits waiting ones; start() runs it at once and then every sweepMs. */
  sweep: () => Promise<{ released: number; admitted: number }>;
  start: () => Promise<void>;
  /**
   * For a process that runs no jobs (PR_SYNC_ROLE=web): opens its notice line, so that the jobs it queues wake
   * the workers at once instead of at their next scan. Not with start(), which opens it itself.
   */
  connectNotices: () => Promise<void>;
  /** Waits for running jobs (up to timeoutMs), then unlocks whatever is left so another worker takes it. */
  drain: (timeoutMs: number) => Promise<void>;
  isRunning: () => boolean;
}

/** Agenda on the shared pool, its tables created under the schema lock, its errors and failures logged. */
async function openAgenda(options: { pool: pg.Pool; log: Logger; name?: string; processEveryMs?: number }) {
  const { pool, log } = options;
  const backend = new PostgresBackend({ pool, tableName: AGENDA_TABLE, disableNotifications: true });
  const channel = new DueJobChannel(pool);
  // The LISTEN connection reconnects by itself after a database restart; its errors are only logged.
  channel.on("error", (error: unknown) => log.warn({ err: error }, "job notifications interrupted"));
  // Agenda creates its tables as soon as it is constructed; the schema lock keeps two starting
  // instances from racing on CREATE TABLE.
  const agenda = await withAdvisoryLock(pool, LOCK_KEYS.schema, async () => {
    const created = new Agenda({
      backend,
      notificationChannel: channel,
      ...(options.name ? { name: options.name } : {}),
      processEvery: options.processEveryMs ?? 5_000,
      removeOnComplete: true,
      maxConcurrency: 50,
    });
    await created.ready;
    return created;
  });
  agenda.on("error", (error) => log.error({ err: error }, "job queue error"));
  agenda.on("fail", (error, job) => {
    if ("attrs" in job) {
      log.warn({ err: error, job: job.attrs.name, data: job.attrs.data, failCount: job.attrs.failCount }, "job failed");
    }
  });
  return { agenda, channel };
}

/**
 * Builds the Agenda queue on the shared pool and registers every definition with the same wrapper:
 * attempt counting, explicit retry decisions and "run again at" for rate-limit pauses.
 */
export async function createJobQueue(options: {
  pool: pg.Pool;
  log: Logger;
  /** Agenda's name, written into every job this process locks: the worker id (see workers.ts). */
  name?: string;
  processEveryMs?: number;
  /** How often this process looks for dead workers' jobs and waiting jobs with room (default 5 s). */
  sweepMs?: number;
  /** A dead worker's job touched more recently than this stays locked (default 5 s). */
  deadWorkerGraceMs?: number;
  retryBaseMs?: number;
}): Promise<JobQueue> {
  const { pool, log } = options;
  const byName = new Map<string, AnyJobDefinition>();
  const { agenda, channel } = await openAgenda(options);

  const places = keepPlacesBusy({ pool, log, agenda, channel, byName, deadWorkerGraceMs: options.deadWorkerGraceMs });
  agenda.on("complete", places.onComplete);
  const { sweep } = places;

  function registered(name: string): AnyJobDefinition {
    const definition = byName.get(name);
    if (!definition) throw new Error(`pr-sync: no job named "${name}" is registered`);
    return definition;
  }

  function define(definition: AnyJobDefinition) {
    byName.set(definition.name, definition);
    defineJob(agenda, definition, { log, retryBaseMs: options.retryBaseMs });
  }

  return {
    agenda,
    register: async (definitions) => {
      definitions.forEach(define);
      await ensureDataKeyIndexes(pool, AGENDA_TABLE, lookupFields(definitions));
    },
    enqueue: (name, data, enqueueOptions = {}) =>
      enqueueJob({ pool, agenda, definition: registered(name), data, at: enqueueOptions.at }),
    enqueueMany: (name, data) => enqueueJobs({ pool, agenda, definition: registered(name), data }),
    pending: (name, data) => pendingJobs(pool, name, data),
    waitUntilUnlocked: (jobId, maxWaitMs) => waitUntilUnlocked(pool, AGENDA_TABLE, jobId, maxWaitMs),
    every: async (cron, name, data) => {
      await agenda.every(cron, name, data, { timezone: "UTC", skipImmediate: true });
    },
    cancel: (name, data) => agenda.cancel({ name, data }),
    sweep,
    ...runningState({ agenda, channel, sweep, log, sweepMs: options.sweepMs ?? 5_000 }),
  };
}

/**
 * Whether this process runs jobs (start, drain) or only queues them for others (connectNotices): Agenda, its
 * sweep and its notice line are opened and closed together.
 */
function runningState(options: {
  agenda: Agenda;
  channel: DueJobChannel;
  sweep: () => Promise<unknown>;
  log: Logger;
  sweepMs: number;
}): Pick<JobQueue, "start" | "connectNotices" | "drain" | "isRunning"> {
  const { agenda, channel, sweep, log } = options;
  // Running jobs, or only sending notices of the jobs it queues (a web process), or neither yet or any more.
  let mode: "idle" | "running" | "notices" = "idle";
  let sweeper: NodeJS.Timeout | undefined;
  return {
    start: async () => {
      // A restarting worker frees what its previous life held before it asks for work.
      await sweep();
      await agenda.start();
      mode = "running";
      sweeper = setInterval(() => {
        sweep().catch((error: unknown) => log.warn({ err: error }, "job sweep failed"));
      }, options.sweepMs);
    },
    connectNotices: async () => {
      if (mode !== "idle") return;
      mode = "notices";
      await channel.connect();
    },
    drain: async (timeoutMs) => {
      if (mode === "notices") {
        mode = "idle";
        await channel.disconnect();
        return;
      }
      if (mode !== "running") return;
      mode = "idle";
      clearInterval(sweeper);
      const result = await drainUntilIdle(agenda, timeoutMs);
      if (result.timedOut) await agenda.stop(false);
    },
    isRunning: () => mode === "running",
  };
}

/**
 * agenda.drain, ended as soon as no job runs here. Agenda's drain looks again only when a job emits "complete",
 * but a finished one-off job still counts as running until its row is removed, one round trip after that event:
 * a drain whose last job ended during it waited out its whole timeout (25 s at SIGTERM) for nothing.
 */
async function drainUntilIdle(agenda: Agenda, timeoutMs: number) {
  const idle = new AbortController();
  let looking = false;
  const watch = setInterval(() => {
    if (looking) return;
    looking = true;
    agenda
      .getRunningStats()
      .then((stats) => {
        if (stats.runningJobs === 0) idle.abort();
      })
      // A failed look is no answer: the drain's own timeout still bounds the wait.
      .catch(() => {})
      .finally(() => {
        looking = false;
      });
  }, DRAIN_LOOK_MS);
  try {
    return await agenda.drain({ timeout: timeoutMs, closeConnection: false, signal: idle.signal });
  } finally {
    clearInterval(watch);
  }
}

/**
 * Keeps freed places busy: when a job ends, its group's next waiting job is admitted and every process is told
 * a job of that name is due; the sweep does the same for dead workers' jobs and for waiting jobs with room.
 */
function keepPlacesBusy(options: {
  pool: pg.Pool;
  log: Logger;
  agenda: Agenda;
  channel: DueJobChannel;
  byName: Map<string, AnyJobDefinition>;
  deadWorkerGraceMs: number | undefined;
}) {
  const { pool, log, agenda, channel, byName, deadWorkerGraceMs } = options;
  // Jobs starting, ending and swept into place are when the next ones move up: the time to prepare them.
  const lookahead = createLookahead({ pool, log, agenda, table: AGENDA_TABLE, byName });
  /** Tells every process's Agenda (LISTEN/NOTIFY) that a job of `name` is due now, instead of waiting for its next scan. */
  const wake = async (name: string, jobId: string) => {
    if (channel.state !== "connected") return;
    await channel.publish({
      jobId: toJobId(jobId),
      jobName: name,
      nextRunAt: new Date(),
      priority: 0,
      timestamp: new Date(),
    });
  };
  const admitted = async (definition: AnyJobDefinition, group?: string) => {
    if (!definition.admission) return [];
    return admitWaiting(pool, AGENDA_TABLE, definition.name, definition.admission, group);
  };
  // The moment a job ends here its place is taken: the group's next waiting job is admitted, and once Agenda
  // has freed the place, every process looks for a due job of that name. Agenda itself only refills its
  // places at its next scan, so without this a freed place would idle while due jobs wait.
  const onComplete = (job: Job<unknown>) => {
    const definition = byName.get(job.attrs.name);
    if (!definition) return;
    const finishedId = String(job.attrs._id);
    const group = definition.admission
      ? String((job.attrs.data as Record<string, unknown>)[definition.admission.groupBy])
      : undefined;
    // Admitting the next job and waiting for Agenda to free this one's place are independent: side by side.
    Promise.all([admitted(definition, group), waitUntilSettled(pool, AGENDA_TABLE, finishedId)])
      .then(([ids]) => wake(definition.name, ids[0] ?? finishedId))
      .catch((error: unknown) => log.warn({ err: error }, "could not hand the finished job's place on"));
  };
  async function sweep() {
    const released = await releaseDeadWorkersJobs(pool, AGENDA_TABLE, { graceMs: deadWorkerGraceMs ?? 5_000 });
    if (released.length > 0) log.warn({ jobs: released }, "released the jobs of workers that died");
    for (const { name, id } of released) await wake(name, id);
    let admittedCount = 0;
    for (const definition of byName.values()) {
      const ids = await admitted(definition);
      if (ids[0]) await wake(definition.name, ids[0]);
      admittedCount += ids.length;
    }
    lookahead.poke();
    return { released: released.length, admitted: admittedCount };
  }

  return { onComplete, sweep };
}
