import nock from "nock";
import type { PullRequestInsert } from "../../../src/modules/pull-requests/pull-requests.mapper.js";
import {
  refreshFirstReviewAt,
  upsertPullRequests,
  upsertReviews,
} from "../../../src/modules/pull-requests/pull-requests.repository.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { seedInstallation, seedPullRequests } from "../../support/pull-request-data.js";
import { Browser, statusEnv } from "../status-page/status-page.support.js";

const NOW = new Date();
const HOUR = 3_600_000;

/** The number under a heading of the insights page's totals, or of the overview's stored count. */
function figure(html: string, label: string): number {
  const match = new RegExp(`<dt>${label}</dt><dd>([\\d,]+)</dd>`).exec(html);
  if (!match) throw new Error(`no "${label}" figure on the page`);
  return Number(match[1]!.replace(/,/g, ""));
}
const storedCount = (html: string) => {
  const match = /<strong>([\d,]+)<\/strong> pull requests stored/.exec(html);
  if (!match) throw new Error("no stored pull-request count on the page");
  return Number(match[1]!.replace(/,/g, ""));
};

function newPullRequest(id: number, repositoryId: number): PullRequestInsert {
  const created = new Date(NOW.getTime() - 5 * HOUR);
  return {
    id,
    repositoryId,
    number: 9_000 + id,
    title: "A change made after the page was first viewed",
    authorLogin: "alice",
    authorId: 1,
    authorType: "User",
    state: "open",
    createdAt: created,
    updatedAt: created,
    baseRef: "main",
    headRef: "late",
    url: `https://github.test/acme/api/pull/${9_000 + id}`,
  };
}

describe("the insights page and the overview after new data arrives", () => {
  let database: TestDatabase;
  let app: TestApp;
  let api: number;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    [api] = (await seedInstallation(database.db, {
      id: 71,
      account: "acme",
      repositories: ["acme/api", "acme/web"],
      firstRepositoryId: 7101,
    })) as [number, number];
    await seedPullRequests(database.db, {
      repositoryIds: [api, 7102],
      perRepository: 20,
      now: NOW,
      days: 25,
      firstId: 7_000_000,
    });
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
  });

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("shows a pull request and a review stored after the first view, on the next view", async () => {
    const browser = new Browser(app.url);
    await browser.signInAsOperator();
    const page = async (path: string) => {
      const res = await browser.fetch(path);
      expect(res.status).toBe(200);
      return res.text();
    };
    const before = await page("/status/installations/71/insights");
    const overviewBefore = await page("/status/installations/71");
    // A second view with nothing changed answers the same figures.
    expect(figure(await page("/status/installations/71/insights"), "Opened")).toBe(figure(before, "Opened"));

    await upsertPullRequests(database.db, [newPullRequest(7_900_001, api)]);
    const afterPullRequest = await page("/status/installations/71/insights");
    expect(figure(afterPullRequest, "Opened")).toBe(figure(before, "Opened") + 1);
    expect(figure(afterPullRequest, "Reviews")).toBe(figure(before, "Reviews"));
    expect(storedCount(await page("/status/installations/71"))).toBe(storedCount(overviewBefore) + 1);

    await upsertReviews(database.db, [
      {
        id: 7_900_002,
        pullRequestId: 7_900_001,
        reviewerLogin: "bob",
        reviewerId: 2,
        state: "APPROVED",
        submittedAt: new Date(NOW.getTime() - 4 * HOUR),
      },
    ]);
    await refreshFirstReviewAt(database.db, [7_900_001]);
    const afterReview = await page("/status/installations/71/insights");
    expect(figure(afterReview, "Reviews")).toBe(figure(before, "Reviews") + 1);
    // Each repository filter is a scope of its own, and together they add up to the whole installation.
    const apiOnly = await page(`/status/installations/71/insights?repository=${api}`);
    const webOnly = await page("/status/installations/71/insights?repository=7102");
    for (const label of ["Opened", "Reviews"])
      expect(figure(apiOnly, label) + figure(webOnly, label)).toBe(figure(afterReview, label));
  });
});
