import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import type { Logger } from "pino";
import type { JobQueue } from "../jobs/job-queue.js";
import { AGENDA_TABLE } from "../jobs/job-queue.js";
import { sendJson } from "./responses.js";
import type { AppRouter } from "./router.js";

/** GET /health: 200 when the database answers, 503 when it does not; with the job queue's state. */
export function registerHealthRoutes(router: AppRouter, deps: { pool: pg.Pool; queue: JobQueue; log: Logger }): void {
  router.on("GET", "/health", async ({ res }) => {
    const started = Date.now();
    try {
      // The same states as the pr_sync_jobs metric: a failed job waiting for its retry is "retrying";
      // one whose tries are used up (or whose failure is permanent) is "failed" and will not run again.
      const { rows } = await deps.pool.query<{ queued: string; running: string; retrying: string; failed: string }>(
        `SELECT count(*) FILTER (WHERE next_run_at IS NOT NULL AND locked_at IS NULL AND coalesce(fail_count, 0) = 0) AS queued,
                count(*) FILTER (WHERE locked_at IS NOT NULL) AS running,
                count(*) FILTER (WHERE fail_count > 0 AND next_run_at IS NOT NULL AND locked_at IS NULL) AS retrying,
                count(*) FILTER (WHERE fail_count > 0 AND next_run_at IS NULL AND locked_at IS NULL) AS failed
           FROM ${AGENDA_TABLE}`,
      );
      const counts = rows[0]!;
      sendJson(res, 200, {
        status: "ok",
        database: { status: "ok", latencyMs: Date.now() - started },
        jobQueue: {
          status: deps.queue.isRunning() ? "running" : "stopped",
          queued: Number(counts.queued),
          running: Number(counts.running),
          retrying: Number(counts.retrying),
          failed: Number(counts.failed),
        },
      });
    } catch (error) {
      // The reason (often the database's host and port) goes to the log, never to an anonymous caller.
      deps.log.warn({ err: error }, "health check: the database did not answer");
      sendJson(res, 503, {
        status: "unavailable",
        database: "unavailable",
        jobQueue: { status: deps.queue.isRunning() ? "running" : "stopped" },
      });
    }
  });
}

/**
 * GET /health before a GitHub App is registered: 200 while the database answers, with status "setup" and the
 * page that registers the app; 503 when the database does not. An orchestrator's or load balancer's check sees
 * a live process waiting for its setup, not a missing route.
 */
export function setupHealthRoute(deps: { pool: pg.Pool; log: Logger; setupPath: string }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/health") return false;
    const started = Date.now();
    try {
      await deps.pool.query("SELECT 1");
      sendJson(res, 200, {
        status: "setup",
        setup: deps.setupPath,
        database: { status: "ok", latencyMs: Date.now() - started },
      });
    } catch (error) {
      deps.log.warn({ err: error }, "health check: the database did not answer");
      sendJson(res, 503, { status: "unavailable", database: "unavailable" });
    }
    return true;
  };
}
