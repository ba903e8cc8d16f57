import { ProbotOctokit } from "probot";
import { RequestLanes } from "./request-lanes.js";

export interface OctokitOptions {
  /** Retries for 5xx answers and network errors (plugin-retry); 0 turns them off. */
  retries: number;
  /** plugin-retry waits retryAfterBaseMs × attempt² between tries. */
  retryAfterBaseMs: number;
  /** A secondary rate limit is waited out in-process only when GitHub asks for at most this long. */
  maxSecondaryWaitSeconds: number;
  /** How many times one request is retried after a secondary limit. */
  secondaryRetries: number;
}

/** GitHub's secondary limit on concurrent requests. */
const GITHUB_CONCURRENT_REQUESTS = 100;
/** plugin-throttling's own bound on one installation's requests in flight. */
const PLUGIN_GLOBAL_CONCURRENCY = 10;

export const defaultOctokitOptions: OctokitOptions = {
  retries: 3,
  retryAfterBaseMs: 1_000,
  maxSecondaryWaitSeconds: 120,
  secondaryRetries: 3,
};

interface OctokitInstanceOptions {
  throttle?: object;
  baseUrl?: string;
  auth?: { request?: { defaults: (options: { baseUrl: string }) => unknown } } & Record<string, unknown>;
}

/**
 * Probot hands the app auth a `request` without the base URL, so a token created outside a request
 * (a forced refresh) would go to api.github.com even on GitHub Enterprise Server. Give it the base URL.
 */
function withAuthBaseUrl(options: OctokitInstanceOptions) {
  const { auth, baseUrl } = options;
  if (!auth || !baseUrl || typeof auth.request?.defaults !== "function") return auth;
  return { ...auth, request: auth.request.defaults({ baseUrl }) };
}

/**
 * Probot's Octokit with throttling set deliberately. A primary limit is never slept through inside a
 * worker (the error reaches the job, which pauses until the reset); a secondary limit is waited out
 * and retried a bounded number of times, as GitHub asks.
 */
export function createOctokitClass(options: OctokitOptions = defaultOctokitOptions): typeof ProbotOctokit {
  // plugin-throttling spaces every POST and GraphQL call a second apart, as GitHub asks for requests that
  // create content. pr-sync never writes: its POSTs are GraphQL queries, which GitHub's secondary limits
  // count at one point each (2,000 a minute). Spacing them 50 ms apart (at most 20 a second per installation)
  // stays far inside that while letting a backfill page as fast as GitHub answers. Probot keys the lane
  // by installation, so an installation's syncs and member sync share it: it must not bound how many run at
  // once below INSTALLATION_SYNC_CONCURRENCY (it allowed 4 once, silently capping a raised setting). GitHub's
  // own limit of 100 concurrent requests is the only cap it adds.
  const graphqlLane = new RequestLanes({ maxConcurrent: GITHUB_CONCURRENT_REQUESTS, minTime: 50 });
  // Every request then passes the plugin's global lane: the same ten at once per installation as its default,
  // without Bottleneck's cost per call. With Probot's REDIS_URL the plugin's own lane stays, shared by all
  // processes through Redis.
  const localLane = new RequestLanes({ maxConcurrent: PLUGIN_GLOBAL_CONCURRENCY, minTime: 0 });
  // The function form runs after Probot's own defaults, so these throttle and retry options win.
  return ProbotOctokit.defaults((instanceOptions: OctokitInstanceOptions) => ({
    ...instanceOptions,
    auth: withAuthBaseUrl(instanceOptions),
    retry: { enabled: options.retries > 0, retries: options.retries, retryAfterBaseValue: options.retryAfterBaseMs },
    throttle: {
      ...(instanceOptions.throttle ?? {}),
      enabled: true,
      write: graphqlLane,
      ...(instanceOptions.throttle && "connection" in instanceOptions.throttle ? {} : { global: localLane }),
      onRateLimit: () => false,
      onSecondaryRateLimit: (retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < options.secondaryRetries && retryAfter <= options.maxSecondaryWaitSeconds,
    },
  }));
}
