import type { Probot } from "probot";
import { present, type GraphqlPullRequestNode, type GraphqlReview } from "./graphql-results.js";
import type {
  OrganizationMembersPageQuery,
  OrganizationMembersPageQueryVariables,
  PullRequestCursorsPageQuery,
  PullRequestCursorsPageQueryVariables,
  PullRequestReviewsPageQuery,
  PullRequestReviewsPageQueryVariables,
  PullRequestsPageQuery,
  PullRequestsPageQueryVariables,
} from "./graphql-types.generated.js";
import {
  ORGANIZATION_MEMBERS_QUERY,
  PULL_REQUEST_CURSORS_QUERY,
  PULL_REQUEST_REVIEWS_QUERY,
  PULL_REQUESTS_QUERY,
} from "./queries.js";
import { RateLimitMeter } from "./rate-limit.js";

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

interface Connection<T> {
  pageInfo: PageInfo;
  nodes: T[];
}

interface RateLimitField {
  rateLimit: { cost: number; remaining: number; resetAt: string; limit: number } | null;
}

/** A pull request of a page, with the first page of its reviews. */
export type PullRequestNode = Omit<GraphqlPullRequestNode, "reviews"> & { reviews: Connection<GraphqlReview> };

export interface PullRequestsPage {
  repositoryFound: boolean;
  pageInfo: PageInfo;
  nodes: PullRequestNode[];
}

const NO_PAGE: PageInfo = { hasNextPage: false, endCursor: null };

/** A connection GitHub answered, or null: an empty last page. */
function connection<T>(answer: { pageInfo: PageInfo; nodes: (T | null)[] | null } | null): Connection<T> {
  return answer ? { pageInfo: answer.pageInfo, nodes: present(answer.nodes) } : { pageInfo: NO_PAGE, nodes: [] };
}

export interface MembersPage {
  organizationFound: boolean;
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  members: { userId: number; login: string; name: string | null; role: "admin" | "member" }[];
}

/** The calls a sync makes, as one installation, with what they cost counted on `meter`. */
export interface InstallationGitHub {
  meter: RateLimitMeter;
  pullRequestsPage: (args: {
    owner: string;
    name: string;
    first: number;
    after: string | null;
  }) => Promise<PullRequestsPage>;
  /** Only updatedAt and cursors: for skipping over pages already stored. */
  pullRequestCursorsPage: (args: {
    owner: string;
    name: string;
    first: number;
    after: string | null;
  }) => Promise<{ repositoryFound: boolean; pageInfo: PullRequestsPage["pageInfo"]; nodes: { updatedAt: string }[] }>;
  reviewsPage: (args: { pullRequestNodeId: string; after: string | null }) => Promise<Connection<GraphqlReview>>;
  membersPage: (args: { login: string; after: string | null }) => Promise<MembersPage>;
  /** Creates a new installation token, for when GitHub says the current one is no longer valid. */
  refreshToken: () => Promise<void>;
}

/**
 * A page of pull requests with their reviews is the one query heavy enough for GitHub to give up on (a 502
 * after its time limit, "Something went wrong while executing your query. This may be the result of a
 * timeout"). plugin-retry would send the same page three more times, with waits, before the sync could halve
 * it; one quick retry still covers a passing failure, and a second failure halves the page at once. Other
 * requests keep plugin-retry's tries; with retries turned off this changes nothing.
 */
const HEAVY_PAGE_RETRIES = 1;

/**
 * A GitHub client for one installation, through Probot's `auth(installationId)` so the token is
 * refreshed before it expires. Every response's rate-limit headers feed the meter.
 */
export async function createInstallationGitHub(probot: Probot, installationId: number): Promise<InstallationGitHub> {
  const octokit = await probot.auth(installationId);
  const { meter, graphql } = metered(octokit);
  return {
    meter,
    async pullRequestsPage(args) {
      const data = await graphql<PullRequestsPageQuery, PullRequestsPageQueryVariables>(PULL_REQUESTS_QUERY, args, {
        retries: HEAVY_PAGE_RETRIES,
      });
      if (!data.repository) return { repositoryFound: false, pageInfo: NO_PAGE, nodes: [] };
      const page = data.repository.pullRequests;
      const nodes = present(page.nodes).map((node) => ({ ...node, reviews: connection(node.reviews) }));
      return { repositoryFound: true, pageInfo: page.pageInfo, nodes };
    },
    async pullRequestCursorsPage(args) {
      const data = await graphql<PullRequestCursorsPageQuery, PullRequestCursorsPageQueryVariables>(
        PULL_REQUEST_CURSORS_QUERY,
        args,
      );
      if (!data.repository) return { repositoryFound: false, pageInfo: NO_PAGE, nodes: [] };
      return { repositoryFound: true, ...connection(data.repository.pullRequests) };
    },
    async reviewsPage(args) {
      const data = await graphql<PullRequestReviewsPageQuery, PullRequestReviewsPageQueryVariables>(
        PULL_REQUEST_REVIEWS_QUERY,
        { id: args.pullRequestNodeId, after: args.after },
      );
      return connection(data.node && "reviews" in data.node ? data.node.reviews : null);
    },
    async membersPage(args) {
      const data = await graphql<OrganizationMembersPageQuery, OrganizationMembersPageQueryVariables>(
        ORGANIZATION_MEMBERS_QUERY,
        args,
      );
      return membersPageOf(data);
    },
    async refreshToken() {
      await octokit.auth({ type: "installation", refresh: true });
    },
  };
}

/** Counts every request and reads every answer's rate-limit headers (and GraphQL's rateLimit field) into a meter. */
function metered(octokit: Awaited<ReturnType<Probot["auth"]>>) {
  const meter = new RateLimitMeter();
  octokit.hook.after("request", (response) => {
    meter.requests += 1;
    meter.recordHeaders(response.headers);
  });
  octokit.hook.error("request", (error) => {
    meter.requests += 1;
    const headers = (error as { response?: { headers?: Record<string, string | number | undefined> } }).response
      ?.headers;
    if (headers) meter.recordHeaders(headers);
    throw error;
  });
  /** `retries`, when given, replaces plugin-retry's count for this one request. */
  async function graphql<T extends RateLimitField, Variables extends Record<string, unknown>>(
    query: string,
    variables: Variables,
    options: { retries?: number } = {},
  ): Promise<T> {
    const request = options.retries === undefined ? {} : { request: { retries: options.retries } };
    const data = await octokit.graphql<T>(query, { ...variables, ...request });
    meter.recordGraphqlRateLimit(data.rateLimit);
    return data;
  }
  return { meter, graphql };
}

function membersPageOf(data: OrganizationMembersPageQuery): MembersPage {
  if (!data.organization) return { organizationFound: false, totalCount: 0, pageInfo: NO_PAGE, members: [] };
  const members = data.organization.membersWithRole;
  return {
    organizationFound: true,
    totalCount: members.totalCount,
    pageInfo: members.pageInfo,
    members: present(members.edges).flatMap((edge) => {
      // A member GitHub could not resolve (a deleted or blocked account) has no node: nothing to store.
      if (!edge.node?.databaseId) return [];
      const { databaseId, login, name } = edge.node;
      return [
        { userId: databaseId, login, name, role: edge.role === "ADMIN" ? ("admin" as const) : ("member" as const) },
      ];
    }),
  };
}
