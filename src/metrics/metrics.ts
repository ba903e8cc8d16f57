import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type pg from "pg";
import { AGENDA_TABLE } from "../jobs/job-queue.js";

export interface Metrics {
  registry: Registry;
  webhookDeliveries: Counter<"event" | "outcome">;
  syncDuration: Histogram<"kind" | "outcome">;
}

/**
 * pr-sync's Prometheus metrics, in a registry of its own (no global state shared between instances in
 * one process). Counters are updated where things happen; gauges read the database at scrape time, so
 * every instance reports the same job, budget and email state.
 */
// eslint-disable-next-line max-lines-per-function -- one declaration per Prometheus metric, no logic
export function createMetrics(pool: pg.Pool): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "prsync_process_" });

  const webhookDeliveries = new Counter({
    name: "prsync_webhook_deliveries_total",
    help: "Webhook deliveries by event and outcome (handled, duplicate, failed, rejected).",
    labelNames: ["event", "outcome"] as const,
    registers: [registry],
  });
  const syncDuration = new Histogram({
    name: "prsync_sync_duration_seconds",
    help: "Duration of repository sync runs that ended, from their start (pauses included).",
    labelNames: ["kind", "outcome"] as const,
    buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600],
    registers: [registry],
  });

  new Gauge({
    name: "prsync_jobs",
    help: "Background jobs by name and state (queued, running, retrying).",
    labelNames: ["name", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool.query<{ name: string; queued: string; running: string; retrying: string }>(
        `SELECT name,
                count(*) FILTER (WHERE next_run_at IS NOT NULL AND locked_at IS NULL AND coalesce(fail_count, 0) = 0) AS queued,
                count(*) FILTER (WHERE locked_at IS NOT NULL) AS running,
                count(*) FILTER (WHERE next_run_at IS NOT NULL AND locked_at IS NULL AND fail_count > 0) AS retrying
           FROM ${AGENDA_TABLE} GROUP BY name`,
      );
      for (const row of rows) {
        this.set({ name: row.name, state: "queued" }, Number(row.queued));
        this.set({ name: row.name, state: "running" }, Number(row.running));
        this.set({ name: row.name, state: "retrying" }, Number(row.retrying));
      }
    },
  });

  new Gauge({
    name: "prsync_repositories",
    help: "Active repositories by sync status.",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool.query<{ status: string; count: string }>(
        "SELECT status, count(*) FROM repositories WHERE active GROUP BY status",
      );
      for (const row of rows) this.set({ status: row.status }, Number(row.count));
    },
  });

  new Gauge({
    name: "prsync_github_budget_remaining",
    help: "GraphQL points left in each installation's budget, as last reported by GitHub.",
    labelNames: ["installation_id", "account"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool.query<{ installation_id: string; account: string; remaining: number }>(
        `SELECT DISTINCT ON (r.installation_id) r.installation_id, i.account_login AS account, r.rate_limit_remaining AS remaining
           FROM repositories r JOIN installations i ON i.id = r.installation_id
          WHERE r.rate_limit_remaining IS NOT NULL AND i.deleted_at IS NULL
          ORDER BY r.installation_id, r.updated_at DESC`,
      );
      for (const row of rows)
        this.set({ installation_id: String(row.installation_id), account: row.account }, row.remaining);
    },
  });

  new Gauge({
    name: "prsync_emails",
    help: "Completion emails by status (sent, pending, failed, no_recipients).",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool.query<{ status: string; count: string }>(
        "SELECT status, count(*) FROM email_notifications GROUP BY status",
      );
      for (const row of rows) this.set({ status: row.status }, Number(row.count));
    },
  });

  new Gauge({
    name: "prsync_email_send_attempts_failed",
    help: "Failed send attempts of completion emails (attempts beyond the one that succeeded).",
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ failed: string }>(
        `SELECT coalesce(sum(CASE WHEN status = 'sent' THEN attempts - 1 ELSE attempts END), 0) AS failed
           FROM email_notifications`,
      );
      this.set(Number(rows[0]?.failed ?? 0));
    },
  });

  return { registry, webhookDeliveries, syncDuration };
}
