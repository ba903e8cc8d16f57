import autocannon from "autocannon";
import type { GitHubSimulator } from "../simulator/index.js";

export interface WebhookLoadResult {
  rate: number;
  seconds: number;
  sent: number;
  throughputPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/**
 * Posts signed `pull_request` deliveries at a fixed rate, each with its own delivery GUID (pr-sync
 * de-duplicates on it), built from real pull requests of the installation under test.
 */
export async function loadWebhooks(options: {
  url: string;
  sim: GitHubSimulator;
  payloads: unknown[];
  rate: number;
  seconds: number;
}): Promise<WebhookLoadResult> {
  let index = 0;
  const result = await autocannon({
    url: options.url,
    connections: 20,
    duration: options.seconds,
    overallRate: options.rate,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const signed = options.sim.signWebhook("pull_request", options.payloads[index++ % options.payloads.length]);
          return { ...request, method: "POST", headers: signed.headers, body: signed.body };
        },
      },
    ],
  });
  return {
    rate: options.rate,
    seconds: options.seconds,
    sent: result.requests.total,
    throughputPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}
