import type { Probot } from "probot";
import type { GraphqlPullRequest, GraphqlReview } from "../modules/pull-requests/pull-requests.mapper.js";
import {
  ORGANIZATION_MEMBERS_QUERY,
  PULL_REQUEST_CURSORS_QUERY,
  PULL_REQUEST_REVIEWS_QUERY,
  PULL_REQUESTS_QUERY,
} from "./queries.js";
import { RateLimitMeter } from "./rate-limit.js";

interface Connection<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

interface RateLimitField {
  rateLimit: { cost: number; remaining: number; resetAt: string; limit: number } | null;
}

export type PullRequestNode = GraphqlPullRequest & { reviews: Connection<GraphqlReview> };

export interface PullRequestsPage {
  repositoryFound: boolean;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: PullRequestNode[];
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
 * A GitHub client for one installation, through Probot's `auth(installationId)` so the token is
 * refreshed before it expires. Every response's rate-limit headers feed the meter.
 */
export async function createInstallationGitHub(probot: Probot, installationId: number): Promise<InstallationGitHub> {
  const octokit = await probot.auth(installationId);
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

  async function graphql<T extends RateLimitField>(query: string, variables: Record<string, unknown>): Promise<T> {
    const data = await octokit.graphql<T>(query, variables);
    meter.recordGraphqlRateLimit(data.rateLimit);
    return data;
  }

  return {
    meter,
    async pullRequestsPage(args) {
      const data = await graphql<RateLimitField & { repository: { pullRequests: Connection<PullRequestNode> } | null }>(
        PULL_REQUESTS_QUERY,
        args,
      );
      if (!data.repository)
        return { repositoryFound: false, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
      return { repositoryFound: true, ...data.repository.pullRequests };
    },
    async pullRequestCursorsPage(args) {
      const data = await graphql<
        RateLimitField & { repository: { pullRequests: Connection<{ updatedAt: string }> } | null }
      >(PULL_REQUEST_CURSORS_QUERY, args);
      if (!data.repository)
        return { repositoryFound: false, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
      return { repositoryFound: true, ...data.repository.pullRequests };
    },
    async reviewsPage(args) {
      const data = await graphql<RateLimitField & { node: { reviews: Connection<GraphqlReview> } | null }>(
        PULL_REQUEST_REVIEWS_QUERY,
        { id: args.pullRequestNodeId, after: args.after },
      );
      return data.node?.reviews ?? { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
    },
    async membersPage(args) {
      const data = await graphql<
        RateLimitField & {
          organization: {
            membersWithRole: {
              totalCount: number;
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
              edges: { role: string; node: { databaseId: number; login: string; name: string | null } }[];
            };
          } | null;
        }
      >(ORGANIZATION_MEMBERS_QUERY, args);
      if (!data.organization) {
        return {
          organizationFound: false,
          totalCount: 0,
          pageInfo: { hasNextPage: false, endCursor: null },
          members: [],
        };
      }
      const connection = data.organization.membersWithRole;
      return {
        organizationFound: true,
        totalCount: connection.totalCount,
        pageInfo: connection.pageInfo,
        members: connection.edges.map((e) => ({
          userId: e.node.databaseId,
          login: e.node.login,
          name: e.node.name,
          role: e.role === "ADMIN" ? "admin" : "member",
        })),
      };
    },
    async refreshToken() {
      await octokit.auth({ type: "installation", refresh: true });
    },
  };
}
