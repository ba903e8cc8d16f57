import { isMeasured, type NotMeasured, type SyncMeasure } from "./app-sync.js";
import type { BenchResults } from "./harness.js";

type Row = [measure: string, prSync: string, naive: string, ratio: string, target: string];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const units = (m: { restRequests: number; graphqlPoints: number }) => m.restRequests + m.graphqlPoints;

function cell<T extends object>(value: T | NotMeasured, show: (measured: T) => string): string {
  return isMeasured(value) ? show(value) : "not measured";
}

function ratio(naive: number, prSync: SyncMeasure | NotMeasured): string {
  if (!isMeasured(prSync) || units(prSync) === 0) return "—";
  return `${(naive / units(prSync)).toFixed(1)}×`;
}

/** The bench table: pr-sync next to the naive REST approach, with the targets from the project's goals. */
export function formatReport(results: BenchResults): string {
  const { prSync, naive, webhooks } = results;
  const perRepository = (m: SyncMeasure) => ((m.restRequests + m.graphqlRequests) / m.repositories).toFixed(1);
  const rows: Row[] = [
    [
      `Backfill wall time (${results.setup.pullRequestsInWindow} PRs, ${results.setup.latencyMs} ms latency)`,
      cell(prSync.backfill, (m) => seconds(m.wallMs)),
      seconds(naive.backfill.wallMs),
      "",
      "≤ 10 s",
    ],
    [
      "Backfill REST requests",
      cell(prSync.backfill, (m) => String(m.restRequests)),
      String(naive.backfill.requests),
      "",
      "",
    ],
    ["Backfill GraphQL points", cell(prSync.backfill, (m) => String(m.graphqlPoints)), "0", "", ""],
    [
      "Budget per PR (points + requests)",
      cell(prSync.backfill, (m) => (m.graphqlPoints / Math.max(1, m.pullRequestsStored)).toFixed(3) + " points"),
      (naive.backfill.requests / Math.max(1, naive.backfill.pullRequests)).toFixed(2) + " requests",
      ratio(naive.backfill.requests, prSync.backfill),
      "≤ 0.03 points/PR",
    ],
    [
      "Backfill PRs stored / expected",
      cell(prSync.backfill, (m) => `${m.pullRequestsStored} / ${m.pullRequestsExpected}`),
      `${naive.backfill.pullRequests} fetched`,
      "",
      "all",
    ],
    [
      "Catch-up, no changes: requests per repository",
      cell(prSync.catchUpNoChanges, perRepository),
      (naive.catchUpNoChanges.requests / results.setup.repositories).toFixed(1),
      "",
      "≤ 1",
    ],
    [
      "Catch-up, 50 changed PRs: requests + points",
      cell(prSync.catchUp50Changes, (m) => `${m.restRequests + m.graphqlRequests} req, ${m.graphqlPoints} pts`),
      `${naive.catchUp50Changes.requests} req`,
      ratio(naive.catchUp50Changes.requests, prSync.catchUp50Changes),
      "",
    ],
    [
      `Webhook ingest at ${results.setup.webhookRate}/s for ${results.setup.webhookSeconds} s: p50 / p99`,
      cell(webhooks, (w) => `${w.p50Ms} / ${w.p99Ms} ms`),
      "",
      "",
      "p99 ≤ 100 ms",
    ],
    [
      "Webhook throughput, errors",
      cell(webhooks, (w) => `${w.throughputPerSecond}/s, ${w.errors} errors of ${w.sent}`),
      "",
      "",
      "0 errors",
    ],
    [
      "Status page render",
      cell(results.statusPage, (s) => `${s.renderMs} ms (${s.repositories} repositories)`),
      "",
      "",
      "",
    ],
    ["Peak RSS (pr-sync + simulator + load, one process)", `${results.peakRssMb} MB`, "", "", "≤ 300 MB"],
  ];
  const header: Row = ["Measure", "pr-sync", "naive REST", "naive/pr-sync", "target"];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (row: Row) => row.map((c, i) => c.padEnd(widths[i]!)).join(" | ");
  const notes = [prSync.backfill, prSync.catchUpNoChanges, prSync.catchUp50Changes, webhooks, results.statusPage]
    .filter((v): v is NotMeasured => !isMeasured(v))
    .map((v) => `not measured: ${v.notMeasured}`);
  const hours = (naive.backfill.requests / 5_000).toFixed(1);
  return [
    line(header),
    widths.map((w) => "-".repeat(w)).join("-|-"),
    ...rows.map(line),
    "",
    `The naive backfill needs ${naive.backfill.requests} REST requests: ${hours} h of a 5,000 requests/hour installation budget.`,
    ...[...new Set(notes)],
  ].join("\n");
}
