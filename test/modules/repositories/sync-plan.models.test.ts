import type { RepositorySyncJobData } from "../../../src/modules/repositories/repositories.jobs.js";
import {
  planRun,
  smallerPageSize,
  type PlanInput,
  type RunPlan,
} from "../../../src/modules/repositories/sync-plan.models.js";

const NOW = new Date("2026-11-20T12:00:00Z");
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

/** A repository that has never synced; each row changes what it needs. */
const neverSynced: PlanInput = {
  cursor: null,
  pageSize: null,
  syncKind: null,
  syncStartedAt: null,
  windowStart: null,
  windowEnd: null,
  lastSyncedAt: null,
  historySince: null,
};
const interrupted: PlanInput = {
  ...neverSynced,
  cursor: JSON.stringify({ after: "c42" }),
  pageSize: 50,
  syncKind: "backfill",
  syncStartedAt: daysAgo(1),
  windowStart: daysAgo(31),
  windowEnd: daysAgo(1),
};
const synced: PlanInput = { ...neverSynced, lastSyncedAt: daysAgo(1), historySince: daysAgo(30) };
const job = (data: Partial<RepositorySyncJobData>): RepositorySyncJobData => ({
  repositoryId: 1,
  installationId: 2,
  kind: "backfill",
  ...data,
});

describe("planRun", () => {
  const rows: [string, PlanInput, RepositorySyncJobData, RunPlan][] = [
    [
      "a first backfill covers the last BACKFILL_DAYS from the newest pull request",
      neverSynced,
      job({}),
      {
        startedAt: NOW,
        windowStart: daysAgo(30),
        windowEnd: NOW,
        cursor: { after: null },
        pageSize: 100,
        resumed: false,
      },
    ],
    [
      "an interrupted run of the same kind resumes its window, cursor and page size",
      interrupted,
      job({}),
      {
        startedAt: daysAgo(1),
        windowStart: daysAgo(31),
        windowEnd: daysAgo(1),
        cursor: { after: "c42" },
        pageSize: 50,
        resumed: true,
      },
    ],
    [
      "a restart ignores the stored cursor",
      interrupted,
      job({ restart: true }),
      {
        startedAt: NOW,
        windowStart: daysAgo(30),
        windowEnd: NOW,
        cursor: { after: null },
        pageSize: 50,
        resumed: false,
      },
    ],
    [
      "a run of another kind does not resume the stored one",
      { ...interrupted, lastSyncedAt: daysAgo(2) },
      job({ kind: "catch-up" }),
      {
        startedAt: NOW,
        windowStart: new Date(daysAgo(2).getTime() - 60 * 60_000),
        windowEnd: NOW,
        cursor: { after: null },
        pageSize: 50,
        resumed: false,
      },
    ],
    [
      "a catch-up starts at the last sync minus the overlap",
      synced,
      job({ kind: "catch-up" }),
      {
        startedAt: NOW,
        windowStart: new Date(daysAgo(1).getTime() - 60 * 60_000),
        windowEnd: NOW,
        cursor: { after: null },
        pageSize: 100,
        resumed: false,
      },
    ],
    [
      "extending history skims down to what is stored, then fetches the older range",
      synced,
      job({ days: 90 }),
      {
        startedAt: NOW,
        windowStart: daysAgo(90),
        windowEnd: NOW,
        cursor: { after: null, skim: { until: daysAgo(30).toISOString() }, extending: true },
        pageSize: 100,
        resumed: false,
      },
    ],
    [
      "a backfill shorter than the stored history fetches its window in full",
      synced,
      job({ days: 7 }),
      {
        startedAt: NOW,
        windowStart: daysAgo(7),
        windowEnd: NOW,
        cursor: { after: null },
        pageSize: 100,
        resumed: false,
      },
    ],
    [
      "a restarted extension fetches the whole window again",
      synced,
      job({ days: 90, restart: true }),
      {
        startedAt: NOW,
        windowStart: daysAgo(90),
        windowEnd: NOW,
        cursor: { after: null },
        pageSize: 100,
        resumed: false,
      },
    ],
    [
      "an unreadable stored cursor starts over",
      { ...interrupted, cursor: "{not json" },
      job({}),
      {
        startedAt: NOW,
        windowStart: daysAgo(30),
        windowEnd: NOW,
        cursor: { after: null },
        pageSize: 50,
        resumed: false,
      },
    ],
  ];

  it.each(rows)("%s", (_name, repository, data, expected) => {
    expect(planRun({ repository, job: data, now: NOW, backfillDays: 30, overlapMinutes: 60 })).toEqual(expected);
  });
});

describe("smallerPageSize", () => {
  const rows: [number, number | null][] = [
    [100, 50],
    [50, 25],
    [25, 10],
    [10, null],
    // A stored size from an older release that is not on the ladder steps down to the next one below.
    [70, 50],
  ];
  it.each(rows)("after a timeout at %i pull requests a page, asks for %p", (current, next) => {
    expect(smallerPageSize(current)).toBe(next);
  });
});
