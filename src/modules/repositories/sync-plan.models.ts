import type { RepositorySyncJobData } from "./repositories.jobs.js";
import type { RepositoryRow } from "./repositories.repository.js";

export const PAGE_SIZES = [100, 50, 25, 10] as const;
const DAY_MS = 86_400_000;

/** Where a sync run stands; persisted on the repository row after every page. */
export interface RunCursor {
  /** The GraphQL cursor the next page is fetched after (null: from the newest pull request). */
  after: string | null;
  /**
   * Extending history: pages newer than `until` (already stored) are only skimmed for their cursor;
   * the page that crosses into the missing range is fetched again in full.
   */
  skim?: { until: string };
  /** Set for the whole of an extension run: it skipped newer pages, so it must not move the high-water mark. */
  extending?: boolean;
}

/** What planRun reads of the repository row: the stored run and the history already synced. */
export type PlanInput = Pick<
  RepositoryRow,
  "cursor" | "pageSize" | "syncKind" | "syncStartedAt" | "windowStart" | "windowEnd" | "lastSyncedAt" | "historySince"
>;

export interface RunPlan {
  /** The run's start: the high-water mark once it succeeds. Kept across pauses. */
  startedAt: Date;
  /** Oldest updated_at the run must reach. */
  windowStart: Date;
  windowEnd: Date;
  cursor: RunCursor;
  pageSize: number;
  resumed: boolean;
}

export function parseCursor(raw: string | null): RunCursor | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as RunCursor;
    return typeof parsed === "object" && parsed !== null && "after" in parsed ? parsed : null;
  } catch {
    return null;
  }
}

export function serializeCursor(cursor: RunCursor): string {
  return JSON.stringify(cursor);
}

/**
 * Decides what a repository.sync run does: resume the stored run (same kind, cursor present, no
 * restart) or start a new one over the right window:
 * - backfill: the last `days` days; when history already reaches back part of that, only the older
 *   missing range is fetched (newer pages are skimmed for their cursor);
 * - catch-up: from the last successful sync minus the overlap.
 */
export function planRun(options: {
  repository: PlanInput;
  job: RepositorySyncJobData;
  now: Date;
  backfillDays: number;
  overlapMinutes: number;
}): RunPlan {
  const { repository, job, now } = options;
  const stored = parseCursor(repository.cursor);
  const pageSize = repository.pageSize ?? PAGE_SIZES[0];
  if (
    !job.restart &&
    stored &&
    repository.syncKind === job.kind &&
    repository.syncStartedAt &&
    repository.windowStart &&
    repository.windowEnd
  ) {
    return {
      startedAt: repository.syncStartedAt,
      windowStart: repository.windowStart,
      windowEnd: repository.windowEnd,
      cursor: stored,
      pageSize,
      resumed: true,
    };
  }

  if (job.kind === "catch-up" && repository.lastSyncedAt) {
    return {
      startedAt: now,
      windowStart: new Date(repository.lastSyncedAt.getTime() - options.overlapMinutes * 60_000),
      windowEnd: now,
      cursor: { after: null },
      pageSize,
      resumed: false,
    };
  }

  const windowStart = new Date(now.getTime() - (job.days ?? options.backfillDays) * DAY_MS);
  const history = repository.historySince;
  // History is complete from `history` up to the last sync: skim down to it, then fetch what is older.
  const extending = !job.restart && history !== null && repository.lastSyncedAt !== null && history > windowStart;
  return {
    startedAt: now,
    windowStart,
    windowEnd: now,
    cursor: extending ? { after: null, skim: { until: history.toISOString() }, extending: true } : { after: null },
    pageSize,
    resumed: false,
  };
}

/** The next smaller page size after GitHub timed out on a large page, or null at the smallest. */
export function smallerPageSize(current: number): number | null {
  const next = PAGE_SIZES.find((size) => size < current);
  return next ?? null;
}
