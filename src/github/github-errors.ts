/** What a failed GitHub call means for a sync, decided in one place. */
export type GitHubFailure =
  | { kind: "rate_limited"; resetAt: Date; message: string }
  | { kind: "bad_credentials"; message: string }
  | { kind: "permanent"; code: string; message: string }
  /** GitHub refused the page as too many nodes (MAX_NODE_LIMIT_EXCEEDED). */
  | { kind: "page_too_large"; message: string }
  /** A 502, 504 or timeout: GitHub could not build the answer in time, often because the page is heavy. */
  | { kind: "timed_out"; message: string }
  | { kind: "transient"; message: string };

interface ErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
  headers?: Record<string, string | number | undefined>;
  errors?: { type?: string; message?: string }[];
  code?: string;
}

function header(error: ErrorLike, name: string): string | undefined {
  const value = error.response?.headers?.[name] ?? error.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/**
 * The error for a GraphQL answer whose repository or organization is null: GitHub's NOT_FOUND, so
 * classifyGitHubError treats it like the same error raised by GitHub.
 */
export function notFoundError(what: "repository" | "organization"): Error {
  return Object.assign(new Error(`${what} not found`), { errors: [{ type: "NOT_FOUND" }] });
}

/** At least a minute, as GitHub asks, when it gives no better time. */
const MIN_SECONDARY_WAIT_MS = 60_000;

/** The wait GitHub asks for in a reset header, or the minimum when it gives none. */
function resetTime(e: ErrorLike, now: Date): Date {
  const reset = header(e, "x-ratelimit-reset");
  return reset ? new Date(Number(reset) * 1000) : new Date(now.getTime() + MIN_SECONDARY_WAIT_MS);
}

/** GraphQL errors GitHub types in the answer body (HTTP 200). */
function classifyGraphqlErrors(e: ErrorLike, message: string, now: Date): GitHubFailure | undefined {
  const types = (e.errors ?? []).map((x) => x.type);
  if (types.includes("RATE_LIMITED"))
    return {
      kind: "rate_limited",
      resetAt: resetTime(e, now),
      message: "GitHub's GraphQL budget for this installation is used up",
    };
  if (types.includes("MAX_NODE_LIMIT_EXCEEDED")) return { kind: "page_too_large", message };
  if (types.includes("NOT_FOUND"))
    return {
      kind: "permanent",
      code: "REPOSITORY_NOT_FOUND",
      message: "GitHub says this repository does not exist or pr-sync cannot see it",
    };
  if (types.includes("FORBIDDEN"))
    return {
      kind: "permanent",
      code: "PERMISSION_MISSING",
      message: "The app lacks a permission GitHub requires here (Pull requests: read)",
    };
  return undefined;
}

/** A 403 or 429: a suspension, one of the rate limits, or a refused permission. */
function classifyRefusal(e: ErrorLike, message: string, now: Date): GitHubFailure {
  if (/suspended/i.test(message))
    return { kind: "permanent", code: "INSTALLATION_SUSPENDED", message: "The installation is suspended" };
  const retryAfter = header(e, "retry-after");
  if (retryAfter !== undefined) {
    const waitMs = Math.max(Number(retryAfter) * 1000, MIN_SECONDARY_WAIT_MS);
    return {
      kind: "rate_limited",
      resetAt: new Date(now.getTime() + waitMs),
      message: "GitHub's secondary rate limit was hit",
    };
  }
  if (header(e, "x-ratelimit-remaining") === "0")
    return {
      kind: "rate_limited",
      resetAt: resetTime(e, now),
      message: "GitHub's API budget for this installation is used up",
    };
  if (/secondary rate limit|abuse/i.test(message))
    return {
      kind: "rate_limited",
      resetAt: new Date(now.getTime() + MIN_SECONDARY_WAIT_MS),
      message: "GitHub's secondary rate limit was hit",
    };
  return { kind: "permanent", code: "PERMISSION_MISSING", message: `GitHub refused access: ${message}` };
}

/**
 * Classifies an error thrown by Octokit (RequestError, GraphqlResponseError, network errors).
 * `now` decides reset times when GitHub only says "retry after N seconds".
 */
export function classifyGitHubError(error: unknown, now: Date): GitHubFailure {
  const e = (error ?? {}) as ErrorLike;
  const message = e.message ?? String(error);
  const graphql = classifyGraphqlErrors(e, message, now);
  if (graphql) return graphql;

  const status = e.status;
  if (status === 401)
    return {
      kind: "bad_credentials",
      message: "GitHub rejected pr-sync's credentials (check APP_ID and the private key)",
    };
  if (status === 403 || status === 429) return classifyRefusal(e, message, now);
  if (status === 404)
    return {
      kind: "permanent",
      code: "NOT_FOUND",
      message: "GitHub answered 404: the repository or installation is gone, or pr-sync cannot see it",
    };
  if (status === 502 || status === 504 || /something went wrong|timeout/i.test(message))
    return { kind: "timed_out", message: `GitHub timed out (${status ?? "no status"}): ${message}` };
  return {
    kind: "transient",
    message: `GitHub or the network failed (${status ?? e.code ?? "no status"}): ${message}`,
  };
}
