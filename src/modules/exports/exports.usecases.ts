import type { Writable } from "node:stream";
import type pg from "pg";
import { copyExport, type ExportKind } from "./exports.repository.js";

export type { ExportKind } from "./exports.repository.js";

export interface ExportRange {
  since: Date | null;
  until: Date | null;
}

/** A problem with what was asked for, in words a person can act on. */
export class ExportRangeError extends Error {}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether a YYYY-MM-DD names a real day: Date rolls 2024-02-30 over to March 1st instead of refusing it. */
const realDay = (day: string) => {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
};

function parseBound(raw: string | undefined, name: string): Date | null {
  if (raw === undefined || raw === "") return null;
  const value = DATE.test(raw) ? new Date(`${raw}T00:00:00Z`) : DATE_TIME.test(raw) ? new Date(raw) : null;
  if (!value || Number.isNaN(value.getTime()) || !realDay(raw.slice(0, 10)))
    throw new ExportRangeError(`${name} must be a date (2024-05-01) or a UTC time (2024-05-01T12:00:00Z).`);
  return value;
}

/**
 * Reads `since` (inclusive) and `until` (exclusive) from a query string; both are optional. A bare date
 * means midnight UTC, so since=2024-05-01&until=2024-06-01 is the whole of May.
 */
export function parseExportRange(query: Record<string, string | undefined>): ExportRange {
  const since = parseBound(query.since, "since");
  const until = parseBound(query.until, "until");
  if (since && until && since >= until) throw new ExportRangeError("since must be before until.");
  return { since, until };
}

/** `acme-pull-requests-2024-05-01-to-2024-06-01.csv`: the account, what, and the range asked for. */
export function exportFileName(account: string, kind: ExportKind, range: ExportRange): string {
  const day = (d: Date | null, fallback: string) => (d ? d.toISOString().slice(0, 10) : fallback);
  const safe = account.replace(/[^A-Za-z0-9._-]/g, "_");
  const span = range.since || range.until ? `-${day(range.since, "start")}-to-${day(range.until, "now")}` : "";
  return `${safe}-${kind}${span}.csv`;
}

/** Streams an installation's pull requests or reviews in the range as CSV into `out`. */
export function exportInstallationCsv(options: {
  pool: pg.Pool;
  installationId: number;
  kind: ExportKind;
  range: ExportRange;
  out: Writable;
}): Promise<void> {
  return copyExport(options.pool, {
    kind: options.kind,
    installationId: options.installationId,
    since: options.range.since,
    until: options.range.until,
    out: options.out,
  });
}
