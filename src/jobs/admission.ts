import { sql } from "drizzle-orm";
import type pg from "pg";
import { runAsOneTransaction } from "../db/one-round-trip.js";

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

/** How many jobs of the group are admitted now; call under lockAdmission. */
export async function countAdmitted(
  client: pg.PoolClient,
  table: string,
  name: string,
  rule: AdmissionRule,
  group: string,
): Promise<number> {
  const { rows } = await client.query<{ admitted: number }>(
    `SELECT count(*)::int AS admitted FROM ${table} WHERE name = $1 AND data->>$2 = $3 AND ${ADMITTED}`,
    [name, rule.groupBy, group],
  );
  return rows[0]?.admitted ?? 0;
}

export type Admission = "wait" | "first" | "admitted";

/**
 * Whether a new job of a group with `admitted` jobs admitted ahead of it must wait, and if not, whether it is the
 * group's only admitted job (it then gets the head start).
 */
export function admissionAfter(admitted: number, rule: AdmissionRule): Admission {
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
  const key = sql`data->>${rule.groupBy}`;
  const only = group === undefined ? sql.empty() : sql`AND ${key} = ${group}`;
  const jobs = sql.raw(table);
  // One group's admission runs when a job of it ends, while the freed place waits: its lock and the update go in
  // one round trip, each statement seeing what committed before it ran, so the lock still serialises the
  // decision. The sweep takes no lock.
  const lock =
    group === undefined
      ? undefined
      : sql`SELECT pg_advisory_xact_lock(${ADMISSION_LOCK_CLASS}, hashtext(${`${name}:${group}`}))`;
  const admitted = await runAsOneTransaction<{ id: string }>(pool, [
    lock,
    sql`
    WITH waiting AS (
      SELECT id, ${key} AS grp, row_number() OVER (PARTITION BY ${key} ORDER BY next_run_at, id) AS place
        FROM ${jobs}
       WHERE name = ${name} AND disabled ${only}
    ), admitted AS (
      SELECT ${key} AS grp, count(*) AS n FROM ${jobs}
       WHERE name = ${name} AND ${sql.raw(ADMITTED)} ${only}
       GROUP BY 1
    )
    UPDATE ${jobs} j SET disabled = false,
           next_run_at = now() - CASE WHEN w.place = 1 AND COALESCE(a.n, 0) = 0
                                      THEN make_interval(secs => ${FIRST_JOB_HEAD_START_MS}::float8 / 1000)
                                      ELSE interval '0' END
      FROM waiting w LEFT JOIN admitted a ON a.grp = w.grp
     WHERE j.id = w.id AND w.place <= ${rule.limit} - COALESCE(a.n, 0)
    RETURNING j.id`,
  ]);
  return admitted.map((r) => r.id);
}
