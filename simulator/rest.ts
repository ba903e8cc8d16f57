import { canReadMembers, canReadRepository, canUserSeeAccount } from "./access.js";
import { newToken, type Principal } from "./auth.js";
import { findAccountByLogin, findRepository, installationRepositories, type SimPullRequest } from "./dataset.js";
import { ownMembership, userMembership } from "./memberships.js";
import { paginate } from "./paging.js";
import type { Resource } from "./rate-limits.js";
import {
  INSTALLATION_PERMISSIONS,
  restInstallation,
  restIssue,
  restPullRequest,
  restPullRequestSimple,
  restRepository,
  restReview,
  restUser,
  type Urls,
} from "./rest-shapes.js";
import { DOCS, type SimulatorState } from "./state.js";

export interface RestContext {
  state: SimulatorState;
  principal: Principal;
  url: URL;
  body: string;
  urls: Urls;
  now: number;
}

export interface RestAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** Who may call it: the app's JWT, an installation token, a user token, or either token. */
  caller: "app" | "installation" | "user" | "token";
  /** GET /rate_limit does not spend the budget. */
  free?: boolean;
  handle: (context: RestContext, params: string[]) => RestAnswer;
}

const notFound = (): RestAnswer => ({ status: 404, body: { message: "Not Found", documentation_url: DOCS } });
const ok = (body: unknown, headers: Record<string, string> = {}): RestAnswer => ({ status: 200, body, headers });

function publicBase(context: RestContext): string {
  return context.urls.api.replace(/\/api\/v3$/, "");
}

function repositoryOr404(context: RestContext, owner: string, name: string) {
  const repository = findRepository(context.state.data, owner, name);
  if (!repository || !canReadRepository(context.state.data, context.principal, repository)) return undefined;
  return repository;
}

function listPulls(context: RestContext, [owner, name]: string[]): RestAnswer {
  const repository = repositoryOr404(context, owner!, name!);
  if (!repository) return notFound();
  const { searchParams } = context.url;
  const state = searchParams.get("state") ?? "open";
  const sort = searchParams.get("sort") ?? "created";
  const direction = searchParams.get("direction") ?? (sort === "created" ? "desc" : "desc");
  if (
    !["open", "closed", "all"].includes(state) ||
    !["created", "updated", "popularity", "long-running"].includes(sort)
  )
    return { status: 422, body: { message: "Validation Failed", documentation_url: DOCS } };
  const pulls = repository.pullRequests.filter((pr) => state === "all" || pr.state === state);
  const key = (pr: SimPullRequest) => (sort === "updated" ? pr.updatedAt : pr.createdAt);
  pulls.sort((a, b) => key(a).localeCompare(key(b)) || a.number - b.number);
  if (direction === "desc") pulls.reverse();
  const { page, headers } = paginate(pulls, context.url, publicBase(context));
  return ok(
    page.map((pr) => restPullRequestSimple(context.urls, context.state.data, repository, pr)),
    headers,
  );
}

function findPull(context: RestContext, owner: string, name: string, number: string) {
  const repository = repositoryOr404(context, owner, name);
  const pullRequest = repository?.pullRequests.find((pr) => pr.number === Number(number));
  return repository && pullRequest ? { repository, pullRequest } : undefined;
}

function listIssues(context: RestContext, [owner, name]: string[]): RestAnswer {
  const repository = repositoryOr404(context, owner!, name!);
  if (!repository) return notFound();
  const { searchParams } = context.url;
  const state = searchParams.get("state") ?? "open";
  const since = searchParams.get("since");
  const sinceMs = since ? Date.parse(since) : Number.NaN;
  if (since && Number.isNaN(sinceMs))
    return { status: 422, body: { message: "Validation Failed", documentation_url: DOCS } };
  const sort = searchParams.get("sort") ?? "created";
  const direction = searchParams.get("direction") ?? "desc";
  const issues = repository.pullRequests.filter(
    (pr) => (state === "all" || pr.state === state) && (!since || Date.parse(pr.updatedAt) >= sinceMs),
  );
  const key = (pr: SimPullRequest) => (sort === "updated" ? pr.updatedAt : pr.createdAt);
  issues.sort((a, b) => key(a).localeCompare(key(b)) || a.number - b.number);
  if (direction === "desc") issues.reverse();
  const { page, headers } = paginate(issues, context.url, publicBase(context));
  return ok(
    page.map((pr) => restIssue(context.urls, context.state.data, repository, pr)),
    headers,
  );
}

function listMembers(context: RestContext, [org]: string[]): RestAnswer {
  const { data } = context.state;
  const organization = findAccountByLogin(data, org!);
  if (
    !organization ||
    organization.type !== "Organization" ||
    !canReadMembers(data, context.principal, organization.id)
  )
    return notFound();
  const role = context.url.searchParams.get("role") ?? "all";
  const members = (data.memberships.get(organization.id) ?? []).filter((m) => role === "all" || m.role === role);
  const { page, headers } = paginate(members, context.url, publicBase(context));
  return ok(
    page.map((m) => restUser(context.urls, data.accounts.get(m.userId))),
    headers,
  );
}

function rateLimitBody(context: RestContext) {
  const owner =
    context.principal.kind === "installation"
      ? `installation:${context.principal.installationId}`
      : context.principal.kind === "user"
        ? `user:${context.principal.userId}`
        : "app";
  const entry = (resource: Resource) => {
    const bucket = context.state.rateLimits.peek(owner, resource, context.now);
    return {
      limit: bucket.limit,
      used: bucket.used,
      remaining: Math.max(0, bucket.limit - bucket.used),
      reset: Math.ceil(bucket.resetAt / 1000),
    };
  };
  return {
    resources: { core: entry("core"), graphql: entry("graphql") },
    rate: { ...entry("core"), resource: "core" },
  };
}

function createAccessToken(context: RestContext, [id]: string[]): RestAnswer {
  const { state } = context;
  const installation = state.data.installations.get(Number(id));
  if (!installation || installation.deleted) return notFound();
  if (installation.suspended)
    return { status: 403, body: { message: "This installation has been suspended", documentation_url: DOCS } };
  const token = newToken("ghs");
  const expiresAt = context.now + state.tokenTtlMs;
  state.tokens.set(token, { kind: "installation", ownerId: installation.id, expiresAt });
  return {
    status: 201,
    body: {
      token,
      expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
      permissions: INSTALLATION_PERMISSIONS,
      repository_selection: installation.repositorySelection,
    },
  };
}

function userInstallations(context: RestContext): RestAnswer {
  if (context.principal.kind !== "user") return notFound();
  const { data, appId, appSlug } = context.state;
  const userId = context.principal.userId;
  const visible = [...data.installations.values()].filter(
    (i) => !i.deleted && canUserSeeAccount(data, userId, i.accountId),
  );
  const { page, headers } = paginate(visible, context.url, publicBase(context));
  return ok(
    {
      total_count: visible.length,
      installations: page.map((i) => restInstallation(context.urls, data, i, appId, appSlug)),
    },
    headers,
  );
}

const ROUTES: Route[] = [
  {
    method: "GET",
    pattern: /^\/app$/,
    caller: "app",
    handle: (c) =>
      ok({
        id: c.state.appId,
        slug: c.state.appSlug,
        client_id: c.state.clientId,
        name: c.state.appSlug,
        permissions: INSTALLATION_PERMISSIONS,
      }),
  },
  {
    method: "GET",
    pattern: /^\/app\/installations$/,
    caller: "app",
    handle: (c) => {
      const all = [...c.state.data.installations.values()].filter((i) => !i.deleted);
      const { page, headers } = paginate(all, c.url, publicBase(c));
      return ok(
        page.map((i) => restInstallation(c.urls, c.state.data, i, c.state.appId, c.state.appSlug)),
        headers,
      );
    },
  },
  {
    method: "GET",
    pattern: /^\/app\/installations\/(\d+)$/,
    caller: "app",
    handle: (c, [id]) => {
      const installation = c.state.data.installations.get(Number(id));
      if (!installation || installation.deleted) return notFound();
      return ok(restInstallation(c.urls, c.state.data, installation, c.state.appId, c.state.appSlug));
    },
  },
  { method: "POST", pattern: /^\/app\/installations\/(\d+)\/access_tokens$/, caller: "app", handle: createAccessToken },
  {
    method: "GET",
    pattern: /^\/installation\/repositories$/,
    caller: "installation",
    handle: (c) => {
      if (c.principal.kind !== "installation") return notFound();
      const installation = c.state.data.installations.get(c.principal.installationId)!;
      const repositories = installationRepositories(c.state.data, installation);
      const { page, headers } = paginate(repositories, c.url, publicBase(c));
      return ok(
        {
          total_count: repositories.length,
          repository_selection: installation.repositorySelection,
          repositories: page.map((r) => restRepository(c.urls, c.state.data, r)),
        },
        headers,
      );
    },
  },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)$/,
    caller: "token",
    handle: (c, [owner, name]) => {
      const repository = repositoryOr404(c, owner!, name!);
      return repository ? ok(restRepository(c.urls, c.state.data, repository)) : notFound();
    },
  },
  { method: "GET", pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls$/, caller: "token", handle: listPulls },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
    caller: "token",
    handle: (c, [owner, name, number]) => {
      const found = findPull(c, owner!, name!, number!);
      return found ? ok(restPullRequest(c.urls, c.state.data, found.repository, found.pullRequest)) : notFound();
    },
  },
  {
    method: "GET",
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/,
    caller: "token",
    handle: (c, [owner, name, number]) => {
      const found = findPull(c, owner!, name!, number!);
      if (!found) return notFound();
      const { page, headers } = paginate(found.pullRequest.reviews, c.url, publicBase(c));
      return ok(
        page.map((review) => restReview(c.urls, c.state.data, found.repository, found.pullRequest, review)),
        headers,
      );
    },
  },
  { method: "GET", pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/, caller: "token", handle: listIssues },
  { method: "GET", pattern: /^\/orgs\/([^/]+)\/members$/, caller: "token", handle: listMembers },
  { method: "GET", pattern: /^\/rate_limit$/, caller: "token", free: true, handle: (c) => ok(rateLimitBody(c)) },
  {
    method: "GET",
    pattern: /^\/user$/,
    caller: "user",
    handle: (c) => {
      if (c.principal.kind !== "user") return notFound();
      const account = c.state.data.accounts.get(c.principal.userId);
      return ok({ ...restUser(c.urls, account), name: account?.name ?? null, email: null });
    },
  },
  { method: "GET", pattern: /^\/user\/installations$/, caller: "user", handle: userInstallations },
  {
    method: "GET",
    pattern: /^\/user\/memberships\/orgs\/([^/]+)$/,
    caller: "user",
    handle: (c, [org]) => ownMembership(c.urls, c.state.data, c.principal, org!),
  },
  {
    method: "GET",
    pattern: /^\/orgs\/([^/]+)\/memberships\/([^/]+)$/,
    caller: "token",
    handle: (c, [org, user]) => userMembership(c.urls, c.state.data, c.principal, org!, user!),
  },
];

export type MatchedRoute = { route: Route; params: string[] };

export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1).map(decodeURIComponent) };
  }
  return undefined;
}

/** Whether the principal may call the route at all; GitHub answers a wrong kind of credential with 401/403/404. */
export function callerAllowed(route: Route, principal: Principal): RestAnswer | undefined {
  if (route.caller === "app" && principal.kind !== "app")
    return {
      status: 401,
      body: {
        message: "A JSON web token could not be decoded",
        documentation_url: DOCS,
      },
    };
  if (route.caller !== "app" && principal.kind === "app")
    return { status: 403, body: { message: "Resource not accessible by integration", documentation_url: DOCS } };
  if (route.caller === "user" && principal.kind !== "user")
    return { status: 403, body: { message: "Resource not accessible by integration", documentation_url: DOCS } };
  return undefined;
}

export function isFreeRoute(matched: MatchedRoute): boolean {
  return matched.route.free === true;
}
