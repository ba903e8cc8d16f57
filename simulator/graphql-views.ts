import { GraphQLError } from "graphql";
import { canReadMembers, canReadRepository } from "./access.js";
import type { Principal } from "./auth.js";
import {
  findAccountByLogin,
  findRepository,
  fullName,
  ownerOf,
  type Dataset,
  type SimAccount,
  type SimPullRequest,
  type SimRepository,
  type SimReview,
} from "./dataset.js";
import { decodeNodeId } from "./node-ids.js";
import type { Bucket } from "./rate-limits.js";

/** What resolvers see: the world, who asks, and this query's cost for `rateLimit`. */
export interface GraphqlContext {
  data: Dataset;
  principal: Principal;
  web: string;
  cost: number;
  bucket: Bucket;
}

type Args = Record<string, unknown>;
type SortKey = [string | number, number];

/** A resolver error that GitHub reports with a top-level `type`. */
export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { githubType: "NOT_FOUND" } });
}

const encodeCursor = (key: SortKey) => Buffer.from(`cursor:v2:${JSON.stringify(key)}`).toString("base64");
function decodeCursor(cursor: unknown): SortKey {
  try {
    const text = Buffer.from(String(cursor), "base64").toString();
    if (!text.startsWith("cursor:v2:")) throw new Error("not a cursor");
    return JSON.parse(text.slice("cursor:v2:".length)) as SortKey;
  } catch {
    throw new GraphQLError(`\`${String(cursor)}\` does not appear to be a valid cursor.`, {
      extensions: { githubType: "INVALID_CURSOR_ARGUMENTS" },
    });
  }
}

function compareKeys(a: SortKey, b: SortKey, descending: boolean): number {
  const primary = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
  const order = primary || a[1] - b[1];
  return descending ? -order : order;
}

interface PullRequestOrder {
  field: "CREATED_AT" | "UPDATED_AT";
  descending: boolean;
}

/** The key pull requests are sorted by and their cursors hold. */
const pullRequestKey =
  (order: PullRequestOrder) =>
  (pr: SimPullRequest): SortKey => [order.field === "UPDATED_AT" ? pr.updatedAt : pr.createdAt, pr.number];

/** Each repository's pull requests sorted once per order, with the list they were sorted from. */
const sortedPullRequests = new WeakMap<
  SimRepository,
  Map<string, { from: SimPullRequest[]; sorted: SimPullRequest[] }>
>();

/**
 * A repository's pull requests in the given order. Sorting thousands of them for every page cost more than
 * answering the page, so the sorted list is kept while it still holds the same pull requests and is still in
 * order (activity changes `updatedAt` in place); otherwise it is sorted afresh.
 */
function pullRequestsInOrder(repository: SimRepository, order: PullRequestOrder): SimPullRequest[] {
  const byOrder =
    sortedPullRequests.get(repository) ?? new Map<string, { from: SimPullRequest[]; sorted: SimPullRequest[] }>();
  sortedPullRequests.set(repository, byOrder);
  const keyOf = pullRequestKey(order);
  const compare = (a: SimPullRequest, b: SimPullRequest) => compareKeys(keyOf(a), keyOf(b), order.descending);
  const name = `${order.field}:${order.descending}`;
  const current = repository.pullRequests;
  const kept = byOrder.get(name);
  if (
    kept &&
    kept.from.length === current.length &&
    kept.from.every((pr, i) => pr === current[i]) &&
    kept.sorted.every((pr, i) => i === 0 || compare(kept.sorted[i - 1]!, pr) < 0)
  )
    return kept.sorted;
  const sorted = [...current].sort(compare);
  byOrder.set(name, { from: [...current], sorted });
  return sorted;
}

/**
 * A cursor connection over items already in order. Cursors hold the sort key, as GitHub's do, so a
 * page after a cursor stays correct when earlier items move.
 */
function connection<T, V>(
  items: T[],
  args: Args,
  keyOf: (item: T) => SortKey,
  descending: boolean,
  view: (item: T) => V,
) {
  let start = 0;
  let end = items.length;
  if (args.after != null) {
    const after = decodeCursor(args.after);
    start = items.findIndex((item) => compareKeys(keyOf(item), after, descending) > 0);
    if (start < 0) start = items.length;
  }
  if (args.before != null) {
    const before = decodeCursor(args.before);
    const index = items.findIndex((item) => compareKeys(keyOf(item), before, descending) >= 0);
    end = index < 0 ? items.length : index;
  }
  let slice = items.slice(start, Math.max(start, end));
  let hasNextPage = end < items.length;
  let hasPreviousPage = start > 0;
  if (typeof args.first === "number" && slice.length > args.first) {
    slice = slice.slice(0, args.first);
    hasNextPage = true;
  }
  if (typeof args.last === "number" && slice.length > args.last) {
    slice = slice.slice(slice.length - args.last);
    hasPreviousPage = true;
  }
  const edges = slice.map((item) => ({ cursor: encodeCursor(keyOf(item)), node: view(item), item }));
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    nodes: edges.map((e) => e.node),
    edges,
  };
}

/** User or Bot; Bot logins have no `[bot]` suffix here. A deleted account is null. */
function actorView(context: GraphqlContext, account: SimAccount | undefined) {
  if (!account) return null;
  const url = account.type === "Bot" ? `${context.web}/apps/${account.login}` : `${context.web}/${account.login}`;
  return {
    __typename: account.type === "Bot" ? "Bot" : account.type === "Organization" ? "Organization" : "User",
    id: account.nodeId,
    databaseId: account.id,
    login: account.login,
    name: account.name,
    url,
    resourcePath: url.replace(context.web, ""),
    avatarUrl: () => `${context.web}/avatars/u/${account.id}?v=4`,
  };
}

function reviewView(context: GraphqlContext, repository: SimRepository, pr: SimPullRequest, review: SimReview) {
  return {
    __typename: "PullRequestReview",
    id: review.nodeId,
    databaseId: review.id,
    state: review.state,
    body: review.body,
    submittedAt: review.submittedAt,
    createdAt: review.submittedAt,
    url: `${context.web}/${fullName(context.data, repository)}/pull/${pr.number}#pullrequestreview-${review.id}`,
    author: () => actorView(context, review.authorId === null ? undefined : context.data.accounts.get(review.authorId)),
  };
}

function pullRequestView(context: GraphqlContext, repository: SimRepository, pr: SimPullRequest) {
  const url = `${context.web}/${fullName(context.data, repository)}/pull/${pr.number}`;
  return {
    __typename: "PullRequest",
    id: pr.nodeId,
    databaseId: pr.id,
    number: pr.number,
    title: pr.title,
    body: pr.body,
    url,
    permalink: url,
    state: pr.merged ? "MERGED" : pr.state === "open" ? "OPEN" : "CLOSED",
    closed: pr.state === "closed",
    isDraft: pr.draft,
    merged: pr.merged,
    createdAt: pr.createdAt,
    updatedAt: pr.updatedAt,
    closedAt: pr.closedAt,
    mergedAt: pr.mergedAt,
    additions: pr.additions,
    deletions: pr.deletions,
    changedFiles: pr.changedFiles,
    baseRefName: pr.baseRef,
    headRefName: pr.headRef,
    author: () => actorView(context, pr.authorId === null ? undefined : context.data.accounts.get(pr.authorId)),
    repository: () => repositoryView(context, repository),
    reviews: (args: Args) => {
      const states = args.states as string[] | null | undefined;
      const reviews = pr.reviews.filter((r) => !states || states.includes(r.state));
      return connection(
        reviews,
        args,
        (r) => [r.submittedAt, r.id],
        false,
        (r) => reviewView(context, repository, pr, r),
      );
    },
  };
}

function repositoryView(context: GraphqlContext, repository: SimRepository) {
  const owner = ownerOf(context.data, repository);
  return {
    __typename: "Repository",
    id: repository.nodeId,
    databaseId: repository.id,
    name: repository.name,
    nameWithOwner: fullName(context.data, repository),
    isPrivate: repository.private,
    url: `${context.web}/${fullName(context.data, repository)}`,
    owner: () => actorView(context, owner),
    pullRequest: ({ number }: Args) => {
      const pr = repository.pullRequests.find((p) => p.number === number);
      return pr ? pullRequestView(context, repository, pr) : null;
    },
    pullRequests: (args: Args) => {
      const states = args.states as string[] | null | undefined;
      const orderBy = args.orderBy as { field: "CREATED_AT" | "UPDATED_AT"; direction: "ASC" | "DESC" } | undefined;
      const stateOf = (pr: SimPullRequest) => (pr.merged ? "MERGED" : pr.state === "open" ? "OPEN" : "CLOSED");
      // Without orderBy GitHub lists pull requests oldest first.
      const order: PullRequestOrder = {
        field: orderBy?.field ?? "CREATED_AT",
        descending: orderBy?.direction === "DESC",
      };
      const pulls = pullRequestsInOrder(repository, order).filter(
        (pr) =>
          (!states || states.includes(stateOf(pr))) &&
          (args.baseRefName == null || pr.baseRef === args.baseRefName) &&
          (args.headRefName == null || pr.headRef === args.headRefName),
      );
      return connection(pulls, args, pullRequestKey(order), order.descending, (pr) =>
        pullRequestView(context, repository, pr),
      );
    },
  };
}

function organizationView(context: GraphqlContext, organization: SimAccount) {
  return {
    ...actorView(context, organization),
    __typename: "Organization",
    membersWithRole: (args: Args) => {
      const members = context.data.memberships.get(organization.id) ?? [];
      const result = connection(
        members,
        args,
        (m) => [0, m.userId],
        false,
        (m) => actorView(context, context.data.accounts.get(m.userId)),
      );
      return {
        ...result,
        edges: result.edges.map((edge) => ({ ...edge, role: edge.item.role === "admin" ? "ADMIN" : "MEMBER" })),
      };
    },
  };
}

/** The root Query object: the fields pr-sync and the naive comparison ask for. */
export function rootView(context: GraphqlContext) {
  const { data, principal } = context;
  return {
    repository: ({ owner, name }: Args) => {
      const repository = findRepository(data, String(owner), String(name));
      if (!repository || !canReadRepository(data, principal, repository))
        throw notFound(`Could not resolve to a Repository with the name '${String(owner)}/${String(name)}'.`);
      return repositoryView(context, repository);
    },
    organization: ({ login }: Args) => {
      const organization = findAccountByLogin(data, String(login));
      if (!organization || organization.type !== "Organization")
        throw notFound(`Could not resolve to an Organization with the login of '${String(login)}'.`);
      if (!canReadMembers(data, principal, organization.id))
        throw new GraphQLError("Resource not accessible by integration", { extensions: { githubType: "FORBIDDEN" } });
      return organizationView(context, organization);
    },
    node: ({ id }: Args) => {
      const decoded = decodeNodeId(String(id));
      const found = decoded?.type === "PullRequest" ? data.pullRequestIndex.get(decoded.id) : undefined;
      if (!found || !canReadRepository(data, principal, found.repository))
        throw notFound(`Could not resolve to a node with the global id of '${String(id)}'`);
      return pullRequestView(context, found.repository, found.pullRequest);
    },
    viewer: () => {
      if (principal.kind === "user") return actorView(context, data.accounts.get(principal.userId));
      return {
        __typename: "Bot",
        id: "BOT_app",
        databaseId: 0,
        login: "pr-sync",
        url: context.web,
        avatarUrl: () => "",
      };
    },
    rateLimit: () => ({
      cost: context.cost,
      limit: context.bucket.limit,
      remaining: Math.max(0, context.bucket.limit - context.bucket.used),
      used: context.bucket.used,
      resetAt: new Date(context.bucket.resetAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
      nodeCount: 0,
    }),
  };
}
