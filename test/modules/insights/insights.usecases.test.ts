import { eq } from "drizzle-orm";
import { computeRepositoryInsights, readInsightsHeadline } from "../../../src/modules/insights/insights.usecases.js";
import { installations, insights, pullRequests, repositories, reviews } from "../../../src/db/schema.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import type { Database } from "../../../src/db/client.js";
import { refreshFirstReviewAt } from "../../../src/modules/pull-requests/pull-requests.repository.js";

const NOW = new Date("2024-03-29T12:00:00Z");
const WINDOW_DAYS = 30;
const at = (iso: string) => new Date(`${iso}Z`);

const people = { alice: 1, bob: 2, carol: 3, dave: 4, zed: 9 } as const;
type Person = keyof typeof people;

let nextId = 1000;
function pr(
  repositoryId: number,
  number: number,
  author: Person,
  times: { created: string; merged?: string; closed?: string },
) {
  const closedAt = times.closed ?? times.merged;
  return {
    id: repositoryId * 100 + number,
    repositoryId,
    number,
    title: `PR ${number}`,
    authorLogin: author,
    authorId: people[author],
    authorType: "User",
    state: closedAt ? ("closed" as const) : ("open" as const),
    merged: Boolean(times.merged),
    createdAt: at(times.created),
    updatedAt: at(times.merged ?? times.closed ?? times.created),
    closedAt: closedAt ? at(closedAt) : null,
    mergedAt: times.merged ? at(times.merged) : null,
    baseRef: "main",
    headRef: `branch-${number}`,
    url: `https://github.test/acme/repo/pull/${number}`,
  };
}

/** Stores reviews as a sync does: the rows, then their pull requests' first-review time. */
async function storeReviews(db: Database, rows: ReturnType<typeof review>[]) {
  await db.insert(reviews).values(rows);
  await refreshFirstReviewAt(db, [...new Set(rows.map((r) => r.pullRequestId))]);
}

function review(pullRequestId: number, reviewer: Person | null, submitted: string, options: { withId?: boolean } = {}) {
  return {
    id: nextId++,
    pullRequestId,
    reviewerLogin: reviewer,
    reviewerId: reviewer && options.withId !== false ? people[reviewer] : null,
    state: "APPROVED",
    submittedAt: at(submitted),
  };
}

describe("repository insights", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    await db.insert(installations).values({ id: 1, accountLogin: "acme", accountId: 50, accountType: "Organization" });
    await db.insert(repositories).values([
      { id: 1, installationId: 1, fullName: "acme/api" },
      { id: 2, installationId: 1, fullName: "acme/web" },
    ]);
    await db.insert(pullRequests).values([
      pr(1, 1, "alice", { created: "2024-03-04T10:00:00", merged: "2024-03-04T12:00:00" }),
      pr(1, 2, "bob", { created: "2024-03-05T00:00:00", merged: "2024-03-06T00:00:00" }),
      pr(1, 3, "carol", { created: "2024-03-12T00:00:00", merged: "2024-03-14T00:00:00" }),
      pr(1, 4, "alice", { created: "2024-03-19T00:00:00", closed: "2024-03-20T00:00:00" }),
      pr(1, 5, "dave", { created: "2024-03-25T00:00:00", merged: "2024-03-29T00:00:00" }),
      // Opened before the window, merged inside it: counts as merged and for cycle time, not as opened.
      pr(1, 6, "alice", { created: "2024-02-01T00:00:00", merged: "2024-03-01T00:00:00" }),
      pr(1, 7, "bob", { created: "2024-03-27T00:00:00" }),
      // Closed before the window: not counted at all.
      pr(1, 9, "bob", { created: "2024-02-10T00:00:00", closed: "2024-02-20T00:00:00" }),
      // Another repository: never mixed into repository 1.
      pr(2, 8, "zed", { created: "2024-03-10T00:00:00", merged: "2024-03-11T00:00:00" }),
    ]);
    await storeReviews(db, [
      review(101, "alice", "2024-03-04T10:30:00"), // the author's own review: ignored
      review(101, "bob", "2024-03-04T11:00:00"),
      review(101, "carol", "2024-03-04T11:30:00"),
      review(102, "alice", "2024-03-05T04:00:00"),
      review(102, "carol", "2024-03-05T05:00:00"),
      review(103, "bob", "2024-03-12T10:00:00"),
      review(105, "dave", "2024-03-25T01:00:00", { withId: false }), // own review recognised by login
      review(105, null, "2024-03-25T02:00:00"), // a deleted account: a review, but no reviewer to rank
      review(106, "bob", "2024-02-02T00:00:00"), // before the window
      review(208, "alice", "2024-03-10T05:00:00"),
      review(208, "bob", "2024-03-10T06:00:00"),
    ]);
  });

  afterAll(async () => {
    await database.drop();
  });

  it("computes counts, cycle-time percentiles, time to first review, top reviewers and ISO weeks for the window", async () => {
    const row = await computeRepositoryInsights({
      db: database.db,
      repositoryId: 1,
      now: NOW,
      windowDays: WINDOW_DAYS,
    });

    expect(row).toBeDefined();
    const { p90CycleHours, ...rest } = row!;
    // Cycle times 2, 24, 48, 96, 696 hours: the 90th percentile interpolates 60% of the way from 96 to 696.
    expect(p90CycleHours).toBeCloseTo(456, 9);
    expect(rest).toEqual({
      repositoryId: 1,
      windowStart: new Date("2024-02-28T12:00:00Z"),
      windowEnd: NOW,
      opened: 6,
      merged: 5,
      closedUnmerged: 1,
      medianCycleHours: 48,
      // First peer reviews after 1, 4, 10 and 2 hours; the authors' own earlier reviews do not count.
      medianFirstReviewHours: 3,
      reviews: 6,
      topReviewers: [
        { login: "bob", reviews: 2 },
        { login: "carol", reviews: 2 },
        { login: "alice", reviews: 1 },
      ],
      weekly: [
        {
          week: "2024-W09",
          opened: 0,
          merged: 1,
          closedUnmerged: 0,
          medianCycleHours: 696,
          p90CycleHours: 696,
          medianFirstReviewHours: null,
          reviews: 0,
        },
        {
          week: "2024-W10",
          opened: 2,
          merged: 2,
          closedUnmerged: 0,
          medianCycleHours: 13,
          p90CycleHours: 21.8,
          medianFirstReviewHours: 2.5,
          reviews: 4,
        },
        {
          week: "2024-W11",
          opened: 1,
          merged: 1,
          closedUnmerged: 0,
          medianCycleHours: 48,
          p90CycleHours: 48,
          medianFirstReviewHours: 10,
          reviews: 1,
        },
        {
          week: "2024-W12",
          opened: 1,
          merged: 0,
          closedUnmerged: 1,
          medianCycleHours: null,
          p90CycleHours: null,
          medianFirstReviewHours: null,
          reviews: 0,
        },
        {
          week: "2024-W13",
          opened: 2,
          merged: 1,
          closedUnmerged: 0,
          medianCycleHours: 96,
          p90CycleHours: 96,
          medianFirstReviewHours: 2,
          reviews: 1,
        },
      ],
      computedAt: NOW,
    });

    const stored = await database.db.select().from(insights);
    expect(stored).toEqual([{ ...row!, p90CycleHours: stored[0]!.p90CycleHours }]);
  });

  it("replaces the stored row when recomputed, so running the job twice leaves one up-to-date row", async () => {
    await computeRepositoryInsights({ db: database.db, repositoryId: 1, now: NOW, windowDays: WINDOW_DAYS });
    await computeRepositoryInsights({ db: database.db, repositoryId: 1, now: NOW, windowDays: WINDOW_DAYS });
    const later = new Date("2024-03-29T13:00:00Z");
    await storeReviews(database.db, [review(107, "carol", "2024-03-29T12:30:00")]);
    await computeRepositoryInsights({ db: database.db, repositoryId: 1, now: later, windowDays: WINDOW_DAYS });

    const stored = await database.db.select().from(insights);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ repositoryId: 1, reviews: 7, windowEnd: later, computedAt: later });
    expect(stored[0]!.topReviewers).toEqual([
      { login: "carol", reviews: 3 },
      { login: "bob", reviews: 2 },
      { login: "alice", reviews: 1 },
    ]);
    await database.db.delete(reviews).where(eq(reviews.submittedAt, at("2024-03-29T12:30:00")));
    await refreshFirstReviewAt(database.db, [107]);
  });

  it("stores nothing for a repository that is not tracked", async () => {
    const row = await computeRepositoryInsights({
      db: database.db,
      repositoryId: 77,
      now: NOW,
      windowDays: WINDOW_DAYS,
    });
    expect(row).toBeUndefined();
  });

  it("reads the headline across several repositories from their pull requests and reviews", async () => {
    const headline = await readInsightsHeadline({
      db: database.db,
      repositoryIds: [1, 2],
      now: NOW,
      windowDays: WINDOW_DAYS,
    });
    expect(headline).toEqual({
      windowStart: new Date("2024-02-28T12:00:00Z"),
      windowEnd: NOW,
      windowDays: 30,
      opened: 7,
      merged: 6,
      closedUnmerged: 1,
      // Cycle times 2, 24, 24, 48, 96, 696 hours.
      medianCycleHours: 36,
      p90CycleHours: expect.any(Number) as unknown,
      // First peer reviews after 1, 4, 5, 10 and 2 hours.
      medianFirstReviewHours: 4,
      reviews: 8,
      slowestMerges: [
        {
          repositoryId: 1,
          number: 6,
          title: "PR 6",
          url: "https://github.test/acme/repo/pull/6",
          cycleHours: 696,
        },
        {
          repositoryId: 2,
          number: 8,
          title: "PR 8",
          url: "https://github.test/acme/repo/pull/8",
          cycleHours: 24,
        },
      ],
    });
    // 0.9 × 5 = 4.5: halfway from 96 to 696.
    expect(headline.p90CycleHours).toBeCloseTo(396, 9);
  });

  it("reads an empty headline for no repositories", async () => {
    const headline = await readInsightsHeadline({ db: database.db, repositoryIds: [], now: NOW, windowDays: 30 });
    expect(headline).toMatchObject({ opened: 0, merged: 0, reviews: 0, medianCycleHours: null, slowestMerges: [] });
  });
});
