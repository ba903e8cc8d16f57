import { repositories, type SyncStatus } from "../../../src/modules/repositories/repositories.table.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { ADMIN_TOKEN, Browser, insertInstallation, insertRepository, statusEnv } from "./status-page.support.js";

const LARGE = 500;
const SMALL = 600;
const MINUTE = 60_000;
const rank: Record<SyncStatus, number> = { error: 0, paused: 1, syncing: 2, pending: 3, complete: 4 };

/** 250 repositories: 5 failed, 5 paused, 10 syncing (5 of them stalled), 5 pending and 225 complete. */
function largeInstallation(now: number) {
  return Array.from({ length: 250 }, (_, i) => {
    const status: SyncStatus =
      i % 50 === 0
        ? "error"
        : i % 50 === 1
          ? "paused"
          : i % 25 === 2
            ? "syncing"
            : i % 50 === 3
              ? "pending"
              : "complete";
    return {
      id: 50_000 + i,
      installationId: LARGE,
      fullName: `large-org/repo-${String(i).padStart(3, "0")}`,
      status,
      syncStartedAt: status === "syncing" ? new Date(now - 30 * MINUTE) : null,
      // Those at i % 50 === 2 have not moved for 20 minutes: stalled.
      lastProgressAt: status === "syncing" ? new Date(now - (i % 50 === 2 ? 20 : 1) * MINUTE) : null,
      lastSyncedAt: status === "complete" ? new Date(now - 60 * MINUTE) : null,
      lastError: status === "error" ? "GitHub answered 502." : null,
    };
  });
}

/** The HTML with the two entities Handlebars writes into these links (`=` and `&`) read back. */
const readable = async (res: Response) => (await res.text()).replaceAll("&#x3D;", "=").replaceAll("&amp;", "&");
const rowIds = (html: string) => [...html.matchAll(/<tr data-repository="(\d+)"/g)].map((m) => Number(m[1]));
const pollsFrom = (html: string) => /hx-get="([^"]*)"/.exec(html)?.[1] ?? null;

/** The parts of the installation API's answer these tests read. */
interface InstallationBody {
  page: unknown;
  counts: unknown;
  installation: unknown;
  repositories: { id: number; stalled: boolean }[];
}

describe("status page paging and filters", () => {
  let database: TestDatabase;
  let app: TestApp;
  let operator: Browser;
  let rows: ReturnType<typeof largeInstallation>;
  /** Repository ids in the order the page lists them: problems first, then by name. */
  let ordered: number[];
  const api = (path: string) => fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const idsWith = (statuses: SyncStatus[]) => ordered.filter((id) => statuses.includes(rows[id - 50_000]!.status));

  beforeAll(async () => {
    database = await createTestDatabase();
    rows = largeInstallation(Date.now());
    ordered = [...rows]
      .sort((a, b) => rank[a.status] - rank[b.status] || a.fullName.localeCompare(b.fullName))
      .map((r) => r.id);
    await insertInstallation(database, LARGE, "large-org", { memberSyncStatus: "complete" });
    await database.db.insert(repositories).values(rows);
    await insertInstallation(database, SMALL, "small-org", { memberSyncStatus: "complete" });
    await insertRepository(database, 60_001, SMALL, "small-org/app", { status: "complete" });
    await insertRepository(database, 60_002, SMALL, "small-org/gone", { status: "error", active: false });
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
    operator = new Browser(app.url);
    await operator.signInAsOperator();
  });

  afterAll(async () => {
    await app.stop();
    await database.drop();
  });

  it("shows the first 100 of 250 repositories, problems first, with counts and the summary over all 250", async () => {
    const res = await operator.fetch(`/status/installations/${LARGE}`);
    expect(res.status).toBe(200);
    const html = await readable(res);
    expect(rowIds(html)).toEqual(ordered.slice(0, 100));
    expect(html).toContain("<strong>225 of 250</strong> repositories synced");
    expect(html).toContain("Repositories <strong>1–100</strong> of <strong>250</strong> · page 1 of 3");
    const filters = [...html.matchAll(/<li><a href="([^"]+)"( aria-current="page")?>([^<]+)<\/a><\/li>/g)];
    expect(filters.map((m) => [m[1], Boolean(m[2]), m[3]])).toEqual([
      [`/status/installations/${LARGE}`, true, "All (250)"],
      [`/status/installations/${LARGE}?status=attention`, false, "Needs attention (15)"],
      [`/status/installations/${LARGE}?status=error`, false, "Error (5)"],
      [`/status/installations/${LARGE}?status=paused`, false, "Paused (5)"],
      [`/status/installations/${LARGE}?status=syncing`, false, "Syncing (10)"],
      [`/status/installations/${LARGE}?status=pending`, false, "Pending (5)"],
      [`/status/installations/${LARGE}?status=complete`, false, "Complete (225)"],
    ]);
    expect(html).toContain(`<a href="/status/installations/${LARGE}?page=2" rel="next">Next page</a>`);
    expect(html).toContain('<span class="muted" aria-disabled="true">Previous page</span>');
    expect(html).not.toContain('rel="prev"');
    expect(pollsFrom(html)).toBe(`/status/installations/${LARGE}/live`);
  });

  it("shows the last 50 on page 3, and its live partial polls page 3 and answers with page 3", async () => {
    const html = await readable(await operator.fetch(`/status/installations/${LARGE}?page=3`));
    expect(rowIds(html)).toEqual(ordered.slice(200, 250));
    expect(html).toContain("Repositories <strong>201–250</strong> of <strong>250</strong> · page 3 of 3");
    expect(html).toContain(`<a href="/status/installations/${LARGE}?page=2" rel="prev">Previous page</a>`);
    expect(html).not.toContain('rel="next"');
    expect(pollsFrom(html)).toBe(`/status/installations/${LARGE}/live?page=3`);

    const live = await operator.fetch(`/status/installations/${LARGE}/live?page=3`);
    expect(live.status).toBe(200);
    const fragment = await readable(live);
    expect(fragment.startsWith('<section id="live"')).toBe(true);
    expect(rowIds(fragment)).toEqual(ordered.slice(200, 250));
    expect(pollsFrom(fragment)).toBe(`/status/installations/${LARGE}/live?page=3`);
    expect(fragment).toContain("<strong>225 of 250</strong> repositories synced");
  });

  it("keeps per_page in the links and the poll", async () => {
    const html = await readable(await operator.fetch(`/status/installations/${LARGE}?page=2&per_page=200`));
    expect(rowIds(html)).toEqual(ordered.slice(200, 250));
    expect(html).toContain("Repositories <strong>201–250</strong> of <strong>250</strong> · page 2 of 2");
    expect(html).toContain(`<a href="/status/installations/${LARGE}?per_page=200" rel="prev">Previous page</a>`);
    expect(html).toContain(`<a href="/status/installations/${LARGE}?status=error&per_page=200">Error (5)</a>`);
    expect(pollsFrom(html)).toBe(`/status/installations/${LARGE}/live?page=2&per_page=200`);
  });

  it("lists only the repositories a status filter matches, and the live partial keeps the filter", async () => {
    const attention = await readable(await operator.fetch(`/status/installations/${LARGE}?status=attention`));
    const stalled = ordered.filter((id) => (id - 50_000) % 50 === 2);
    expect(rowIds(attention)).toEqual([...idsWith(["error", "paused"]), ...stalled]);
    expect(attention).toContain(
      `<a href="/status/installations/${LARGE}?status=attention" aria-current="page">Needs attention (15)</a>`,
    );
    expect(attention).toContain("Repositories <strong>1–15</strong> of <strong>15</strong> (Needs attention)");
    expect(pollsFrom(attention)).toBe(`/status/installations/${LARGE}/live?status=attention`);

    const error = await readable(await operator.fetch(`/status/installations/${LARGE}/live?status=error`));
    expect(rowIds(error)).toEqual(idsWith(["error"]));
    expect(pollsFrom(error)).toBe(`/status/installations/${LARGE}/live?status=error`);

    const complete = await readable(await operator.fetch(`/status/installations/${LARGE}?status=complete&page=3`));
    expect(rowIds(complete)).toEqual(idsWith(["complete"]).slice(200));
    expect(pollsFrom(complete)).toBe(`/status/installations/${LARGE}/live?status=complete&page=3`);
  });

  it("brings an admin back to the same page and filter after Sync now, and ignores a forged return query", async () => {
    const page = await (await operator.fetch(`/status/installations/${LARGE}?status=complete&page=2`)).text();
    expect(page).toContain('name="return_query" value="?status&#x3D;complete&amp;page&#x3D;2"');
    const csrf = page.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const target = idsWith(["complete"])[150]!;
    const res = await operator.post(`/status/repositories/${target}/sync`, {
      _csrf: csrf,
      action: "sync",
      return_query: "?status=complete&page=2",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/status/installations/${LARGE}?status=complete&page=2&notice=queued`);

    const forged = await operator.post(`/status/repositories/${target}/sync`, {
      _csrf: csrf,
      action: "sync",
      return_query: "?page=-1&next=https://evil.example",
    });
    expect(forged.headers.get("location")).toMatch(new RegExp(`^/status/installations/${LARGE}\\?notice=`));
  });

  it("leaves removed repositories out of status filters and says when a filter matches nothing", async () => {
    const all = await readable(await operator.fetch(`/status/installations/${SMALL}`));
    expect(rowIds(all)).toEqual([60_001, 60_002]);
    expect(all).toContain("All (2)");
    expect(all).toContain("Error (0)");
    const error = await readable(await operator.fetch(`/status/installations/${SMALL}?status=error`));
    expect(rowIds(error)).toEqual([]);
    expect(error).toContain("No repositories with status Error.");
    expect(error).toContain(`<a href="/status/installations/${SMALL}">Show all repositories</a>`);
    expect(error).not.toContain("No repositories yet.");
  });

  it("answers the JSON API with one page, the counts over every repository and where the page is", async () => {
    const res = await api(`/api/installations/${LARGE}?page=3`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as InstallationBody;
    expect(body.page).toEqual({ number: 3, perPage: 100, total: 250 });
    expect(body.counts).toEqual({
      all: 250,
      attention: 15,
      error: 5,
      paused: 5,
      syncing: 10,
      pending: 5,
      complete: 225,
    });
    expect(body.installation).toMatchObject({ id: LARGE, repositories: 250, synced: 225, busy: 20 });
    expect(body.repositories.map((r) => r.id)).toEqual(ordered.slice(200, 250));

    const syncing = (await (
      await api(`/api/installations/${LARGE}?status=syncing&per_page=4&page=2`)
    ).json()) as InstallationBody;
    expect(syncing.page).toEqual({ number: 2, perPage: 4, total: 10 });
    expect(syncing.repositories.map((r) => r.id)).toEqual(idsWith(["syncing"]).slice(4, 8));
    expect(syncing.repositories.map((r) => r.stalled)).toEqual(
      idsWith(["syncing"])
        .slice(4, 8)
        .map((id) => (id - 50_000) % 50 === 2),
    );
  });

  it("answers one repository from the repository API", async () => {
    const res = await api(`/api/repositories/50249`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { installation: unknown; repository: unknown };
    expect(body.installation).toMatchObject({ id: LARGE, account: "large-org", repositories: 250 });
    expect(body.repository).toMatchObject({
      id: 50_249,
      installationId: LARGE,
      fullName: "large-org/repo-249",
      status: "complete",
      pullRequests: 0,
      latestPullRequest: null,
      stalled: false,
      canAct: true,
    });
  });

  it("answers 400 with the reason for absurd API parameters, and for a page past the end", async () => {
    const cases: [string, string][] = [
      ["page=0", "page must be a whole number from 1 to 1000000."],
      ["page=-1", "page must be a whole number from 1 to 1000000."],
      ["page=abc", "page must be a whole number from 1 to 1000000."],
      [`page=1${"0".repeat(30)}`, "page must be a whole number from 1 to 1000000."],
      ["per_page=0", "per_page must be a whole number from 1 to 200."],
      ["per_page=500", "per_page must be a whole number from 1 to 200."],
      ["per_page=1e2", "per_page must be a whole number from 1 to 200."],
      ["status=broken", "status must be one of attention, error, paused, syncing, pending, complete."],
      ["page=4", "page 4 is past the end: 250 repositories make 3 pages of 100."],
      ["status=error&page=2", "page 2 is past the end: 5 repositories make 1 page of 100."],
    ];
    for (const [query, message] of cases) {
      const res = await api(`/api/installations/${LARGE}?${query}`);
      expect([query, res.status, await res.json()]).toEqual([query, 400, { error: "BAD_REQUEST", message }]);
    }
  });

  it("answers a 400 page for malformed HTML parameters and moves a page past the end to the last page", async () => {
    for (const query of ["page=0", "page=-3", "page=x", `page=1${"0".repeat(30)}`, "per_page=1000", "status=nope"]) {
      for (const path of [`/status/installations/${LARGE}`, `/status/installations/${LARGE}/live`]) {
        const res = await operator.fetch(`${path}?${query}`);
        expect([path, query, res.status]).toEqual([path, query, 400]);
        expect(await res.text()).toMatch(/must be (a whole number from 1 to \d+|one of attention)/);
      }
    }
    const past = await operator.fetch(`/status/installations/${LARGE}?page=99`);
    expect(past.status).toBe(200);
    const html = await readable(past);
    expect(rowIds(html)).toEqual(ordered.slice(200, 250));
    expect(pollsFrom(html)).toBe(`/status/installations/${LARGE}/live?page=3`);
    const live = await operator.fetch(`/status/installations/${LARGE}/live?status=pending&page=7`);
    expect(live.status).toBe(200);
    expect(rowIds(await readable(live))).toEqual(idsWith(["pending"]));
    expect(app.logs.join("\n")).not.toContain("status page request failed");
  });
});
