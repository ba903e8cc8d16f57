import { classifyGitHubError, notFoundError, type GitHubFailure } from "../../src/github/github-errors.js";

const NOW = new Date("2026-11-20T12:00:00Z");
const RESET_EPOCH = 1_795_000_000; // x-ratelimit-reset, in seconds
const inMs = (ms: number) => new Date(NOW.getTime() + ms);

/** An Octokit RequestError's shape: status, message and response headers. */
function rest(status: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), { status, response: { headers, data: {} } });
}

/** A GraphqlResponseError's shape: the errors GitHub listed, with the response headers. */
function graphql(type: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`GraphQL: ${type}`), { errors: [{ type, message: type }], headers });
}

describe("classifyGitHubError", () => {
  // One row per answer GitHub (or the network) gives a sync.
  const rows: [string, unknown, Partial<GitHubFailure> & { kind: GitHubFailure["kind"] }][] = [
    [
      "GraphQL RATE_LIMITED with a reset header pauses until that reset",
      graphql("RATE_LIMITED", { "x-ratelimit-reset": String(RESET_EPOCH) }),
      { kind: "rate_limited", resetAt: new Date(RESET_EPOCH * 1000) },
    ],
    [
      "GraphQL RATE_LIMITED without headers waits a minute",
      graphql("RATE_LIMITED"),
      { kind: "rate_limited", resetAt: inMs(60_000) },
    ],
    [
      "GraphQL MAX_NODE_LIMIT_EXCEEDED is a page too large",
      graphql("MAX_NODE_LIMIT_EXCEEDED"),
      { kind: "page_too_large" },
    ],
    [
      "GraphQL NOT_FOUND is a repository that is gone",
      graphql("NOT_FOUND"),
      { kind: "permanent", code: "REPOSITORY_NOT_FOUND" },
    ],
    [
      "the null repository of a GraphQL answer is the same NOT_FOUND",
      notFoundError("repository"),
      { kind: "permanent", code: "REPOSITORY_NOT_FOUND" },
    ],
    [
      "GraphQL FORBIDDEN is a missing permission",
      graphql("FORBIDDEN"),
      { kind: "permanent", code: "PERMISSION_MISSING" },
    ],
    ["401 is bad credentials", rest(401, "Bad credentials"), { kind: "bad_credentials" }],
    [
      "403 naming a suspension is permanent",
      rest(403, "This installation has been suspended"),
      { kind: "permanent", code: "INSTALLATION_SUSPENDED" },
    ],
    [
      "403 with retry-after waits that long",
      rest(403, "slow down", { "retry-after": "120" }),
      { kind: "rate_limited", resetAt: inMs(120_000) },
    ],
    [
      "429 with a short retry-after still waits a minute",
      rest(429, "slow down", { "retry-after": "5" }),
      { kind: "rate_limited", resetAt: inMs(60_000) },
    ],
    [
      "403 with the budget at 0 pauses until x-ratelimit-reset",
      rest(403, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(RESET_EPOCH) }),
      { kind: "rate_limited", resetAt: new Date(RESET_EPOCH * 1000) },
    ],
    [
      "403 naming the secondary rate limit waits a minute",
      rest(403, "You have exceeded a secondary rate limit"),
      { kind: "rate_limited", resetAt: inMs(60_000) },
    ],
    [
      "any other 403 is a missing permission",
      rest(403, "Resource not accessible by integration"),
      { kind: "permanent", code: "PERMISSION_MISSING" },
    ],
    ["404 is permanent", rest(404, "Not Found"), { kind: "permanent", code: "NOT_FOUND" }],
    ["502 is a timeout", rest(502, "Bad Gateway"), { kind: "timed_out" }],
    ["504 is a timeout", rest(504, "Gateway Timeout"), { kind: "timed_out" }],
    [
      "a GraphQL 'Something went wrong' is a timeout",
      new Error("Something went wrong while executing your query"),
      { kind: "timed_out" },
    ],
    ["500 is transient", rest(500, "Server Error"), { kind: "transient" }],
    [
      "a reset connection is transient",
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      { kind: "transient" },
    ],
    ["a thrown non-error is transient", "boom", { kind: "transient" }],
  ];

  it.each(rows)("%s", (_name, error, expected) => {
    expect(classifyGitHubError(error, NOW)).toMatchObject(expected);
  });
});
