/**
 * The load generator of webhook-load.ts, in a process of its own: the bench process also runs the GitHub
 * simulator, whose pages for running syncs would otherwise delay sending and timing the webhooks. It takes
 * one run over IPC, answers with its tally and exits.
 *
 * The load is open: delivery i is sent at i / rate seconds whether or not earlier ones were answered, as
 * GitHub sends them, and each is timed from its own send to the end of its answer. (A closed loop of
 * connections that each wait for an answer before sending again would slow down exactly when pr-sync does,
 * and hide it.)
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import { percentile } from "./percentile.js";
import type { LoadRun, LoadTally } from "./webhook-load.js";

/** GitHub gives up on a delivery after 10 s. */
const TIMEOUT_MS = 10_000;

const [run] = (await once(process, "message")) as [LoadRun];
const agent = new http.Agent({ keepAlive: true });
const latencies: number[] = [];
const lags: number[] = [];
let errors = 0;
/** What went wrong, by kind ("HTTP 500", "ECONNRESET", "timed out"): an error is only useful with its cause. */
const errorKinds: Record<string, number> = {};

function send(index: number): Promise<void> {
  const signed = run.deliveries[index % run.deliveries.length]!;
  // The signature covers the body only: each request is a new delivery for the price of a new id.
  const headers = {
    ...signed.headers,
    "x-github-delivery": randomUUID(),
    "content-length": Buffer.byteLength(signed.body),
  };
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    // A request timed out mid-answer reports an error on both the request and the response: count it once.
    const done = (failure?: string) => {
      if (settled) return;
      settled = true;
      if (failure === undefined) latencies.push(performance.now() - started);
      else {
        errors++;
        errorKinds[failure] = (errorKinds[failure] ?? 0) + 1;
      }
      resolve();
    };
    const failed = (error: Error) => done((error as NodeJS.ErrnoException).code ?? error.message);
    const request = http.request(run.url, { method: "POST", headers, agent, timeout: TIMEOUT_MS }, (response) => {
      response.resume();
      response.once("end", () =>
        done(
          response.statusCode !== undefined && response.statusCode < 300 ? undefined : `HTTP ${response.statusCode}`,
        ),
      );
      response.once("error", failed);
    });
    request.once("timeout", () => request.destroy(new Error("timed out")));
    request.once("error", failed);
    request.end(signed.body);
  });
}

const intervalMs = 1000 / run.rate;
const total = Math.round(run.rate * run.seconds);
const start = performance.now();
const inFlight: Promise<void>[] = [];
let next = 0;
while (next < total) {
  const now = performance.now();
  // Everything due is sent now: a late timer never lowers the rate, it shows as lag.
  while (next < total && start + next * intervalMs <= now) {
    lags.push(now - (start + next * intervalMs));
    inFlight.push(send(next++));
  }
  if (next < total) await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + next * intervalMs - now)));
}
await Promise.all(inFlight);
agent.destroy();

latencies.sort((a, b) => a - b);
lags.sort((a, b) => a - b);
const ms = (sorted: number[], fraction: number) => (sorted.length === 0 ? 0 : Math.round(percentile(sorted, fraction)));
process.send!({
  sent: total,
  average: latencies.length / run.seconds,
  p50: ms(latencies, 0.5),
  p99: ms(latencies, 0.99),
  errors,
  errorKinds,
  sendLagP99: ms(lags, 0.99),
} satisfies LoadTally);
process.disconnect();
