import { eq } from "drizzle-orm";
import { upsertInstallation } from "../../../src/modules/installations/installations.repository.js";
import type { PullRequestInsert } from "../../../src/modules/pull-requests/pull-requests.mapper.js";
import { upsertPullRequests } from "../../../src/modules/pull-requests/pull-requests.repository.js";
import { pullRequests } from "../../../src/modules/pull-requests/pull-requests.table.js";
import { trackRepositories } from "../../../src/modules/repositories/repositories.repository.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";

const REPOSITORY = 4_001;
const STORED_AT = new Date("2026-11-20T12:00:00Z");
const seconds = (n: number) => new Date(STORED_AT.getTime() + n * 1000);

function snapshot(id: number, title: string, updatedAt: Date, counts?: { additions: number }): PullRequestInsert {
  return {
    id,
    repositoryId: REPOSITORY,
    number: id,
    title,
    state: "open",
    createdAt: new Date("2026-11-01T00:00:00Z"),
    updatedAt,
    baseRef: "main",
    headRef: "topic",
    url: `https://github.com/octo-org/api/pull/${id}`,
    ...(counts ?? {}),
  };
}

describe("the stale-write guard of the pull-request upsert", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await upsertInstallation(
      database.db,
      {
        id: 41,
        accountLogin: "octo-org",
        accountId: 410,
        accountType: "Organization",
        repositorySelection: "all",
        permissions: {},
      },
      { suspendedAt: null },
    );
    await trackRepositories(database.db, 41, [{ id: REPOSITORY, fullName: "octo-org/api", private: false }], "b");
  });

  afterAll(async () => {
    await database.drop();
  });

  // One row per order in which a webhook and a sync page can bring the same pull request.
  const rows: [string, Date, boolean][] = [
    ["an older snapshot (a late webhook, an old page) leaves the stored row alone", seconds(-1), false],
    ["a snapshot of the same moment is written again (a redelivery, the overlap of a catch-up)", seconds(0), true],
    ["a newer snapshot replaces the stored row", seconds(1), true],
  ];

  it.each(rows.map((row, i) => [...row, 5_000 + i] as const))("%s", async (_name, incomingAt, written, id) => {
    await upsertPullRequests(database.db, [snapshot(id, "stored", STORED_AT, { additions: 7 })]);
    const ids = await upsertPullRequests(database.db, [snapshot(id, "incoming", incomingAt)]);
    expect(ids).toEqual(written ? [id] : []);
    const [row] = await database.db.select().from(pullRequests).where(eq(pullRequests.id, id));
    expect(row).toMatchObject({
      title: written ? "incoming" : "stored",
      updatedAt: written ? incomingAt : STORED_AT,
      // A snapshot without counts (a review webhook's pull request) keeps the counts already known.
      additions: 7,
    });
  });
});
