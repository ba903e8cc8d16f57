import type { GraphqlActor, GraphqlPullRequest, GraphqlReview } from "../../github/graphql-results.js";
import type { pullRequests, reviews } from "./pull-requests.table.js";

export type PullRequestInsert = typeof pullRequests.$inferInsert;
export type ReviewInsert = typeof reviews.$inferInsert;

/** A user as REST and webhooks show it; deleted accounts appear as `ghost` or null. */
interface RestUser {
  login: string;
  id: number;
  type?: string;
}

/** The fields pr-sync reads from a REST or webhook pull request (list items lack the counts and `merged`). */
export interface RestPullRequest {
  id: number;
  number: number;
  title: string;
  html_url: string;
  state: string;
  draft?: boolean | null;
  merged?: boolean | null;
  user: RestUser | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
  additions?: number | null;
  deletions?: number | null;
  changed_files?: number | null;
  base: { ref: string };
  head: { ref: string };
}

export interface RestReview {
  id: number;
  user: RestUser | null;
  state: string;
  submitted_at?: string | null;
}

/** REST shows deleted accounts as this placeholder user; pr-sync stores them as no author, as GraphQL does. */
const GHOST_LOGIN = "ghost";

interface Author {
  login: string | null;
  id: number | null;
  type: string | null;
}

function restAuthor(user: RestUser | null): Author {
  if (!user || user.login === GHOST_LOGIN) return { login: null, id: null, type: null };
  return { login: user.login, id: user.id, type: user.type ?? "User" };
}

/** GraphQL names bots without REST's `[bot]` suffix; rows use the REST login so both sources agree. */
function graphqlAuthor(actor: GraphqlActor | null): Author {
  if (!actor) return { login: null, id: null, type: null };
  const isBot = actor.__typename === "Bot";
  const login = isBot && !actor.login.endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
  return { login, id: "databaseId" in actor ? actor.databaseId : null, type: actor.__typename };
}

function isGraphql(pr: RestPullRequest | GraphqlPullRequest): pr is GraphqlPullRequest {
  return "databaseId" in pr;
}

function date(value: string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}

/**
 * The one mapping from a GitHub pull request to a pull_requests row, for webhook and REST payloads
 * and for GraphQL nodes alike. Missing counts stay null so they never overwrite known values.
 */
export function toPullRequestRow(pr: RestPullRequest | GraphqlPullRequest, repositoryId: number): PullRequestInsert {
  if (isGraphql(pr)) {
    if (pr.databaseId === null) throw new Error(`pull request #${pr.number} has no databaseId`);
    const author = graphqlAuthor(pr.author);
    return {
      id: pr.databaseId,
      repositoryId,
      number: pr.number,
      title: pr.title,
      authorLogin: author.login,
      authorId: author.id,
      authorType: author.type,
      state: pr.state === "OPEN" ? "open" : "closed",
      draft: pr.isDraft,
      merged: pr.merged,
      createdAt: new Date(pr.createdAt),
      updatedAt: new Date(pr.updatedAt),
      closedAt: date(pr.closedAt),
      mergedAt: date(pr.mergedAt),
      additions: pr.additions,
      deletions: pr.deletions,
      changedFiles: pr.changedFiles,
      baseRef: pr.baseRefName,
      headRef: pr.headRefName,
      url: pr.url,
    };
  }
  const author = restAuthor(pr.user);
  return {
    id: pr.id,
    repositoryId,
    number: pr.number,
    title: pr.title,
    authorLogin: author.login,
    authorId: author.id,
    authorType: author.type,
    state: pr.state === "open" ? "open" : "closed",
    draft: pr.draft ?? false,
    merged: pr.merged ?? pr.merged_at !== null,
    createdAt: new Date(pr.created_at),
    updatedAt: new Date(pr.updated_at),
    closedAt: date(pr.closed_at),
    mergedAt: date(pr.merged_at),
    additions: pr.additions ?? null,
    deletions: pr.deletions ?? null,
    changedFiles: pr.changed_files ?? null,
    baseRef: pr.base.ref,
    headRef: pr.head.ref,
    url: pr.html_url,
  };
}

/**
 * The one mapping from a GitHub review to a reviews row. Webhooks send lowercase states, the APIs
 * uppercase; rows keep GitHub's enum spelling. Pending (unsubmitted) reviews map to null.
 */
export function toReviewRow(review: RestReview | GraphqlReview, pullRequestId: number): ReviewInsert | null {
  const state = review.state.toUpperCase();
  if (state === "PENDING") return null;
  if ("databaseId" in review) {
    if (review.databaseId === null) return null;
    const author = graphqlAuthor(review.author);
    return {
      id: review.databaseId,
      pullRequestId,
      reviewerLogin: author.login,
      reviewerId: author.id,
      state,
      submittedAt: date(review.submittedAt),
    };
  }
  const author = restAuthor(review.user);
  return {
    id: review.id,
    pullRequestId,
    reviewerLogin: author.login,
    reviewerId: author.id,
    state,
    submittedAt: date(review.submitted_at),
  };
}
