/**
 * A start-up failure a person can fix: its message is one paragraph saying what went wrong and what to do.
 * main.ts prints it as is (no stack trace) and exits with code 1.
 */
export class StartupError extends Error {
  readonly code = "STARTUP_FAILED";
  constructor(paragraph: string, options?: { cause?: unknown }) {
    super(paragraph, options);
    this.name = "StartupError";
  }
}

/** The errno-style code of a Node error (`ENOSPC`, `EACCES`…), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
