/** An error that retrying cannot fix (bad credentials, missing permission, a deleted repository). */
export class PermanentJobError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentJobError;
}
