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

/**
 * Classifies an error thrown by Octokit (RequestError, GraphqlResponseError, network errors).
 * `now` decides reset times when GitHub only says "retry after N seconds".
 */
export function classifyGitHubError(error: unknown, now: Date): GitHubFailure {
  const e = (error ?? {}) as ErrorLike;
  const message = e.message ?? String(error);
  const graphqlTypes = (e.errors ?? []).map((x) => x.type);

  if (graphqlTypes.includes("RATE_LIMITED")) {
    const reset = header(e, "x-ratelimit-reset");
    return {
      kind: "rate_limited",
      resetAt: reset ? new Date(Number(reset) * 1000) : new Date(now.getTime() + MIN_SECONDARY_WAIT_MS),
      message: "GitHub's GraphQL budget for this installation is used up",
    };
  }
  if (graphqlTypes.includes("MAX_NODE_LIMIT_EXCEEDED")) return { kind: "page_too_large", message };
  if (graphqlTypes.includes("NOT_FOUND")) {
    return {
      kind: "permanent",
      code: "REPOSITORY_NOT_FOUND",
      message: "GitHub says this repository does not exist or pr-sync cannot see it",
    };
  }
  if (graphqlTypes.includes("FORBIDDEN")) {
    return {
      kind: "permanent",
      code: "PERMISSION_MISSING",
      message: "The app lacks a permission GitHub requires here (Pull requests: read)",
    };
  }

  const status = e.status;
  if (status === 401) {
    return {
      kind: "bad_credentials",
      message: "GitHub rejected pr-sync's credentials (check APP_ID and the private key)",
    };
  }
  if (status === 403 || status === 429) {
    if (/suspended/i.test(message)) {
      return { kind: "permanent", code: "INSTALLATION_SUSPENDED", message: "The installation is suspended" };
    }
    const retryAfter = header(e, "retry-after");
    if (retryAfter !== undefined) {
      const waitMs = Math.max(Number(retryAfter) * 1000, MIN_SECONDARY_WAIT_MS);
      return {
        kind: "rate_limited",
        resetAt: new Date(now.getTime() + waitMs),
        message: "GitHub's secondary rate limit was hit",
      };
    }
    if (header(e, "x-ratelimit-remaining") === "0") {
      const reset = header(e, "x-ratelimit-reset");
      return {
        kind: "rate_limited",
        resetAt: reset ? new Date(Number(reset) * 1000) : new Date(now.getTime() + MIN_SECONDARY_WAIT_MS),
        message: "GitHub's API budget for this installation is used up",
      };
    }
    if (/secondary rate limit|abuse/i.test(message)) {
      return {
        kind: "rate_limited",
        resetAt: new Date(now.getTime() + MIN_SECONDARY_WAIT_MS),
        message: "GitHub's secondary rate limit was hit",
      };
    }
    return { kind: "permanent", code: "PERMISSION_MISSING", message: `GitHub refused access: ${message}` };
  }
  if (status === 404) {
    return {
      kind: "permanent",
      code: "NOT_FOUND",
      message: "GitHub answered 404: the repository or installation is gone, or pr-sync cannot see it",
    };
  }
  if (status === 502 || status === 504 || /something went wrong|timeout/i.test(message)) {
    return { kind: "timed_out", message: `GitHub timed out (${status ?? "no status"}): ${message}` };
  }
  return {
    kind: "transient",
    message: `GitHub or the network failed (${status ?? e.code ?? "no status"}): ${message}`,
  };
}
