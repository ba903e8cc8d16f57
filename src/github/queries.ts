/**
 * Every GraphQL document pr-sync sends. Each is validated against GitHub's published schema in
 * test/github/queries.test.ts.
 */

const REVIEW_FIELDS = `
  databaseId
  state
  submittedAt
  author { __typename login ... on User { databaseId } ... on Bot { databaseId } }
`;

const RATE_LIMIT = `rateLimit { cost remaining resetAt limit }`;

/**
 * Pull requests of one repository, most recently updated first, with their first 100 reviews.
 * Cost: 1 + first requests → 1 point per page of up to 100 PRs. Paging stops at the cutoff.
 */
export const PULL_REQUESTS_QUERY = `
query PullRequestsPage($owner: String!, $name: String!, $first: Int!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    databaseId
    pullRequests(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        databaseId
        number
        title
        url
        state
        isDraft
        merged
        createdAt
        updatedAt
        closedAt
        mergedAt
        additions
        deletions
        changedFiles
        baseRefName
        headRefName
        author { __typename login ... on User { databaseId } ... on Bot { databaseId } }
        reviews(first: 100) {
          pageInfo { hasNextPage endCursor }
          nodes { ${REVIEW_FIELDS} }
        }
      }
    }
  }
}`;

/**
 * Only the position of pull requests (updatedAt and cursor), for extending history: pages already
 * stored are skipped over at 1 point per 100 pull requests without fetching their reviews again.
 */
export const PULL_REQUEST_CURSORS_QUERY = `
query PullRequestCursorsPage($owner: String!, $name: String!, $first: Int!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes { updatedAt }
    }
  }
}`;

/** The next page of reviews of one pull request, for the few with more than 100. */
export const PULL_REQUEST_REVIEWS_QUERY = `
query PullRequestReviewsPage($id: ID!, $after: String) {
  ${RATE_LIMIT}
  node(id: $id) {
    ... on PullRequest {
      reviews(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { ${REVIEW_FIELDS} }
      }
    }
  }
}`;

/** Organization members with their role, 100 a page. */
export const ORGANIZATION_MEMBERS_QUERY = `
query OrganizationMembersPage($login: String!, $after: String) {
  ${RATE_LIMIT}
  organization(login: $login) {
    membersWithRole(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { role node { databaseId login name } }
    }
  }
}`;

export const ALL_QUERIES = {
  PULL_REQUESTS_QUERY,
  PULL_REQUEST_CURSORS_QUERY,
  PULL_REQUEST_REVIEWS_QUERY,
  ORGANIZATION_MEMBERS_QUERY,
};
