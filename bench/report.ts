import { budgetRequests, isMeasured, type NotMeasured, type SyncMeasure } from "./app-sync.js";
import type { BenchResults } from "./harness.js";
import type { RenderTiming } from "./status-page-load.js";
import { errorsOf } from "./webhook-load.js";

type Row = [measure: string, prSync: string, naive: string, ratio: string, target: string];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** What a sync costs the installation: REST requests from its 5,000/h plus GraphQL points from its 5,000/h. */
const units = (m: SyncMeasure) => m.restRequests + m.graphqlPoints;

function cell<T extends object>(value: T | NotMeasured, show: (measured: T) => string): string {
  return isMeasured(value) ? show(value) : "not measured";
}

function ratio(naive: number, prSync: SyncMeasure | NotMeasured): string {
  if (!isMeasured(prSync) || units(prSync) === 0) return "—";
  return `${(naive / units(prSync)).toFixed(1)}×`;
}

const failed = (t: RenderTiming) => (t.errors > 0 ? `, ${t.errors} not 200` : "");
const budget = (m: SyncMeasure) => `${m.restRequests} REST + ${m.graphqlRequests} GraphQL req, ${m.graphqlPoints} pts`;
const outsideBudget = (m: SyncMeasure) =>
  `${m.appAuthRequests} app-auth${m.restNotModified > 0 ? `, ${m.restNotModified} × 304` : ""}`;

/** The bench table: pr-sync next to the naive REST approach, with the targets from the project's goals. */
export function formatReport(results: BenchResults): string {
  const { prSync, naive, webhooks, webhookFlood, statusPage } = results;
  const perRepository = (m: SyncMeasure) => (budgetRequests(m) / m.repositories).toFixed(1);
  const rows: Row[] = [
    [
      `Backfill wall time (${results.setup.pullRequestsInWindow} PRs, ${results.setup.latencyMs} ms latency)`,
      cell(prSync.backfill, (m) => seconds(m.wallMs)),
      seconds(naive.backfill.wallMs),
      "",
      "≤ 10 s",
    ],
    ["Backfill budget spent", cell(prSync.backfill, budget), `${naive.backfill.requests} REST req`, "", ""],
    ["Backfill calls outside the budget", cell(prSync.backfill, outsideBudget), "1 app-auth", "", ""],
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
      "Catch-up, no changes: budget requests per repository",
      cell(prSync.catchUpNoChanges, perRepository),
      (naive.catchUpNoChanges.requests / results.setup.repositories).toFixed(1),
      "",
      "≤ 1",
    ],
    [
      "Catch-up, no changes: all calls",
      cell(prSync.catchUpNoChanges, (m) => `${budget(m)}; ${outsideBudget(m)}`),
      `${naive.catchUpNoChanges.requests} REST req`,
      "",
      "",
    ],
    [
      "Catch-up, 50 changed PRs: budget spent",
      cell(prSync.catchUp50Changes, budget),
      `${naive.catchUp50Changes.requests} REST req`,
      ratio(naive.catchUp50Changes.requests, prSync.catchUp50Changes),
      "",
    ],
    [
      `Webhook ingest at ${results.setup.webhookRate}/s for ${results.setup.webhookSeconds} s: p50 / p99`,
      cell(webhooks, (w) => `${w.p50Ms} / ${w.p99Ms} ms (sent late by ≤ ${w.sendLagP99Ms} ms at p99)`),
      "",
      "",
      "p99 ≤ 100 ms",
    ],
    [
      "Webhook throughput, errors",
      cell(webhooks, (w) => `${w.throughputPerSecond}/s, ${errorsOf(w)}`),
      "",
      "",
      "0 errors",
    ],
    [
      isMeasured(webhookFlood)
        ? `${webhookFlood.clients} clients × ${webhookFlood.mbPerBody} MB chunked, unsigned, to ${webhookFlood.variants} webhook path variants: peak RSS`
        : "Unsigned 200 MB chunked bodies to every webhook path variant: peak RSS",
      cell(
        webhookFlood,
        (f) =>
          `${f.peakRssMb} MB (idle ${f.rssIdleMb} MB, peak before ${f.peakBeforeMb} MB); ${f.refused} of ${f.requests} got 413, ${f.other} other, in ${f.seconds} s`,
      ),
      "",
      "",
      "near idle, all 413",
    ],
    [
      `Status page, installation with ${isMeasured(statusPage) ? statusPage.repositories : "?"} repositories: median / p95`,
      cell(
        statusPage,
        (s) =>
          `${s.page.medianMs} / ${s.page.p95Ms} ms (${s.page.sizeKb} KB, ${s.rowsRendered} rows, ${s.page.requests} GETs)`,
      ),
      "",
      "",
      "",
    ],
    [
      "Status page live partial: median / p95",
      cell(statusPage, (s) => `${s.live.medianMs} / ${s.live.p95Ms} ms (${s.live.sizeKb} KB${failed(s.live)})`),
      "",
      "",
      "",
    ],
    [
      "Same data as JSON (/api/installations/:id): median / p95",
      cell(statusPage, (s) => `${s.api.medianMs} / ${s.api.p95Ms} ms (${s.api.sizeKb} KB${failed(s.api)})`),
      "",
      "",
      "",
    ],
    [
      "Peak RSS of the pr-sync process",
      `${results.prSyncMemory.peakRssMb} MB (${results.prSyncMemory.rssAtStartMb} MB after start)`,
      "",
      "",
      "≤ 300 MB",
    ],
  ];
  const header: Row = ["Measure", "pr-sync", "naive REST", "naive/pr-sync", "target"];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (row: Row) => row.map((c, i) => c.padEnd(widths[i]!)).join(" | ");
  const notes = [prSync.backfill, prSync.catchUpNoChanges, prSync.catchUp50Changes, webhooks, webhookFlood, statusPage]
    .filter((v): v is NotMeasured => !isMeasured(v))
    .map((v) => `not measured: ${v.notMeasured}`);
  const hours = (naive.backfill.requests / 5_000).toFixed(1);
  return [
    line(header),
    widths.map((w) => "-".repeat(w)).join("-|-"),
    ...rows.map(line),
    "",
    `The naive backfill needs ${naive.backfill.requests} REST requests: ${hours} h of a 5,000 requests/hour installation budget.`,
    "Budget: REST requests made with the installation token (a 304 is free) and GraphQL requests and points.",
    "App-auth calls (creating installation tokens with the app's JWT) do not count against the installation's budget.",
    `pr-sync runs in its own process, the webhook sender in another; the simulator and the naive client in the bench's (peak ${results.benchProcessPeakRssMb} MB).`,
    `Machine: ${results.machine.cpus} CPUs, load average ${results.machine.loadAtStart} at the start and ${results.machine.loadAtEnd} at the end.`,
    ...[...new Set(notes)],
  ].join("\n");
}
