import { once } from "node:events";
import { fork } from "node:child_process";
import type { GitHubSimulator } from "../simulator/index.js";

export interface WebhookLoadResult {
  rate: number;
  seconds: number;
  sent: number;
  throughputPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** The errors by cause: a status ("HTTP 503"), a socket error code ("ECONNRESET") or "timed out". */
  errorKinds: Record<string, number>;
  /** How late the load process sent its deliveries (p99): when it is starved of CPU, the rate was not met. */
  sendLagP99Ms: number;
}

/** What the load process is given: signed deliveries to cycle through (each sent under a fresh delivery id). */
export interface LoadRun {
  url: string;
  rate: number;
  seconds: number;
  deliveries: { headers: Record<string, string>; body: string }[];
}

/** What the load process reports back. */
export interface LoadTally {
  sent: number;
  average: number;
  p50: number;
  p99: number;
  errors: number;
  errorKinds: Record<string, number>;
  sendLagP99: number;
}

/**
 * Posts signed `pull_request` deliveries at a fixed rate, each with its own delivery GUID (pr-sync
 * de-duplicates on it), built from real pull requests of the installation under test. The requests are sent
 * and timed from a process of their own.
 */
export async function loadWebhooks(options: {
  url: string;
  sim: GitHubSimulator;
  payloads: unknown[];
  rate: number;
  seconds: number;
}): Promise<WebhookLoadResult> {
  const deliveries = options.payloads.map((payload) => {
    const signed = options.sim.signWebhook("pull_request", payload);
    return { headers: signed.headers, body: signed.body };
  });
  const run: LoadRun = { url: options.url, rate: options.rate, seconds: options.seconds, deliveries };
  const child = fork(new URL("./webhook-load-process.ts", import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`bench: the webhook load process exited (${String(code)}) without a tally`);
  });
  child.send(run);
  const [tally] = (await Promise.race([once(child, "message"), exited])) as [LoadTally];
  return {
    rate: options.rate,
    seconds: options.seconds,
    sent: tally.sent,
    throughputPerSecond: Math.round(tally.average),
    p50Ms: tally.p50,
    p99Ms: tally.p99,
    errors: tally.errors,
    errorKinds: tally.errorKinds,
    sendLagP99Ms: Math.round(tally.sendLagP99),
  };
}

/** "0 errors of 1000", or with their causes: "2 errors of 1000 (HTTP 503 ×1, ECONNRESET ×1)". */
export function errorsOf(w: WebhookLoadResult): string {
  const causes = Object.entries(w.errorKinds).map(([kind, n]) => `${kind} ×${n}`);
  return `${w.errors} errors of ${w.sent}${causes.length > 0 ? ` (${causes.join(", ")})` : ""}`;
}
