import type { Agenda } from "agenda";
import type pg from "pg";
import { admissionAfter, countAdmitted, FIRST_JOB_HEAD_START_MS, lockAdmission, type Admission } from "./admission.js";
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

/** Saves one job through Agenda: due at `at` (default now), disabled when it must wait, a group's first one early. */
async function saveJob(agenda: Agenda, name: string, data: object, at: Date | undefined, admission?: Admission) {
  const due = at ?? new Date();
  const headStart = admission === "first" && due.getTime() <= Date.now() ? FIRST_JOB_HEAD_START_MS : 0;
  const job = agenda.create(name, data);
  job.schedule(new Date(due.getTime() - headStart));
  if (admission === "wait") job.disable();
  await job.save();
  const nextRunAt = headStart ? due : (job.attrs.nextRunAt ?? null);
  return { created: true, jobId: String(job.attrs._id), nextRunAt, running: false } satisfies EnqueueResult;
}

/** Runs `work` in a transaction on a client of its own: what it locks there is held until it commits. */
async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
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
  const [result] = await enqueueJobs({ ...options, data: [options.data] });
  return result!;
}

/** How many of a batch's jobs are saved at once. */
const SAVES_AT_ONCE = 10;

/**
 * Queues jobs of one name, all of one admission group, due at `at` (default now). A unique job already queued
 * or running is returned instead of a second one; the group's limit admits the first ones, and the rest are
 * saved disabled, to be admitted when one of the group ends. One transaction and a few round trips for the
 * whole batch, not a few for each job: a daily catch-up queues ten thousand.
 */
export async function enqueueJobs(options: {
  pool: pg.Pool;
  agenda: Agenda;
  definition: AnyJobDefinition;
  data: object[];
  at?: Date | undefined;
}): Promise<EnqueueResult[]> {
  const { pool, agenda, definition, at } = options;
  const name = definition.name;
  const { uniqueBy, admission: rule } = definition;
  const value = (data: object, key: string) => String((data as Record<string, unknown>)[key]);
  const groups = new Set(rule ? options.data.map((data) => value(data, rule.groupBy)) : []);
  if (groups.size > 1) throw new Error(`pr-sync: a batch of "${name}" jobs must be of one admission group`);
  if (options.data.length === 0) return [];
  if (!uniqueBy && !rule) return Promise.all(options.data.map((data) => saveJob(agenda, name, data, at)));

  return inTransaction(pool, async (client) => {
    const existing = uniqueBy
      ? await lockAndFindPending(
          client,
          pool,
          name,
          uniqueBy,
          options.data.map((data) => value(data, uniqueBy)),
        )
      : new Map<string, EnqueueResult>();
    const seen = new Set<string>();
    const fresh = options.data.filter((data) => {
      if (!uniqueBy) return true;
      const key = value(data, uniqueBy);
      if (existing.has(key) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    let admitted = 0;
    if (rule && fresh.length > 0) {
      const group = value(fresh[0]!, rule.groupBy);
      await lockAdmission(client, name, group);
      admitted = await countAdmitted(client, AGENDA_TABLE, name, rule, group);
    }
    const admissionOf = (place: number): Admission | undefined => rule && admissionAfter(admitted + place, rule);
    const saved = new Map<object, EnqueueResult>();
    for (let start = 0; start < fresh.length; start += SAVES_AT_ONCE) {
      const chunk = fresh.slice(start, start + SAVES_AT_ONCE);
      const results = await Promise.all(
        chunk.map((data, i) => saveJob(agenda, name, data, at, admissionOf(start + i))),
      );
      chunk.forEach((data, i) => saved.set(data, results[i]!));
    }
    // A key given twice is saved once; its second mention gets that job, as a second enqueue would.
    for (const data of fresh)
      if (uniqueBy) existing.set(value(data, uniqueBy), { ...saved.get(data)!, created: false });
    return options.data.map((data) => saved.get(data) ?? existing.get(value(data, uniqueBy!))!);
  });
}

/** Takes the uniqueness locks of `keys` (in one order for everyone, so batches sharing keys cannot deadlock). */
async function lockAndFindPending(
  client: pg.PoolClient,
  pool: pg.Pool,
  name: string,
  uniqueBy: string,
  keys: string[],
): Promise<Map<string, EnqueueResult>> {
  const distinct = [...new Set(keys)];
  await client.query(
    'SELECT pg_advisory_xact_lock(hashtext(key)) FROM unnest($1::text[]) AS key ORDER BY key COLLATE "C"',
    [distinct.map((key) => `${name}:${key}`)],
  );
  const { rows } = await pool.query<{ key: string; id: string; next_run_at: Date | null; locked_at: Date | null }>(
    `SELECT data->>$2 AS key, id, next_run_at, locked_at FROM ${AGENDA_TABLE}
      WHERE name = $1 AND data->>$2 = ANY($3::text[])
        AND (next_run_at IS NOT NULL OR locked_at IS NOT NULL)
      ORDER BY next_run_at NULLS FIRST`,
    [name, uniqueBy, distinct],
  );
  const pending = new Map<string, EnqueueResult>();
  for (const row of rows)
    if (!pending.has(row.key))
      pending.set(row.key, {
        created: false,
        jobId: row.id,
        nextRunAt: row.next_run_at,
        running: row.locked_at !== null,
      });
  return pending;
}
