import type { PullRequestsPageQuery } from "./graphql-types.generated.js";

/** A list GitHub may answer with null in place of the list or of an element (a node it could not resolve). */
type NullableList<T> = (T | null)[] | null;

type Element<List extends NullableList<unknown>> = NonNullable<NonNullable<List>[number]>;

/** One pull request of a PullRequestsPage answer, as GitHub's schema types the fields the query asks for. */
export type GraphqlPullRequestNode = Element<NonNullable<PullRequestsPageQuery["repository"]>["pullRequests"]["nodes"]>;

/** The pull request's own fields, without its first page of reviews: what a row is made from. */
export type GraphqlPullRequest = Omit<GraphqlPullRequestNode, "reviews">;

/** One review, the same whether it came with its pull request or from PullRequestReviewsPage. */
export type GraphqlReview = Element<NonNullable<GraphqlPullRequestNode["reviews"]>["nodes"]>;

/** A GraphQL actor (`User`, `Bot`, `Mannequin`…); only users and bots carry a databaseId. */
export type GraphqlActor = NonNullable<GraphqlReview["author"]>;

/** The elements of a list GitHub answered, without the nulls it may hold. */
export function present<T>(list: NullableList<T>): T[] {
  return (list ?? []).filter((item): item is T => item !== null);
}
