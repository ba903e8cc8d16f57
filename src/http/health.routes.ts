import type { ServerResponse } from "node:http";
import type pg from "pg";
import type { Logger } from "pino";
import type { JobQueue } from "../jobs/job-queue.js";
import { AGENDA_TABLE } from "../jobs/job-queue.js";
import { sendJson } from "./responses.js";
import type { AppRouter } from "./router.js";

/**
 * Answers 200 with what `read` found and the database's latency, or 503 with `unavailable` when the database
 * did not answer. The reason (often the database's host and port) goes to the log, never to an anonymous caller.
 */
async function answerFromDatabase<T>(
  res: ServerResponse,
  log: Logger,
  read: () => Promise<T>,
  answers: { ok: (found: T, latencyMs: number) => object; unavailable: () => object },
): Promise<void> {
  const started = Date.now();
  let found: T;
  try {
    found = await read();
  } catch (error) {
    log.warn({ err: error }, "health check: the database did not answer");
    sendJson(res, 503, answers.unavailable());
    return;
  }
  sendJson(res, 200, answers.ok(found, Date.now() - started));
}

/**
 * The job queue's rows by state, as the pr_sync_jobs metric counts them: a failed job waiting for its retry is
 * "retrying"; one whose tries are used up (or whose failure is permanent) is "failed" and will not run again.
 */
async function countJobs(pool: pg.Pool) {
  const { rows } = await pool.query<{ queued: string; running: string; retrying: string; failed: string }>(
    `SELECT count(*) FILTER (WHERE next_run_at IS NOT NULL AND locked_at IS NULL AND coalesce(fail_count, 0) = 0) AS queued,
            count(*) FILTER (WHERE locked_at IS NOT NULL) AS running,
            count(*) FILTER (WHERE fail_count > 0 AND next_run_at IS NOT NULL AND locked_at IS NULL) AS retrying,
            count(*) FILTER (WHERE fail_count > 0 AND next_run_at IS NULL AND locked_at IS NULL) AS failed
       FROM ${AGENDA_TABLE}`,
  );
  const counts = rows[0]!;
  return {
    queued: Number(counts.queued),
    running: Number(counts.running),
    retrying: Number(counts.retrying),
    failed: Number(counts.failed),
  };
}

/** GET /health: 200 when the database answers, 503 when it does not; with the job queue's state. */
export function registerHealthRoutes(router: AppRouter, deps: { pool: pg.Pool; queue: JobQueue; log: Logger }): void {
  const queueStatus = () => (deps.queue.isRunning() ? "running" : "stopped");
  router.on("GET", "/health", ({ res }) =>
    answerFromDatabase(res, deps.log, () => countJobs(deps.pool), {
      ok: (counts, latencyMs) => ({
        status: "ok",
        database: { status: "ok", latencyMs },
        jobQueue: { status: queueStatus(), ...counts },
      }),
      unavailable: () => ({ status: "unavailable", database: "unavailable", jobQueue: { status: queueStatus() } }),
    }),
  );
}

/**
 * GET /health before a GitHub App is registered: 200 while the database answers, with status "setup" and the
 * page that registers the app; 503 when the database does not. An orchestrator's or load balancer's check sees
 * a live process waiting for its setup, not a missing route.
 */
export function registerSetupHealthRoutes(router: AppRouter, deps: { pool: pg.Pool; log: Logger; setupPath: string }) {
  router.on("GET", "/health", ({ res }) =>
    answerFromDatabase(res, deps.log, () => deps.pool.query("SELECT 1"), {
      ok: (_, latencyMs) => ({ status: "setup", setup: deps.setupPath, database: { status: "ok", latencyMs } }),
      unavailable: () => ({ status: "unavailable", database: "unavailable" }),
    }),
  );
}
