import { PostgresNotificationChannel } from "@agendajs/postgres-backend";
import type pg from "pg";

/**
 * Agenda's LISTEN/NOTIFY channel, carrying only "a job is due" notices. Agenda also sends every job's start,
 * success and completion to every process (three NOTIFYs per job, each delivered to every listener) so that
 * `agenda.on(...)` fires there for other processes' jobs. pr-sync's handlers act only on their own process's
 * jobs, so those notices were one statement in seven of a daily catch-up, and a wake-up of every process's
 * listener, for nothing.
 */
export class DueJobChannel extends PostgresNotificationChannel {
  constructor(pool: pg.Pool) {
    super({ pool, reconnect: { enabled: true } });
  }

  override async publishState(): Promise<void> {}

  override subscribeState(): () => void {
    return () => {};
  }
}
