import { RepositoryError } from "../repositories/repositories.errors.js";

/** Errors of the status page, each with a stable code, an HTTP status and a message a person can act on. */
export class StatusPageError extends Error {
  constructor(
    readonly code:
      | "NOT_SIGNED_IN"
      | "NOT_FOUND"
      | "FORBIDDEN"
      | "PAYLOAD_TOO_LARGE"
      | "BAD_REQUEST"
      | "CSRF_REJECTED"
      | "RATE_LIMITED"
      | "SIGN_IN_FAILED"
      | "SIGN_IN_UNAVAILABLE"
      | "INVALID_EMAILS"
      | "NOT_APPLICABLE",
    readonly status: number,
    message: string,
    options?: { cause?: unknown; retryAfter?: number },
  ) {
    super(message, options?.cause ? { cause: options.cause } : undefined);
    this.name = "StatusPageError";
    this.retryAfter = options?.retryAfter;
  }
  readonly retryAfter: number | undefined;
}

export const notSignedIn = () => new StatusPageError("NOT_SIGNED_IN", 401, "Sign in to see the status page.");
export const notFound = (what = "page") => new StatusPageError("NOT_FOUND", 404, `This ${what} does not exist.`);
export const forbidden = () =>
  new StatusPageError(
    "FORBIDDEN",
    403,
    "Only owners of this organization (or the account itself) can do this; members see the status read-only.",
  );
export const payloadTooLarge = () => new StatusPageError("PAYLOAD_TOO_LARGE", 413, "The request body is too large.");
export const badRequest = (message: string) => new StatusPageError("BAD_REQUEST", 400, message);
export const csrfRejected = () =>
  new StatusPageError("CSRF_REJECTED", 403, "The form expired or came from another site; reload the page and retry.");
export const rateLimited = (retryAfter: number) =>
  new StatusPageError("RATE_LIMITED", 429, `Too many requests; try again in ${retryAfter} seconds.`, { retryAfter });
export const signInFailed = (reason: string) =>
  new StatusPageError("SIGN_IN_FAILED", 401, `Sign-in did not work: ${reason}. Try again.`);
export const signInUnavailable = (what: string) =>
  new StatusPageError("SIGN_IN_UNAVAILABLE", 404, `${what} is not configured on this pr-sync.`);
/** Names the refused entries by position, never echoing what was sent. */
export const invalidEmails = (positions: number[]) =>
  new StatusPageError(
    "INVALID_EMAILS",
    400,
    `${positions.length === 1 ? "Entry" : "Entries"} ${positions.join(", ")} of the list ${positions.length === 1 ? "is not an email address" : "are not email addresses"}; give addresses like name@example.com.`,
  );
export const notApplicable = () =>
  new StatusPageError("NOT_APPLICABLE", 409, "Member sync applies to organization installations only.");

const repositoryStatus: Record<RepositoryError["code"], number> = {
  REPOSITORY_NOT_FOUND: 404,
  REPOSITORY_INACTIVE: 409,
  INSTALLATION_SUSPENDED: 409,
  INSTALLATION_DELETED: 410,
};

/**
 * The one place errors become answers: an HTTP status, a stable code and the text shown on the page.
 * Anything unknown is a 500 whose details stay in the log.
 */
export function describeError(error: unknown): { status: number; code: string; message: string; retryAfter?: number } {
  if (error instanceof StatusPageError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.retryAfter ? { retryAfter: error.retryAfter } : {}),
    };
  }
  if (error instanceof RepositoryError) {
    return { status: repositoryStatus[error.code], code: error.code, message: error.message };
  }
  return { status: 500, code: "INTERNAL_ERROR", message: "Something went wrong on our side; it has been logged." };
}
