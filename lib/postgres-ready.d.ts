/**
 * Resolves once PostgreSQL at `url` accepts a connection; rejects with the last connection error after
 * `timeoutMs`, or at once with what `stop()` returns when it returns something.
 */
export function acceptsConnections(
  url: string,
  options?: { timeoutMs?: number; stop?: () => Error | undefined },
): Promise<void>;
