/** Primary rate-limit budgets, one per resource per token owner (installation, user or app), as GitHub keeps them. */
export type Resource = "core" | "graphql";

export interface Bucket {
  limit: number;
  used: number;
  /** Epoch ms; the window starts at the first request after the previous one ended. */
  resetAt: number;
}

export interface RateLimitSettings {
  /** Whose budget: an installation id; unset changes the defaults for every budget not yet set. */
  installationId?: number;
  resource?: Resource;
  limit?: number;
  remaining?: number;
  windowMs?: number;
}

export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limits = new Map<string, number>();

  constructor(
    private windowMs: number,
    private readonly defaults: Record<Resource, number>,
  ) {}

  private bucket(owner: string, resource: Resource, now: number): Bucket {
    const key = `${owner}/${resource}`;
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      const limit = this.limits.get(key) ?? this.defaults[resource];
      bucket = { limit, used: 0, resetAt: now + this.windowMs };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** The budget as it stands, without spending. */
  peek(owner: string, resource: Resource, now = Date.now()): Bucket {
    return { ...this.bucket(owner, resource, now) };
  }

  /** Spends `cost` when the budget allows it; `allowed` false means GitHub's rate-limited answer. */
  spend(owner: string, resource: Resource, cost: number, now = Date.now()): { allowed: boolean; bucket: Bucket } {
    const bucket = this.bucket(owner, resource, now);
    if (bucket.used + cost > bucket.limit) return { allowed: false, bucket: { ...bucket } };
    bucket.used += cost;
    return { allowed: true, bucket: { ...bucket } };
  }

  set(settings: RateLimitSettings, now = Date.now()): void {
    if (settings.windowMs !== undefined) this.windowMs = settings.windowMs;
    const resources: Resource[] = settings.resource ? [settings.resource] : ["core", "graphql"];
    for (const resource of resources) {
      if (settings.installationId === undefined) {
        if (settings.limit !== undefined) this.defaults[resource] = settings.limit;
        continue;
      }
      const owner = `installation:${settings.installationId}`;
      const key = `${owner}/${resource}`;
      if (settings.limit !== undefined) this.limits.set(key, settings.limit);
      const bucket = this.bucket(owner, resource, now);
      if (settings.limit !== undefined) bucket.limit = settings.limit;
      if (settings.remaining !== undefined) bucket.used = Math.max(0, bucket.limit - settings.remaining);
      if (settings.windowMs !== undefined) bucket.resetAt = now + settings.windowMs;
    }
  }
}

export function rateLimitHeaders(bucket: Bucket, resource: Resource): Record<string, string> {
  return {
    "x-ratelimit-limit": String(bucket.limit),
    "x-ratelimit-remaining": String(Math.max(0, bucket.limit - bucket.used)),
    "x-ratelimit-used": String(bucket.used),
    "x-ratelimit-reset": String(Math.ceil(bucket.resetAt / 1000)),
    "x-ratelimit-resource": resource,
  };
}
