import type { SyncStatus } from "../../../src/modules/repositories/repositories.table.js";
import {
  estimateRemainingMs,
  isStalled,
  STALLED_AFTER_MS,
  type ProgressInput,
} from "../../../src/modules/status-page/status-page.models.js";

const NOW = new Date("2026-11-20T12:00:00Z");
const minutesAgo = (n: number) => new Date(NOW.getTime() - n * 60_000);
const DAY = 86_400_000;

/** A syncing run over a 10-day window started 10 minutes ago; rows change what they need. */
function run(overrides: Partial<ProgressInput>): ProgressInput {
  return {
    status: "syncing",
    windowStart: new Date(NOW.getTime() - 10 * DAY),
    windowEnd: NOW,
    reachedAt: new Date(NOW.getTime() - 5 * DAY),
    syncStartedAt: minutesAgo(10),
    lastProgressAt: minutesAgo(1),
    ...overrides,
  };
}

describe("the ETA of a sync", () => {
  const rows: [string, Partial<ProgressInput>, number | null][] = [
    ["half the window in 10 minutes leaves 10 more", {}, 10 * 60_000],
    [
      "a quarter of the window in 10 minutes leaves 30 more",
      { reachedAt: new Date(NOW.getTime() - 2.5 * DAY) },
      30 * 60_000,
    ],
    ["below 1 % covered says nothing", { reachedAt: new Date(NOW.getTime() - 0.05 * DAY) }, null],
    ["the whole window covered says nothing", { reachedAt: new Date(NOW.getTime() - 10 * DAY) }, null],
    ["before the first page says nothing", { reachedAt: null }, null],
    ["without a window says nothing", { windowStart: null, windowEnd: null }, null],
    ["a paused run has no ETA", { status: "paused" }, null],
    ["a run not started has no ETA", { syncStartedAt: null }, null],
    ["a start in the future (clock skew) has no ETA", { syncStartedAt: new Date(NOW.getTime() + 60_000) }, null],
  ];
  it.each(rows)("%s", (_name, overrides, expected) => {
    expect(estimateRemainingMs(run(overrides), NOW)).toBe(expected);
  });
});

describe("the stalled rule", () => {
  const rows: [string, SyncStatus, Date | null, Date | null, boolean][] = [
    ["progress a minute ago is not stalled", "syncing", minutesAgo(1), minutesAgo(30), false],
    ["no progress for exactly the limit is stalled", "syncing", new Date(NOW.getTime() - STALLED_AFTER_MS), null, true],
    ["no progress for an hour is stalled", "syncing", minutesAgo(60), minutesAgo(90), true],
    ["no page yet, started 20 minutes ago, is stalled", "syncing", null, minutesAgo(20), true],
    ["no page yet, started 2 minutes ago, is not stalled", "syncing", null, minutesAgo(2), false],
    ["no page and no start is not stalled", "syncing", null, null, false],
    ["a paused run waits for the reset, not stalled", "paused", minutesAgo(60), minutesAgo(90), false],
    ["a complete run is not stalled", "complete", minutesAgo(60), minutesAgo(90), false],
  ];
  it.each(rows)("%s", (_name, status, lastProgressAt, syncStartedAt, expected) => {
    expect(isStalled({ status, lastProgressAt, syncStartedAt }, NOW)).toBe(expected);
  });
});
