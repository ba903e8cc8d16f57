import { Agenda, type Job } from "agenda";
import { PostgresBackend } from "@agendajs/postgres-backend";
import type pg from "pg";
import type { Logger } from "pino";
import { LOCK_KEYS, withAdvisoryLock } from "../db/advisory-lock.js";
import { retryDelay } from "./backoff.js";
import { isPermanent } from "./errors.js";
import type { AnyJobDefinition, JobContext } from "./job-definition.js";

export const AGENDA_TABLE = "agenda_jobs";

export interface EnqueueResult {
  /** False when an equal job was already queued or running; nothing new was created. */
  created: boolean;
  jobId: string;
  nextRunAt: Date | null;
  running: boolean;
}

export interface JobQueue {
  agenda: Agenda;
  enqueue: <Data extends object>(name: string, data: Data, options?: { at?: Date }) => Promise<EnqueueResult>;
  /** Removes queued jobs whose data contains `data`. A running one stops by its own checks. */
  cancel: (name: string, data: object) => Promise<number>;
  /** Queued or running jobs of `name` whose data contains `data`. */
  pending: (name: string, data: object) => Promise<{ id: string; nextRunAt: Date | null; running: boolean }[]>;
  start: () => Promise<void>;
  /** Waits for running jobs (up to timeoutMs), then unlocks whatever is left so another worker takes it. */
  drain: (timeoutMs: number) => Promise<void>;
  isRunning: () => boolean;
}

/**
 * Builds the Agenda queue on the shared pool and registers every definition with the same wrapper:
 * attempt counting, explicit retry decisions and "run again at" for rate-limit pauses.
 */
export async function createJobQueue(options: {
  pool: pg.Pool;
  definitions: AnyJobDefinition[];
  log: Logger;
  name?: string;
  processEveryMs?: number;
  retryBaseMs?: number;
}): Promise<JobQueue> {
  const { pool, definitions, log } = options;
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const backend = new PostgresBackend({ pool, tableName: AGENDA_TABLE });
  // The LISTEN connection reconnects by itself after a database restart; its errors are only logged.
  backend.notificationChannel?.on("error", (error: unknown) =>
    log.warn({ err: error }, "job notifications interrupted"),
  );
  // Agenda creates its tables as soon as it is constructed; the schema lock keeps two starting
  // instances from racing on CREATE TABLE.
  const agenda = await withAdvisoryLock(pool, LOCK_KEYS.schema, async () => {
    const created = new Agenda({
      backend,
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
  let started = false;

  for (const definition of definitions) {
    agenda.define(
      definition.name,
      async (job: Job<unknown>) => {
        const attempt = (job.attrs.failCount ?? 0) + 1;
        let again: Date | undefined;
        const context: JobContext = {
          attempt,
          isLastAttempt: (error) => isPermanent(error) || attempt >= definition.attempts,
          runAgainAt: (at) => {
            again = at;
          },
          touch: async () => {
            await job.touch();
          },
          log: log.child({ job: definition.name, jobId: String(job.attrs._id) }),
        };
        await definition.handler(job.attrs.data, context);
        // Agenda saves nextRunAt after the handler returns, so setting it here reschedules this same job.
        if (again) job.attrs.nextRunAt = again;
      },
      {
        concurrency: definition.concurrency,
        lockLimit: definition.concurrency,
        lockLifetime: definition.lockLifetimeMs,
        backoff: (ctx) =>
          retryDelay({
            attempt: ctx.attempt,
            attempts: definition.attempts,
            error: ctx.error,
            ...(options.retryBaseMs !== undefined ? { baseMs: options.retryBaseMs } : {}),
          }),
      },
    );
  }

  async function pending(name: string, data: object) {
    const { rows } = await pool.query<{ id: string; next_run_at: Date | null; locked_at: Date | null }>(
      `SELECT id, next_run_at, locked_at FROM ${AGENDA_TABLE}
        WHERE name = $1 AND data @> $2::jsonb AND disabled = false
          AND (next_run_at IS NOT NULL OR locked_at IS NOT NULL)
        ORDER BY next_run_at NULLS FIRST`,
      [name, JSON.stringify(data)],
    );
    return rows.map((r) => ({ id: r.id, nextRunAt: r.next_run_at, running: r.locked_at !== null }));
  }

  async function enqueue<Data extends object>(
    name: string,
    data: Data,
    enqueueOptions: { at?: Date } = {},
  ): Promise<EnqueueResult> {
    const definition = byName.get(name);
    if (!definition) throw new Error(`pr-sync: no job named "${name}" is registered`);
    const save = async () => {
      const job = agenda.create(name, data);
      job.schedule(enqueueOptions.at ?? new Date());
      await job.save();
      return { created: true, jobId: String(job.attrs._id), nextRunAt: job.attrs.nextRunAt ?? null, running: false };
    };
    if (!definition.uniqueBy) return save();

    const key = (data as Record<string, unknown>)[definition.uniqueBy];
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      // Serialises enqueuers of the same key across processes; released at COMMIT, after the insert is visible.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${name}:${String(key)}`]);
      const existing = await pending(name, { [definition.uniqueBy]: key });
      const result = existing[0]
        ? { created: false, jobId: existing[0].id, nextRunAt: existing[0].nextRunAt, running: existing[0].running }
        : await save();
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  return {
    agenda,
    enqueue,
    pending,
    cancel: (name, data) => agenda.cancel({ name, data }),
    start: async () => {
      await agenda.start();
      started = true;
    },
    drain: async (timeoutMs) => {
      if (!started) return;
      started = false;
      const result = await agenda.drain({ timeout: timeoutMs, closeConnection: false });
      if (result.timedOut) await agenda.stop(false);
    },
    isRunning: () => started,
  };
}
