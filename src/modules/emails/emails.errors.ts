/** Errors of the emails module, each with a stable code and a message a person can act on. */
export class EmailError extends Error {
  constructor(
    readonly code: "EMAIL_DELIVERY_FAILED" | "EMAIL_OUTBOX_UNWRITABLE",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EmailError";
  }
}

function reason(cause: unknown): string {
  if (cause && typeof cause === "object") {
    const { response, message } = cause as { response?: unknown; message?: unknown };
    if (typeof response === "string" && response) return response;
    if (typeof message === "string" && message) return message;
  }
  return String(cause);
}

export const deliveryFailed = (host: string, cause: unknown) =>
  new EmailError(
    "EMAIL_DELIVERY_FAILED",
    `The mail server ${host} did not accept the email (${reason(cause)}); it is retried. Check SMTP_URL if this persists.`,
    { cause },
  );

export const outboxUnwritable = (dir: string, cause: unknown) =>
  new EmailError(
    "EMAIL_OUTBOX_UNWRITABLE",
    `The email could not be written to ${dir} (${reason(cause)}); check that DATA_DIR is writable or set SMTP_URL.`,
    { cause },
  );
