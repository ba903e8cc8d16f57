import nock from "nock";
import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { seedInstallation, seedPullRequests } from "../../support/pull-request-data.js";
import { ADMIN_TOKEN, Browser, statusEnv } from "../status-page/status-page.support.js";

const NOW = new Date();

/** A small RFC 4180 reader: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

describe("CSV export", () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    const { db } = database;
    const acme = await seedInstallation(db, {
      id: 91,
      account: "acme",
      repositories: ["acme/api", "acme/web"],
      firstRepositoryId: 9101,
    });
    await seedPullRequests(db, { repositoryIds: acme, perRepository: 40, now: NOW, days: 60, firstId: 5_000_000 });
    const other = await seedInstallation(db, {
      id: 92,
      account: "globex",
      repositories: ["globex/secret"],
      firstRepositoryId: 9201,
    });
    await seedPullRequests(db, { repositoryIds: other, perRepository: 5, now: NOW, days: 60, firstId: 6_000_000 });
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
  });

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("exports exactly the installation's pull requests created in the range, with the views' columns", async () => {
    const since = new Date(NOW.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    const res = await fetch(`${app.url}/api/installations/91/export/pull-requests.csv?since=${since}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="acme-pull-requests-${since}-to-now.csv"`,
    );
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual([
      "repository",
      "number",
      "title",
      "author_login",
      "state",
      "draft",
      "merged",
      "created_at",
      "updated_at",
      "closed_at",
      "merged_at",
      "first_review_at",
      "cycle_hours",
      "additions",
      "deletions",
      "changed_files",
      "base_ref",
      "head_ref",
      "url",
    ]);
    const expected = await database.pool.query<{
      repository: string;
      number: number;
      title: string;
      created_at: Date;
      merged_at: Date | null;
    }>(
      `SELECT r.full_name AS repository, p.number, p.title, p.created_at, p.merged_at
         FROM pull_requests p JOIN repositories r ON r.id = p.repository_id
        WHERE r.installation_id = 91 AND p.created_at >= $1::timestamptz
        ORDER BY r.full_name, p.number`,
      [`${since}T00:00:00Z`],
    );
    expect(expected.rows.length).toBeGreaterThan(10);
    const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "");
    expect(rows.map((r) => [r[0], Number(r[1]), r[2], r[7], r[10]])).toEqual(
      expected.rows.map((p) => [p.repository, p.number, p.title, iso(p.created_at), iso(p.merged_at)]),
    );
    expect(rows.some((r) => r[2]!.includes('"quoted", comma, and\nnewline'))).toBe(true);
  });

  it("exports reviews by submission time, and refuses a range it cannot read with the reason", async () => {
    const res = await fetch(`${app.url}/api/installations/91/export/reviews.csv`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual([
      "repository",
      "pull_request_number",
      "pull_request_author_login",
      "review_id",
      "reviewer_login",
      "state",
      "submitted_at",
    ]);
    const count = await database.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM reviews v JOIN pull_requests p ON p.id = v.pull_request_id
         JOIN repositories r ON r.id = p.repository_id WHERE r.installation_id = 91`,
    );
    expect(rows).toHaveLength(count.rows[0]!.n);

    for (const [query, message] of [
      ["since=yesterday", "since must be a date (2024-05-01) or a UTC time (2024-05-01T12:00:00Z)."],
      ["since=2024-06-01&until=2024-05-01", "since must be before until."],
      ["until=2024-02-30", "until must be a date (2024-05-01) or a UTC time (2024-05-01T12:00:00Z)."],
    ] as const) {
      const bad = await fetch(`${app.url}/api/installations/91/export/reviews.csv?${query}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect([query, bad.status, await bad.json()]).toEqual([query, 400, { error: "BAD_REQUEST", message }]);
    }
  });

  it("does not let a signed-in user export an installation GitHub did not list for them", async () => {
    const browser = new Browser(app.url);
    await browser.signInWithGitHub("wile", [91]);
    const own = await browser.fetch("/status/installations/91/export/pull-requests.csv");
    expect(own.status).toBe(200);
    expect(await own.text()).toContain("acme/api");
    for (const path of [
      "/status/installations/92/export/pull-requests.csv",
      "/status/installations/92/export/reviews.csv",
      "/status/installations/92/export",
      "/status/installations/92/insights",
    ]) {
      const res = await browser.fetch(path);
      const body = await res.text();
      expect([path, res.status, body.includes("globex")]).toEqual([path, 404, false]);
    }
    const anonymous = await fetch(`${app.url}/api/installations/91/export/pull-requests.csv`);
    expect(anonymous.status).toBe(401);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("offers BI tools views they can read and cannot write through", async () => {
    const views = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pr_sync_pull_requests WHERE installation_id = 92",
    );
    expect(views.rows[0]!.n).toBe(5);
    const reviewers = await database.pool.query<{ reviewer_login: string }>(
      "SELECT DISTINCT reviewer_login FROM pr_sync_reviews WHERE account_login = 'acme' ORDER BY 1",
    );
    expect(reviewers.rows.length).toBeGreaterThan(0);
    await expect(database.pool.query("UPDATE pr_sync_pull_requests SET title = 'changed'")).rejects.toThrow(
      /cannot update view "pr_sync_pull_requests"/,
    );
    await expect(database.pool.query("DELETE FROM pr_sync_reviews")).rejects.toThrow(
      /cannot delete from view "pr_sync_reviews"/,
    );
  });
});
