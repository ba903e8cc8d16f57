import nock from "nock";
import { parse, validate } from "graphql";
import { githubSchema } from "./github-schema.js";
import type { GraphqlPullRequest, GraphqlReview } from "../../src/github/graphql-results.js";

export const GITHUB_HOST = "https://github.test";

export type FakeReview = GraphqlReview & { databaseId: number; submittedAt: string };

/** A pull request as pr-sync's GraphQL query returns it, with all its reviews (paged by the fake). */
export type FakePullRequest = GraphqlPullRequest & { databaseId: number; reviews: FakeReview[] };

/** A pull request updated `hoursAgo` before `now`, with `reviewCount` reviews. */
export function fakePullRequest(options: {
  number: number;
  now: Date;
  hoursAgo: number;
  reviewCount?: number;
  title?: string;
}): FakePullRequest {
  const updated = new Date(options.now.getTime() - options.hoursAgo * 3_600_000);
  const created = new Date(updated.getTime() - 48 * 3_600_000);
  return {
    id: `PR_${options.number}`,
    databaseId: 100_000 + options.number,
    number: options.number,
    title: options.title ?? `Change ${options.number}`,
    url: `${GITHUB_HOST}/octo-org/api/pull/${options.number}`,
    state: "OPEN",
    isDraft: false,
    merged: false,
    createdAt: created.toISOString(),
    updatedAt: updated.toISOString(),
    closedAt: null,
    mergedAt: null,
    additions: options.number,
    deletions: 1,
    changedFiles: 2,
    baseRefName: "main",
    headRefName: `feature-${options.number}`,
    author: { __typename: "User", login: "alice", databaseId: 1 },
    reviews: Array.from({ length: options.reviewCount ?? 1 }, (_, i) => ({
      databaseId: 1_000_000 + options.number * 1000 + i,
      state: i === 0 ? "APPROVED" : "COMMENTED",
      submittedAt: new Date(created.getTime() + (i + 1) * 60_000).toISOString(),
      author: { __typename: "User", login: `reviewer${i % 3}`, databaseId: 10 + (i % 3) },
    })),
  };
}

export interface GraphqlCall {
  operation: string;
  variables: Record<string, unknown>;
}

export interface FakeGitHub {
  calls: GraphqlCall[];
  tokenRequests: number;
  /** GraphQL rate limit reported with each answer. */
  rateLimit: { remaining: number; resetAt: Date; limit: number };
  /** Answers the next GraphQL requests with these instead (status, body, headers), first in first out. */
  failNext: { status: number; body: unknown; headers?: Record<string, string>; operation?: string }[];
  pullRequests: FakePullRequest[];
  members: { databaseId: number; login: string; name: string | null; role: "ADMIN" | "MEMBER" }[];
  /** The one repository the fake knows; any other is answered NOT_FOUND, as GitHub does. */
  repository: { owner: string; name: string };
  /** False when the test expects pr-sync not to call GitHub at all: verify() then fails on any call. */
  expectCalls: boolean;
  /**
   * Fails unless the test used GitHub as it meant to: a token was requested and GraphQL was called, every
   * queued failure was answered, and no request went unanswered (an unknown operation, an unmocked path).
   */
  verify: () => void;
  /** verify(), after removing this fake's mocks (and only them): call it after each test. */
  done: () => void;
}

function page<T>(items: T[], first: number, after: unknown) {
  const start = typeof after === "string" ? Number(after) : 0;
  const slice = items.slice(start, start + first);
  const end = start + slice.length;
  return { slice, pageInfo: { hasNextPage: end < items.length, endCursor: slice.length ? String(end) : null } };
}

/**
 * GitHub at the HTTP boundary for sync tests: installation tokens and a GraphQL endpoint answering
 * pr-sync's documents from an in-memory list, after validating each against GitHub's schema.
 */
export function fakeGitHub(options: { installationId: number; owner: string; name: string }): FakeGitHub {
  const state: FakeGitHub = {
    calls: [],
    tokenRequests: 0,
    rateLimit: { remaining: 4_990, resetAt: new Date(Date.now() + 3_600_000), limit: 5_000 },
    failNext: [],
    pullRequests: [],
    members: [],
    repository: { owner: options.owner, name: options.name },
    expectCalls: true,
    verify: () => {},
    done: () => {},
  };
  const unanswered: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string; href?: string; hostname?: string; host?: string }) => {
    const target = `${req.href ?? ""} ${req.hostname ?? req.host ?? ""}`;
    if (target.includes(new URL(GITHUB_HOST).hostname))
      unanswered.push(`${req.method} ${req.path ?? req.href} (no mock)`);
  };
  nock.emitter.on("no match", onNoMatch);
  const scope = nock(GITHUB_HOST)
    .persist()
    .post(`/api/v3/app/installations/${options.installationId}/access_tokens`)
    .reply(201, () => {
      state.tokenRequests += 1;
      return {
        token: `ghs_test${state.tokenRequests}`,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { pull_requests: "read", metadata: "read", members: "read" },
        repository_selection: "selected",
      };
    })
    .post("/api/graphql")
    .reply((_uri, body) => {
      const { query, variables } = body as { query: string; variables: Record<string, unknown> };
      const errors = validate(githubSchema(), parse(query));
      if (errors.length) {
        unanswered.push(`an invalid GraphQL document: ${errors.map((e) => e.message).join("; ")}`);
        return [200, { errors: errors.map((e) => ({ message: e.message })) }];
      }
      const operation = /query (\w+)/.exec(query)?.[1] ?? "anonymous";
      state.calls.push({ operation, variables });
      const headers = {
        "x-ratelimit-limit": String(state.rateLimit.limit),
        "x-ratelimit-remaining": String(state.rateLimit.remaining),
        "x-ratelimit-reset": String(Math.floor(state.rateLimit.resetAt.getTime() / 1000)),
        "x-ratelimit-resource": "graphql",
      };
      // A failure hits the next request of its operation (default: any pull-request query, not member sync).
      const index = state.failNext.findIndex((f) =>
        f.operation ? f.operation === operation : operation !== "OrganizationMembersPage",
      );
      const failure = index >= 0 ? state.failNext.splice(index, 1)[0] : undefined;
      if (failure) return [failure.status, failure.body, { ...headers, ...failure.headers }];
      state.rateLimit.remaining -= 1;
      const rateLimit = {
        cost: 1,
        remaining: state.rateLimit.remaining,
        resetAt: state.rateLimit.resetAt.toISOString(),
        limit: state.rateLimit.limit,
      };
      const sorted = [...state.pullRequests].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      const reviewsConnection = (pr: FakePullRequest, first: number, after: unknown) => {
        const p = page(pr.reviews, first, after);
        return { pageInfo: p.pageInfo, nodes: p.slice };
      };
      if (operation === "PullRequestsPage" || operation === "PullRequestCursorsPage") {
        if (variables.owner !== state.repository.owner || variables.name !== state.repository.name) {
          return [
            200,
            {
              data: { rateLimit, repository: null },
              errors: [{ type: "NOT_FOUND", message: "Could not resolve to a Repository" }],
            },
            headers,
          ];
        }
        const p = page(sorted, Number(variables.first), variables.after);
        const nodes =
          operation === "PullRequestCursorsPage"
            ? p.slice.map((pr) => ({ updatedAt: pr.updatedAt }))
            : p.slice.map(({ reviews: _reviews, ...pr }) => ({
                ...pr,
                reviews: reviewsConnection({ ...pr, reviews: _reviews }, 100, null),
              }));
        return [
          200,
          { data: { rateLimit, repository: { databaseId: 1, pullRequests: { pageInfo: p.pageInfo, nodes } } } },
          headers,
        ];
      }
      if (operation === "PullRequestReviewsPage") {
        const pr = state.pullRequests.find((x) => x.id === variables.id);
        return [
          200,
          { data: { rateLimit, node: pr ? { reviews: reviewsConnection(pr, 100, variables.after) } : null } },
          headers,
        ];
      }
      if (operation === "OrganizationMembersPage") {
        const p = page(state.members, 100, variables.after);
        return [
          200,
          {
            data: {
              rateLimit,
              organization: {
                membersWithRole: {
                  totalCount: state.members.length,
                  pageInfo: p.pageInfo,
                  edges: p.slice.map((m) => ({
                    role: m.role,
                    node: { databaseId: m.databaseId, login: m.login, name: m.name },
                  })),
                },
              },
            },
          },
          headers,
        ];
      }
      unanswered.push(`GraphQL ${operation} (the fake has no answer for it)`);
      return [400, { message: `unexpected operation ${operation}` }];
    });
  const calledAtAll = () => state.tokenRequests > 0 || state.calls.length > 0;
  const problems = () => [
    ...(!state.expectCalls && calledAtAll() ? ["GitHub was called, though the test expects no call"] : []),
    ...(state.expectCalls && !scope.isDone() ? [`never called: ${scope.pendingMocks().join(", ")}`] : []),
    ...state.failNext.map(
      (f) => `a queued ${f.status} for ${f.operation ?? "a pull-request query"} was never answered`,
    ),
    ...unanswered,
  ];
  const fail = (found: string[]) => {
    if (found.length > 0)
      throw new Error(`The fake GitHub was not used as the test expected:\n- ${found.join("\n- ")}`);
  };
  state.verify = () => fail(problems());
  state.done = () => {
    const found = problems();
    nock.emitter.removeListener("no match", onNoMatch);
    scope.persist(false);
    for (const path of [`/api/v3/app/installations/${options.installationId}/access_tokens`, "/api/graphql"])
      nock.removeInterceptor({ proto: "https", hostname: new URL(GITHUB_HOST).hostname, method: "POST", path });
    fail(found);
  };
  return state;
}
