import type { Agenda } from "agenda";
import type pg from "pg";
import { admissionFor, FIRST_JOB_HEAD_START_MS, lockAdmission } from "./admission.js";
import type { AnyJobDefinition } from "./job-definition.js";

export const AGENDA_TABLE = "agenda_jobs";

export interface EnqueueResult {
  /** False when an equal job was already queued or running; nothing new was created. */
  created: boolean;
  jobId: string;
  nextRunAt: Date | null;
  running: boolean;
}

/** Queued or running jobs of `name` whose data contains `data`. */
export async function pendingJobs(pool: pg.Pool | pg.PoolClient, name: string, data: object) {
  const { rows } = await pool.query<{ id: string; next_run_at: Date | null; locked_at: Date | null }>(
    `SELECT id, next_run_at, locked_at FROM ${AGENDA_TABLE}
      WHERE name = $1 AND data @> $2::jsonb
        AND (next_run_at IS NOT NULL OR locked_at IS NOT NULL)
      ORDER BY next_run_at NULLS FIRST`,
    [name, JSON.stringify(data)],
  );
  return rows.map((r) => ({ id: r.id, nextRunAt: r.next_run_at, running: r.locked_at !== null }));
}

/**
 * Queues one job. A unique job already queued or running is returned instead of a second one; a job of a
 * group at its admission limit is saved disabled, to be admitted when one of the group ends.
 */
export async function enqueueJob(options: {
  pool: pg.Pool;
  agenda: Agenda;
  definition: AnyJobDefinition;
  data: object;
  at?: Date | undefined;
}): Promise<EnqueueResult> {
  const { pool, agenda, definition, data } = options;
  const name = definition.name;
  const save = async (admission?: "wait" | "first" | "admitted") => {
    const due = options.at ?? new Date();
    const headStart = admission === "first" && due.getTime() <= Date.now() ? FIRST_JOB_HEAD_START_MS : 0;
    const job = agenda.create(name, data);
    job.schedule(new Date(due.getTime() - headStart));
    if (admission === "wait") job.disable();
    await job.save();
    const nextRunAt = headStart ? due : (job.attrs.nextRunAt ?? null);
    return { created: true, jobId: String(job.attrs._id), nextRunAt, running: false };
  };
  if (!definition.uniqueBy && !definition.admission) return save();

  const value = (key: string) => (data as Record<string, unknown>)[key];
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Serialises enqueuers of the same key across processes; released at COMMIT, after the insert is visible.
    if (definition.uniqueBy)
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
        `${name}:${String(value(definition.uniqueBy))}`,
      ]);
    const existing = definition.uniqueBy
      ? await pendingJobs(pool, name, { [definition.uniqueBy]: value(definition.uniqueBy) })
      : [];
    const rule = definition.admission;
    if (rule && !existing[0]) await lockAdmission(client, name, String(value(rule.groupBy)));
    const result = existing[0]
      ? { created: false, jobId: existing[0].id, nextRunAt: existing[0].nextRunAt, running: existing[0].running }
      : await save(
          rule ? await admissionFor(client, AGENDA_TABLE, name, rule, String(value(rule.groupBy))) : undefined,
        );
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
