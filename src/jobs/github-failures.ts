import { databaseFailureMessage } from "../db/database-errors.js";
import { classifyGitHubError, type GitHubFailure } from "../github/github-errors.js";
import { PermanentJobError } from "./errors.js";

/** What a job does about a failure: shared by repository syncs and member syncs. */
export type FailureDecision =
  | { action: "pause"; resetAt: Date; message: string }
  | { action: "refresh_token" }
  | { action: "shrink_page"; message: string }
  | { action: "give_up"; code: string; message: string; error: Error }
  | { action: "retry_later"; message: string; error: Error };

/**
 * Turns any error of a GitHub job into a decision. Rate limits pause until the reset; bad credentials
 * get one fresh token; timeouts on large pages shrink the page; permanent failures are not retried;
 * transient ones are retried with backoff until the last attempt, then given up with a plain message. A
 * failure PostgreSQL reported is transient too, and said to be the database's.
 */
export function decideOnFailure(options: {
  error: unknown;
  now: Date;
  tokenRefreshed: boolean;
  canShrink: boolean;
  isLastAttempt: (error: unknown) => boolean;
  attempts: number;
}): FailureDecision {
  const database = databaseFailureMessage(options.error);
  if (database) return transient(database, options, "DATABASE_FAILED");
  const failure: GitHubFailure = classifyGitHubError(options.error, options.now);
  switch (failure.kind) {
    case "rate_limited":
      return { action: "pause", resetAt: failure.resetAt, message: failure.message };
    case "bad_credentials":
      if (!options.tokenRefreshed) return { action: "refresh_token" };
      return permanent("BAD_CREDENTIALS", failure.message, options.error);
    case "permanent":
      return permanent(failure.code, failure.message, options.error);
    case "page_too_large":
    case "timed_out":
      if (options.canShrink) return { action: "shrink_page", message: failure.message };
      return transient(failure.message, options);
    case "transient":
      return transient(failure.message, options);
  }
}

function permanent(code: string, message: string, cause: unknown): FailureDecision {
  return { action: "give_up", code, message, error: new PermanentJobError(code, message, { cause }) };
}

function transient(
  message: string,
  options: { error: unknown; isLastAttempt: (error: unknown) => boolean; attempts: number },
  code = "GITHUB_UNAVAILABLE",
): FailureDecision {
  const error = options.error instanceof Error ? options.error : new Error(message);
  if (options.isLastAttempt(error)) {
    return {
      action: "give_up",
      code,
      message: `${message}. Gave up after ${options.attempts} tries; the next scheduled catch-up tries again.`,
      error,
    };
  }
  return { action: "retry_later", message, error };
}
