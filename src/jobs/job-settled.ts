import type pg from "pg";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until a job that just ended here is settled in the table: removed (a finished one-off job) or due
 * again (a retry, a pause). Agenda emits "complete" before it removes the row and frees the job's place, so
 * a wake sent at once can reach this very process while its place still looks taken. A job that stays with
 * nothing due (a failure not retried) settles after `maxWaitMs`.
 */
export async function waitUntilSettled(
  pool: pg.Pool,
  table: string,
  jobId: string,
  options: { maxWaitMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.maxWaitMs ?? 1_000);
  const everyMs = options.everyMs ?? 4;
  // Agenda removes the row right after "complete", one round trip later: looking at once nearly always finds
  // it still there, and each millisecond waited here is one the freed place idles.
  await sleep(everyMs);
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ due: boolean }>(
      `SELECT next_run_at IS NOT NULL AS due FROM ${table} WHERE id = $1`,
      [jobId],
    );
    if (!rows[0] || rows[0].due) return;
    await sleep(everyMs);
  }
}
