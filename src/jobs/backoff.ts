import { isPermanent } from "./errors.js";

/**
 * Delay before retry `attempt` (1-based): exponential from `baseMs` with ±25% jitter, capped at `maxMs`;
 * null when the error is permanent or the tries are used up.
 */
export function retryDelay(options: {
  attempt: number;
  attempts: number;
  error: unknown;
  baseMs?: number;
  maxMs?: number;
  random?: () => number;
}): number | null {
  const { attempt, attempts, error, baseMs = 15_000, maxMs = 30 * 60_000, random = Math.random } = options;
  if (isPermanent(error) || attempt >= attempts) return null;
  const exponential = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.75 + random() * 0.5));
}

/** Resume a little after the reset, spread out so paused repositories don't all start in the same second. */
export function resumeAt(resetAt: Date, now: Date, jitterMs = 30_000, random: () => number = Math.random): Date {
  const base = Math.max(resetAt.getTime(), now.getTime());
  return new Date(base + Math.min(1_000, jitterMs) + Math.floor(random() * jitterMs));
}
