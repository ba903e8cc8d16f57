import type pg from "pg";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Looks at a job's row every `everyMs` until `doneWhen` (a boolean column expression) holds or the row is gone. */
async function pollJobRow(
  pool: pg.Pool,
  table: string,
  jobId: string,
  doneWhen: string,
  options: { maxWaitMs: number; everyMs: number },
): Promise<void> {
  const deadline = Date.now() + options.maxWaitMs;
  // Agenda writes a job's end right after the handler returns, one round trip later: looking at once nearly
  // always finds it unwritten, and each millisecond waited here is one a freed place idles.
  await sleep(options.everyMs);
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ done: boolean }>(`SELECT ${doneWhen} AS done FROM ${table} WHERE id = $1`, [
      jobId,
    ]);
    if (!rows[0] || rows[0].done) return;
    await sleep(options.everyMs);
  }
}

/**
 * Waits until a job that just ended here is settled in the table: removed (a finished one-off job) or due
 * again (a retry, a pause). Agenda emits "complete" before it removes the row and frees the job's place, so
 * a wake sent at once can reach this very process while its place still looks taken. A job that stays with
 * nothing due (a failure not retried) settles after `maxWaitMs`.
 */
export function waitUntilSettled(
  pool: pg.Pool,
  table: string,
  jobId: string,
  options: { maxWaitMs?: number; everyMs?: number } = {},
): Promise<void> {
  return pollJobRow(pool, table, jobId, "next_run_at IS NOT NULL", {
    maxWaitMs: options.maxWaitMs ?? 1_000,
    everyMs: options.everyMs ?? 4,
  });
}

/** Waits, up to `maxWaitMs`, until a job is no longer locked: it ended (done, failed) or is due again. */
export function waitUntilUnlocked(pool: pg.Pool, table: string, jobId: string, maxWaitMs: number): Promise<void> {
  return pollJobRow(pool, table, jobId, "locked_at IS NULL", { maxWaitMs, everyMs: 20 });
}
