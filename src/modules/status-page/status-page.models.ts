import type { SyncStatus } from "../repositories/repositories.table.js";

/** A syncing repository that has not moved for this long is flagged as stalled. */
export const STALLED_AFTER_MS = 10 * 60 * 1000;

export interface ProgressInput {
  status: SyncStatus;
  windowStart: Date | null;
  windowEnd: Date | null;
  reachedAt: Date | null;
  syncStartedAt: Date | null;
  lastProgressAt: Date | null;
}

/**
 * Share of the sync window already covered, 0..1. The run walks from windowEnd (newest) back to
 * windowStart, so the covered part is windowEnd − reachedAt. Null when there is no window yet.
 */
export function coveredShare(input: Pick<ProgressInput, "status" | "windowStart" | "windowEnd" | "reachedAt">) {
  if (input.status === "complete") return 1;
  const { windowStart, windowEnd, reachedAt } = input;
  if (!windowStart || !windowEnd) return null;
  const span = windowEnd.getTime() - windowStart.getTime();
  if (span <= 0) return reachedAt ? 1 : 0;
  if (!reachedAt) return 0;
  const share = (windowEnd.getTime() - reachedAt.getTime()) / span;
  return Math.min(1, Math.max(0, share));
}

/** Estimated milliseconds left of a syncing run, from the share covered and the time spent so far. */
export function estimateRemainingMs(input: ProgressInput, now: Date): number | null {
  if (input.status !== "syncing" || !input.syncStartedAt) return null;
  const share = coveredShare(input);
  // Below 1 % the estimate swings wildly; say nothing rather than something wrong.
  if (share === null || share < 0.01 || share >= 1) return null;
  const elapsed = now.getTime() - input.syncStartedAt.getTime();
  if (elapsed <= 0) return null;
  return Math.round((elapsed * (1 - share)) / share);
}

/** A syncing repository with no progress (or, before the first page, no start) for STALLED_AFTER_MS. */
export function isStalled(input: Pick<ProgressInput, "status" | "lastProgressAt" | "syncStartedAt">, now: Date) {
  if (input.status !== "syncing") return false;
  const last = input.lastProgressAt ?? input.syncStartedAt;
  if (!last) return false;
  return now.getTime() - last.getTime() >= STALLED_AFTER_MS;
}

/** Whether the page should keep polling: something is queued, running or waiting for the rate limit. */
export function isActive(status: string): boolean {
  return status === "pending" || status === "syncing" || status === "paused";
}

/** "3 minutes", "2 hours", "5 days": a short duration for people. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? "" : "s"}`;
  const days = Math.round(hours / 24);
  return `${days} days`;
}

/** "5 minutes ago" or "in 5 minutes". */
export function formatRelative(at: Date, now: Date): string {
  const diff = at.getTime() - now.getTime();
  if (Math.abs(diff) < 60_000) return "just now";
  return diff < 0 ? `${formatDuration(diff)} ago` : `in ${formatDuration(diff)}`;
}

/** "2024-05-01 14:03 UTC". */
export function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "14:03 UTC". */
export function formatUtcTime(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`;
}

/** "3.5 h" or "2 d" for insight medians given in hours. */
export function formatHours(hours: number | null): string | null {
  if (hours === null || !Number.isFinite(hours)) return null;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}

export interface Badge {
  /** The state in words; colour only repeats it. */
  label: string;
  tone: "neutral" | "info" | "warning" | "success" | "danger";
  detail: string | null;
}

/** The status badge of a repository, with its paused-until time or error reason. */
export function repositoryBadge(
  repository: { status: SyncStatus; pausedUntil: Date | null; lastError: string | null; active: boolean },
  now: Date,
): Badge {
  if (!repository.active) return { label: "Removed", tone: "neutral", detail: "No longer part of the installation" };
  switch (repository.status) {
    case "pending":
      return { label: "Pending", tone: "neutral", detail: null };
    case "syncing":
      return { label: "Syncing", tone: "info", detail: null };
    case "paused":
      return repository.pausedUntil && repository.pausedUntil > now
        ? {
            label: `Paused until ${formatUtcTime(repository.pausedUntil)}`,
            tone: "warning",
            detail: "Waiting for GitHub's rate limit to reset",
          }
        : { label: "Paused", tone: "warning", detail: "Waiting for GitHub's rate limit to reset" };
    case "complete":
      return { label: "Complete", tone: "success", detail: null };
    case "error":
      return { label: "Error", tone: "danger", detail: repository.lastError ?? "The last sync failed" };
  }
}

/** The state of an installation as a whole, for its heading. */
export function installationBadge(
  installation: { suspendedAt: Date | null; deletedAt: Date | null },
  now: Date,
): Badge | null {
  if (installation.deletedAt)
    return { label: "Uninstalled", tone: "danger", detail: `Removed ${formatRelative(installation.deletedAt, now)}` };
  if (installation.suspendedAt)
    return {
      label: "Suspended",
      tone: "warning",
      detail: "Syncing stops until the installation is unsuspended in GitHub's settings",
    };
  return null;
}
