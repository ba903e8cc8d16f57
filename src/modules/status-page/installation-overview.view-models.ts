import type { ErrorReasonRow, OverviewRow } from "./installation-overview.repository.js";
import { formatDuration, formatRelative, formatUtcTime } from "./status-page.models.js";
import type { InstallationView } from "./status-page.view-models.js";

/** Something that needs a person, with what to do about it; `tone` orders and colours it. */
export interface Problem {
  tone: "danger" | "warning" | "info";
  title: string;
  action: string;
  /** A filter of the repository table that shows the repositories concerned. */
  filter: "error" | "attention" | "paused" | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/**
 * The installation's ETA from how far it is and how long its running syncs have taken: elapsed × left / done.
 * Null while nothing runs, or below 1 % done, where the estimate swings wildly.
 */
export function installationEtaMs(row: OverviewRow, now: Date): number | null {
  if (row.busy === 0 || row.total === 0 || !row.busySince) return null;
  const share = row.doneShare / row.total;
  const elapsed = now.getTime() - row.busySince.getTime();
  if (share < 0.01 || share >= 1 || elapsed <= 0) return null;
  return Math.round((elapsed * (1 - share)) / share);
}

function installationProblems(installation: InstallationView, row: OverviewRow, reasons: ErrorReasonRow[]): Problem[] {
  const problems: Problem[] = [];
  if (installation.deleted)
    problems.push({
      tone: "danger",
      title: "The app was uninstalled from this account.",
      action: "Install the app again to resume syncing; stored data is kept until the retention period ends.",
      filter: null,
    });
  else if (installation.suspended)
    problems.push({
      tone: "warning",
      title: "The installation is suspended.",
      action: "Unsuspend it in the account's GitHub settings (Settings → GitHub Apps); syncing resumes by itself.",
      filter: null,
    });
  for (const reason of reasons)
    problems.push({
      tone: "danger",
      title: `${plural(reason.repositories, "repository", "repositories")} failed: ${reason.reason}`,
      action: "Fix the cause, then choose Re-run backfill in the Actions menu of each row.",
      filter: "error",
    });
  const unexplained = row.errors - reasons.reduce((sum, r) => sum + r.repositories, 0);
  if (unexplained > 0)
    problems.push({
      tone: "danger",
      title:
        reasons.length === 0
          ? `${plural(unexplained, "repository", "repositories")} failed.`
          : `${plural(unexplained, "more repository", "more repositories")} failed for other reasons.`,
      action: "Show the Error filter to read each reason.",
      filter: "error",
    });
  if (row.stalled > 0)
    problems.push({
      tone: "danger",
      title: `${plural(row.stalled, "repository", "repositories")} made no progress for 10 minutes.`,
      action: "Choose Sync now on them; if they stay stalled, check that a pr-sync worker is running.",
      filter: "attention",
    });
  if (installation.memberSync.status === "error")
    problems.push({
      tone: "danger",
      title: `Member sync failed: ${installation.memberSync.error ?? "no reason recorded"}`,
      action: "Check that the app may read organization members, then choose Sync members.",
      filter: null,
    });
  if (row.paused > 0)
    problems.push({
      tone: "info",
      title: `${plural(row.paused, "repository", "repositories")} paused for GitHub's rate limit.`,
      action: row.resumesAt
        ? `Nothing to do: syncing resumes at ${formatUtcTime(row.resumesAt)} when the budget resets.`
        : "Nothing to do: syncing resumes when the budget resets.",
      filter: "paused",
    });
  return problems;
}

/** The overview at the top of an installation: one progress bar, the API budget and problems with fixes. */
export function overviewView(installation: InstallationView, row: OverviewRow, reasons: ErrorReasonRow[], now: Date) {
  const eta = installationEtaMs(row, now);
  const percent = row.total === 0 ? 0 : Math.floor((row.doneShare / row.total) * 100);
  const resetLater = row.budgetResetAt && row.budgetResetAt > now ? row.budgetResetAt : null;
  return {
    progress: {
      percent,
      done: row.complete,
      synced: row.synced,
      total: row.total,
      pullRequests: row.pullRequests,
      pullRequestsLabel: row.pullRequests.toLocaleString("en-US"),
      busy: row.busy,
      etaMs: eta,
      etaLabel: eta === null ? null : `about ${formatDuration(eta)} left`,
      label:
        row.total === 0
          ? "No repositories yet"
          : row.busy === 0
            ? `${plural(row.complete, "repository", "repositories")} of ${row.total.toLocaleString("en-US")} complete`
            : `${row.complete.toLocaleString("en-US")} of ${plural(row.total, "repository", "repositories")} complete · ${row.busy.toLocaleString("en-US")} in progress`,
    },
    budget: {
      pointsLastHour: row.pointsLastHour,
      remaining: resetLater ? row.budgetRemaining : null,
      resetUtc: resetLater ? formatUtcTime(resetLater) : null,
      resetRelative: resetLater ? formatRelative(resetLater, now) : null,
      paused: row.paused,
      resumesUtc: row.resumesAt ? formatUtcTime(row.resumesAt) : null,
    },
    problems: installationProblems(installation, row, reasons),
  };
}
