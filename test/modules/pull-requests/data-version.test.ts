import { eq, inArray } from "drizzle-orm";
import { repositories } from "../../../src/db/schema.js";
import type { PullRequestInsert } from "../../../src/modules/pull-requests/pull-requests.mapper.js";
import {
  refreshFirstReviewAt,
  upsertPullRequests,
  upsertReviews,
} from "../../../src/modules/pull-requests/pull-requests.repository.js";
import { pullRequests } from "../../../src/modules/pull-requests/pull-requests.table.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { seedInstallation } from "../../support/pull-request-data.js";

const UPDATED = new Date("2026-11-20T12:00:00Z");

function pr(id: number, repositoryId: number, updatedAt = UPDATED): PullRequestInsert {
  return {
    id,
    repositoryId,
    number: id,
    title: `Change ${id}`,
    authorLogin: "alice",
    authorId: 1,
    state: "open",
    createdAt: new Date("2026-11-01T00:00:00Z"),
    updatedAt,
    baseRef: "main",
    headRef: "topic",
    url: `https://github.com/acme/api/pull/${id}`,
  };
}

describe("the data version of a repository", () => {
  let database: TestDatabase;
  let api: number;
  let web: number;
  let docs: number;

  /** Each repository's version and count: the sums of its stripes, as every reader takes them. */
  const stored = async () => {
    const { rows } = await database.pool.query<{ id: string; version: number; count: number }>(
      `SELECT r.id, coalesce(sum(c.data_version), 0)::int AS version, coalesce(sum(c.pull_request_count), 0)::int AS count
         FROM repositories r LEFT JOIN repository_data_counts c ON c.repository_id = r.id
        WHERE r.id = ANY($1) GROUP BY r.id`,
      [[api, web, docs]],
    );
    return new Map(rows.map((r) => [Number(r.id), r]));
  };
  const versions = async () => {
    const of = await stored();
    return [api, web, docs].map((id) => of.get(id)!.version);
  };
  /** The stored counts, next to the pull requests actually stored. */
  const counts = async () => {
    const of = await stored();
    const actual = await database.pool.query<{ id: string; n: number }>(
      "SELECT repository_id AS id, count(*)::int AS n FROM pull_requests GROUP BY 1",
    );
    const real = new Map(actual.rows.map((r) => [Number(r.id), r.n]));
    return [api, web, docs].map((id) => [of.get(id)!.count, real.get(id) ?? 0]);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    [api, web, docs] = (await seedInstallation(database.db, {
      id: 61,
      account: "acme",
      repositories: ["acme/api", "acme/web", "acme/docs"],
      firstRepositoryId: 6101,
    })) as [number, number, number];
  });

  afterAll(async () => {
    await database.drop();
  });

  it("rises once per statement for each repository whose pull requests or reviews it wrote, and for no other", async () => {
    expect(await versions()).toEqual([0, 0, 0]);

    await upsertPullRequests(database.db, [pr(1, api), pr(2, api), pr(3, web)]);
    expect(await versions()).toEqual([1, 1, 0]);

    // An older snapshot is refused by the stale-write guard: nothing written, nothing raised.
    await upsertPullRequests(database.db, [pr(1, api, new Date("2026-11-19T00:00:00Z"))]);
    expect(await versions()).toEqual([1, 1, 0]);

    await upsertPullRequests(database.db, [pr(1, api, new Date("2026-11-21T00:00:00Z"))]);
    expect(await versions()).toEqual([2, 1, 0]);

    await upsertReviews(database.db, [
      { id: 11, pullRequestId: 3, reviewerLogin: "bob", reviewerId: 2, state: "APPROVED", submittedAt: UPDATED },
    ]);
    expect(await versions()).toEqual([2, 2, 0]);

    await refreshFirstReviewAt(database.db, [3]);
    expect(await versions()).toEqual([2, 3, 0]);

    await database.db.delete(pullRequests).where(inArray(pullRequests.id, [2]));
    expect(await versions()).toEqual([3, 3, 0]);
  });

  it("keeps each repository's pull-request count equal to the pull requests stored, through inserts, moves and deletes", async () => {
    expect(await counts()).toEqual([
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    await upsertPullRequests(database.db, [pr(4, docs), pr(5, docs), pr(6, api)]);
    expect(await counts()).toEqual([
      [2, 2],
      [1, 1],
      [2, 2],
    ]);
    // A pull request stored under another repository moves its count with it.
    await upsertPullRequests(database.db, [pr(4, web, new Date("2026-11-22T00:00:00Z"))]);
    expect(await counts()).toEqual([
      [2, 2],
      [2, 2],
      [1, 1],
    ]);
    await database.db.delete(pullRequests).where(inArray(pullRequests.id, [1, 3, 5]));
    expect(await counts()).toEqual([
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
  });

  it("lets a webhook write a repository's pull request while a sync page of the same repository is uncommitted", async () => {
    // Two connections in different stripes, as a webhook's and a sync's nearly always are (1 in 16 share one).
    const clients = [];
    for (let i = 0; i < 20 && new Set(clients.map((c) => c.stripe)).size < 2; i++) {
      const client = await database.pool.connect();
      const { rows } = await client.query<{ stripe: number }>("SELECT pg_backend_pid() % 16 AS stripe");
      clients.push({ client, stripe: rows[0]!.stripe });
    }
    const page = clients[0]!;
    const webhook = clients.find((c) => c.stripe !== page.stripe)!;
    try {
      await page.client.query("BEGIN");
      await page.client.query(
        `INSERT INTO pull_requests (id, repository_id, number, title, author_login, state, created_at, updated_at, base_ref, head_ref, url)
         VALUES (90, $1, 90, 'page', 'alice', 'open', now(), now(), 'main', 'a', 'u')`,
        [api],
      );
      await page.client.query("UPDATE repositories SET prs_synced = prs_synced + 1 WHERE id = $1", [api]);
      await webhook.client.query("SET statement_timeout = '3s'");
      await webhook.client.query(
        `INSERT INTO pull_requests (id, repository_id, number, title, author_login, state, created_at, updated_at, base_ref, head_ref, url)
         VALUES (91, $1, 91, 'webhook', 'alice', 'open', now(), now(), 'main', 'b', 'u')`,
        [api],
      );
      await page.client.query("COMMIT");
    } finally {
      await webhook.client.query("RESET statement_timeout");
      for (const { client } of clients) client.release();
    }
    expect(await counts()).toEqual([
      [3, 3],
      [1, 1],
      [0, 0],
    ]);
  });

  it("goes with its repository when the repository is deleted, pull requests and all", async () => {
    await upsertPullRequests(database.db, [pr(8, docs)]);
    await database.db.delete(repositories).where(eq(repositories.id, docs));
    const { rows } = await database.pool.query("SELECT 1 FROM repository_data_counts WHERE repository_id = $1", [docs]);
    expect(rows).toEqual([]);
    await upsertPullRequests(database.db, [pr(7, web)]);
    expect((await stored()).get(web)!.count).toBe(2);
  });
});
