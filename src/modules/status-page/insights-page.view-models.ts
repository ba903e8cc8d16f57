import type { InstallationInsights } from "./insights-page.usecases.js";
import { formatHours } from "./status-page.models.js";
import type { InsightsTotals } from "../insights/insights.table.js";

const round1 = (hours: number | null) => (hours === null ? null : Math.round(hours * 10) / 10);
const dash = (text: string | null) => text ?? "–";

/**
 * Chart data for a `<script type="application/json">` block: JSON with `<` escaped, so no value can close
 * the script element whatever a login or title holds.
 */
export function chartJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, "\\u003c");
}

/** One row of figures as the page shows it, for a week or for the whole window. */
function figuresView(f: InsightsTotals) {
  return {
    opened: f.opened,
    merged: f.merged,
    closedUnmerged: f.closedUnmerged,
    medianCycle: dash(formatHours(f.medianCycleHours)),
    p90Cycle: dash(formatHours(f.p90CycleHours)),
    medianFirstReview: dash(formatHours(f.medianFirstReviewHours)),
    reviews: f.reviews,
  };
}

/** The insights page: totals, one row per ISO week, reviews per reviewer, and the same as chart data. */
export function insightsPageView(insights: InstallationInsights, path: string) {
  const { report, repositories, repositoryId } = insights;
  const weeks = report.weekly.map((w) => ({ week: w.week, ...figuresView(w) }));
  const chosen = repositories.find((r) => r.id === repositoryId);
  return {
    scope: chosen ? chosen.fullName : `all ${repositories.length} repositories`,
    windowDays: report.windowDays,
    windowWeeks: Math.round(report.windowDays / 7),
    windowFrom: report.windowStart.toISOString().slice(0, 10),
    windowTo: report.windowEnd.toISOString().slice(0, 10),
    repositories: repositories.map((r) => ({ id: r.id, fullName: r.fullName, selected: r.id === repositoryId })),
    totals: figuresView(report),
    weeks,
    reviewers: report.reviewers,
    hasData: report.opened + report.merged + report.closedUnmerged + report.reviews > 0,
    exportHref: `${path}/export`,
    chartJson: chartJson({
      weeks: report.weekly.map((w) => w.week),
      opened: report.weekly.map((w) => w.opened),
      merged: report.weekly.map((w) => w.merged),
      closedUnmerged: report.weekly.map((w) => w.closedUnmerged),
      medianCycleHours: report.weekly.map((w) => round1(w.medianCycleHours)),
      p90CycleHours: report.weekly.map((w) => round1(w.p90CycleHours)),
      medianFirstReviewHours: report.weekly.map((w) => round1(w.medianFirstReviewHours)),
      reviewers: report.reviewers.map((r) => r.login),
      reviews: report.reviewers.map((r) => r.reviews),
    }),
  };
}
