import type pg from "pg";
import { createDatabase } from "../src/db/client.js";
import { installations } from "../src/modules/installations/installations.table.js";
import { repositories, type SyncStatus } from "../src/modules/repositories/repositories.table.js";
import { percentile } from "./percentile.js";

export interface RenderTiming {
  requests: number;
  medianMs: number;
  p95Ms: number;
  /** Size of one answer, in KB. */
  sizeKb: number;
  /** Answers other than 200 (timed all the same; pr-sync logs the cause on the bench's stderr). */
  errors: number;
}

export interface StatusPageResult {
  repositories: number;
  /** The installation page (`/status/installations/:id`), signed in as the operator. */
  page: RenderTiming;
  /** The live partial the page polls (`/status/installations/:id/live`). */
  live: RenderTiming;
  /** The same data as JSON (`/api/installations/:id` with the operator's bearer token): the page without its HTML. */
  api: RenderTiming;
  /** Repository rows found in the page's HTML: one full first page (100), or the page did not render what it was given. */
  rowsRendered: number;
}

/** An installation id and repository ids far from the simulator's, so nothing collides with synced data. */
const LARGE_INSTALLATION_ID = 7_700_001;
const FIRST_REPOSITORY_ID = 770_000_001;
const MINUTE = 60_000;

/**
 * Stores one organization installation with `count` repositories in the states a large installation
 * shows at once: most complete, some syncing part way, a few paused for the rate limit, failed or pending.
 */
export async function seedLargeInstallation(pool: pg.Pool, count: number): Promise<number> {
  const db = createDatabase(pool);
  const now = Date.now();
  await db.insert(installations).values({
    id: LARGE_INSTALLATION_ID,
    accountLogin: "large-org",
    accountId: 7_700_000,
    accountType: "Organization",
    repositorySelection: "all",
    permissions: { pull_requests: "read", metadata: "read", members: "read" },
    permissionsAcceptedAt: new Date(now - 30 * 24 * 60 * MINUTE),
    memberSyncStatus: "complete",
    memberSyncCompletedAt: new Date(now - 3 * 60 * MINUTE),
    memberCount: 420,
  });
  const rows = Array.from({ length: count }, (_, i) => {
    const status: SyncStatus =
      i % 100 === 0
        ? "error"
        : i % 50 === 1
          ? "paused"
          : i % 20 === 2
            ? "syncing"
            : i % 97 === 3
              ? "pending"
              : "complete";
    const started = new Date(now - (i % 180) * MINUTE - 5 * MINUTE);
    const windowStart = new Date(now - 90 * 24 * 60 * MINUTE);
    const done = status === "complete" || status === "error";
    return {
      id: FIRST_REPOSITORY_ID + i,
      installationId: LARGE_INSTALLATION_ID,
      fullName: `large-org/service-${String(i).padStart(4, "0")}`,
      private: i % 3 === 0,
      status,
      syncKind: i % 4 === 0 ? ("backfill" as const) : ("catch-up" as const),
      syncStartedAt: status === "pending" ? null : started,
      syncCompletedAt: done ? new Date(started.getTime() + 2 * MINUTE) : null,
      lastSyncedAt: status === "pending" ? null : started,
      historySince: windowStart,
      windowStart,
      windowEnd: started,
      reachedAt: status === "syncing" || status === "paused" ? new Date(now - (i % 60) * 24 * 60 * MINUTE) : null,
      prsSynced: (i * 37) % 900,
      reviewsSynced: (i * 53) % 2_000,
      pagesFetched: 1 + (i % 12),
      apiRequests: 1 + (i % 12),
      apiPoints: 1 + (i % 12),
      lastRunPoints: 1 + (i % 12),
      rateLimitRemaining: status === "paused" ? 12 : 4_000,
      pausedUntil: status === "paused" ? new Date(now + 20 * MINUTE) : null,
      lastProgressAt: status === "pending" ? null : new Date(now - (i % 5) * MINUTE),
      lastError: status === "error" ? "GitHub answered 502 Bad Gateway three times; the next catch-up retries." : null,
      lastErrorCode: status === "error" ? "GITHUB_UNAVAILABLE" : null,
      initialSyncFinishedAt: status === "pending" ? null : started,
    };
  });
  for (let i = 0; i < rows.length; i += 250) await db.insert(repositories).values(rows.slice(i, i + 250));
  return LARGE_INSTALLATION_ID;
}

/** Signs in to the status page with the operator token through its form, as a browser would; answers the cookie. */
export async function signInAsOperator(baseUrl: string, adminToken: string): Promise<string> {
  const form = await fetch(`${baseUrl}/status/sign-in`);
  const pre = /prsync_pre=[^;]+/.exec(form.headers.get("set-cookie") ?? "")?.[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!pre || !csrf) throw new Error("the sign-in page set no pre-session cookie or CSRF token");
  const signedIn = await fetch(`${baseUrl}/status/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: pre, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, token: adminToken }).toString(),
  });
  const session = /prsync_session=[^;]+/.exec(signedIn.headers.get("set-cookie") ?? "")?.[0];
  if (!session) throw new Error(`operator sign-in answered ${signedIn.status} without a session`);
  return session;
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/** GETs `url` `requests` times one after another (after two unmeasured warm-ups) and times each full answer. */
async function timeGets(
  url: string,
  headers: Record<string, string>,
  requests: number,
): Promise<{ timing: RenderTiming; html: string }> {
  let html = "";
  let errors = 0;
  const times: number[] = [];
  for (let i = -2; i < requests; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    const text = await response.text();
    const elapsed = performance.now() - started;
    if (response.status === 200) html = text;
    else if (i >= 0) errors += 1;
    if (i >= 0) times.push(elapsed);
  }
  if (html === "") throw new Error(`${url} never answered 200`);
  times.sort((a, b) => a - b);
  return {
    timing: {
      requests,
      medianMs: round1(percentile(times, 0.5)),
      p95Ms: round1(percentile(times, 0.95)),
      sizeKb: Math.round(Buffer.byteLength(html) / 1024),
      errors,
    },
    html,
  };
}

/**
 * Times the installation page, its live partial and the JSON API for an installation of `count`
 * repositories; each answers its first page (the default), as a person opening the page sees it.
 */
export async function measureStatusPage(options: {
  pool: pg.Pool;
  baseUrl: string;
  adminToken: string;
  count: number;
  requests: number;
}): Promise<StatusPageResult> {
  const installationId = await seedLargeInstallation(options.pool, options.count);
  const cookie = await signInAsOperator(options.baseUrl, options.adminToken);
  const pageUrl = `${options.baseUrl}/status/installations/${installationId}`;
  const page = await timeGets(pageUrl, { cookie }, options.requests);
  const live = await timeGets(`${pageUrl}/live`, { cookie }, options.requests);
  const api = await timeGets(
    `${options.baseUrl}/api/installations/${installationId}`,
    { authorization: `Bearer ${options.adminToken}` },
    options.requests,
  );
  return {
    repositories: options.count,
    page: page.timing,
    live: live.timing,
    api: api.timing,
    rowsRendered: page.html.match(/<tr data-repository="/g)?.length ?? 0,
  };
}
