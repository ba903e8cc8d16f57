import type pg from "pg";

/** The advisory-lock class that serialises admission decisions of one group (say, one installation). */
const ADMISSION_LOCK_CLASS = 7_243_300;

/**
 * At most `limit` jobs of one name and group are admitted (queued to run, running, or waiting for their own
 * retry or rate-limit time); the rest wait, disabled so no worker locks them, in the order they came. A
 * worker's concurrency is then only ever spent on jobs that can run, and a group with a thousand jobs holds
 * no more of the queue than a group with three.
 */
export interface AdmissionRule {
  /** The job data field naming the group. */
  groupBy: string;
  limit: number;
}

/** A job counts as admitted while it is enabled and queued or locked. */
const ADMITTED = `NOT disabled AND (next_run_at IS NOT NULL OR locked_at IS NOT NULL)`;

/**
 * A group's only admitted job is due this much earlier than its others. Workers take due jobs oldest first, so
 * every group's first job runs before any group's second one: a group installed behind a crowd of others
 * waits for one job per group ahead of it, not for all their slots' worth.
 */
export const FIRST_JOB_HEAD_START_MS = 3_600_000;

/** Takes the group's admission lock for the rest of the client's transaction. */
export async function lockAdmission(client: pg.PoolClient, name: string, group: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [ADMISSION_LOCK_CLASS, `${name}:${group}`]);
}

/**
 * Whether a new job of the group must wait, and if not, whether it is the group's only admitted job (it then
 * gets the head start); call under lockAdmission.
 */
export async function admissionFor(
  client: pg.PoolClient,
  table: string,
  name: string,
  rule: AdmissionRule,
  group: string,
): Promise<"wait" | "first" | "admitted"> {
  const { rows } = await client.query<{ admitted: number }>(
    `SELECT count(*)::int AS admitted FROM ${table} WHERE name = $1 AND data->>$2 = $3 AND ${ADMITTED}`,
    [name, rule.groupBy, group],
  );
  const admitted = rows[0]?.admitted ?? 0;
  return admitted >= rule.limit ? "wait" : admitted === 0 ? "first" : "admitted";
}

/**
 * Admits waiting jobs, oldest first, until each group has `limit` admitted; only `group` when given, else
 * every group (the periodic sweep, which also heals a group whose admitted job was cancelled). Returns the ids
 * admitted, now due (a group's only one with the head start).
 */
export async function admitWaiting(
  pool: pg.Pool,
  table: string,
  name: string,
  rule: AdmissionRule,
  group?: string,
): Promise<string[]> {
  const sql = `
    WITH waiting AS (
      SELECT id, data->>$2 AS grp,
             row_number() OVER (PARTITION BY data->>$2 ORDER BY next_run_at, id) AS place
        FROM ${table}
       WHERE name = $1 AND disabled AND ($4::text IS NULL OR data->>$2 = $4)
    ), admitted AS (
      SELECT data->>$2 AS grp, count(*) AS n FROM ${table}
       WHERE name = $1 AND ${ADMITTED} AND ($4::text IS NULL OR data->>$2 = $4)
       GROUP BY 1
    )
    UPDATE ${table} j SET disabled = false,
           next_run_at = now() - CASE WHEN w.place = 1 AND COALESCE(a.n, 0) = 0
                                      THEN make_interval(secs => $5::float8 / 1000) ELSE interval '0' END
      FROM waiting w LEFT JOIN admitted a ON a.grp = w.grp
     WHERE j.id = w.id AND w.place <= $3 - COALESCE(a.n, 0)
    RETURNING j.id`;
  const params = [name, rule.groupBy, rule.limit, group ?? null, FIRST_JOB_HEAD_START_MS];
  if (group === undefined) {
    const { rows } = await pool.query<{ id: string }>(sql, params);
    return rows.map((r) => r.id);
  }
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await lockAdmission(client, name, group);
    const { rows } = await client.query<{ id: string }>(sql, params);
    await client.query("COMMIT");
    return rows.map((r) => r.id);
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
