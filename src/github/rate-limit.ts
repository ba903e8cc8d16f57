/** What GitHub last said about one budget (REST "core" or "graphql"). */
export interface Budget {
  remaining: number;
  limit: number;
  resetAt: Date;
}

/** Counts what a run spends and remembers the latest budget GitHub reported, per resource. */
export class RateLimitMeter {
  requests = 0;
  graphqlPoints = 0;
  readonly budgets = new Map<string, Budget>();

  /** Reads `x-ratelimit-*` headers; absent headers (GitHub Enterprise Server without limits) change nothing. */
  recordHeaders(headers: Record<string, string | number | undefined>): void {
    const remaining = headers["x-ratelimit-remaining"];
    const reset = headers["x-ratelimit-reset"];
    if (remaining === undefined || reset === undefined) return;
    const resource = String(headers["x-ratelimit-resource"] ?? "core");
    this.budgets.set(resource, {
      remaining: Number(remaining),
      limit: Number(headers["x-ratelimit-limit"] ?? 0),
      resetAt: new Date(Number(reset) * 1000),
    });
  }

  /** Reads a GraphQL `rateLimit { cost remaining resetAt limit }` object. */
  recordGraphqlRateLimit(
    rateLimit: { cost: number; remaining: number; resetAt: string; limit: number } | null | undefined,
  ): void {
    if (!rateLimit) return;
    this.graphqlPoints += rateLimit.cost;
    this.budgets.set("graphql", {
      remaining: rateLimit.remaining,
      limit: rateLimit.limit,
      resetAt: new Date(rateLimit.resetAt),
    });
  }

  /** The budget running lowest under `floor`, if any: the run should pause until its reset. */
  exhausted(floor: number, resources: string[]): Budget | undefined {
    return resources
      .map((r) => this.budgets.get(r))
      .filter((b): b is Budget => b !== undefined && b.remaining < floor)
      .sort((a, b) => b.resetAt.getTime() - a.resetAt.getTime())[0];
  }
}
