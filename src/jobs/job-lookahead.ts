import type { Agenda, Job } from "agenda";
import type pg from "pg";
import type { Logger } from "pino";
import type { AnyJobDefinition } from "./job-definition.js";

/** How far ahead a due job counts as upcoming: what is prepared sooner may be stale when the job runs. */
const HORIZON_SECONDS = 60;

/**
 * Shows each definition with a lookahead its next due, unlocked jobs whenever one of its jobs starts or ends in
 * this process (when the next ones move up) and when poked. One look at a time; a poke during a look asks for one more
 * after it, so a burst of starts costs two queries, not one per start.
 */
export function createLookahead(options: {
  pool: pg.Pool;
  log: Logger;
  agenda: Agenda;
  table: string;
  byName: Map<string, AnyJobDefinition>;
}) {
  const { pool, log, agenda, table, byName } = options;
  let looking = false;
  let again = false;

  async function look() {
    for (const definition of byName.values()) {
      if (!definition.lookahead) continue;
      const { rows } = await pool.query<{ data: never }>(
        `SELECT data FROM ${table}
          WHERE name = $1 AND NOT disabled AND locked_at IS NULL
            AND next_run_at <= now() + make_interval(secs => $3)
          ORDER BY next_run_at, priority DESC LIMIT $2`,
        [definition.name, definition.lookahead.jobs, HORIZON_SECONDS],
      );
      if (rows.length > 0) definition.lookahead.prepare(rows.map((r) => r.data));
    }
  }

  const poke = () => {
    if (looking) {
      again = true;
      return;
    }
    looking = true;
    void (async () => {
      do {
        again = false;
        await look().catch((error: unknown) => log.warn({ err: error }, "could not look at the upcoming jobs"));
      } while (again);
      looking = false;
    })();
  };
  // Only jobs that look ahead move their own queue up. Other processes' jobs are looked after by their own
  // process: this one is not told of them (see DueJobChannel).
  const ownJob = (job: Job<unknown>) => {
    if (byName.get(job.attrs.name)?.lookahead) poke();
  };
  agenda.on("start", ownJob);
  agenda.on("complete", ownJob);
  return { poke };
}
