import type pg from "pg";
import { WORKER_ID_PREFIX, WORKER_LOCK_CLASS } from "./workers.js";

export interface ReleasedJob {
  id: string;
  name: string;
  worker: string;
}

/**
 * Unlocks every job held by a worker whose lock PostgreSQL no longer has (its process died), so a live worker
 * takes it at once instead of after the job's lock lifetime. A job of a live worker is never touched, however
 * long its current page takes. `graceMs` spares a job touched that recently: a worker whose connection
 * dropped with a database restart takes its lock again within that time.
 */
export async function releaseDeadWorkersJobs(
  pool: pg.Pool,
  table: string,
  options: { graceMs: number },
): Promise<ReleasedJob[]> {
  const { rows } = await pool.query<{ id: string; name: string; last_modified_by: string }>(
    `WITH live AS (
       SELECT objid::bigint AS key FROM pg_locks
        WHERE locktype = 'advisory' AND classid = $1::oid AND objsubid = 2 AND granted
     )
     UPDATE ${table}
        SET locked_at = NULL, next_run_at = LEAST(COALESCE(next_run_at, now()), now())
      WHERE locked_at IS NOT NULL
        AND locked_at < now() - make_interval(secs => $2::float8 / 1000)
        AND last_modified_by LIKE $3
        AND split_part(last_modified_by, ':', 2)::bigint NOT IN (SELECT key FROM live)
     RETURNING id, name, last_modified_by`,
    [String(WORKER_LOCK_CLASS), options.graceMs, `${WORKER_ID_PREFIX}:%`],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, worker: r.last_modified_by }));
}
