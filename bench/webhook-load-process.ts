/**
 * The load generator of webhook-load.ts, in a process of its own: the bench process also runs the GitHub
 * simulator, whose pages for running syncs would otherwise delay sending and timing the webhooks. It takes
 * one run over IPC, answers with its tally and exits.
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import autocannon from "autocannon";
import type { LoadRun, LoadTally } from "./webhook-load.js";

const [run] = (await once(process, "message")) as [LoadRun];
let index = 0;
const result = await autocannon({
  url: run.url,
  connections: 20,
  duration: run.seconds,
  overallRate: run.rate,
  requests: [
    {
      method: "POST",
      setupRequest: (request) => {
        const signed = run.deliveries[index++ % run.deliveries.length]!;
        // The signature covers the body only: each request is a new delivery for the price of a new id.
        const headers = { ...signed.headers, "x-github-delivery": randomUUID() };
        return { ...request, method: "POST", headers, body: signed.body };
      },
    },
  ],
});
process.send!({
  sent: result.requests.total,
  average: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.timeouts + result.non2xx,
} satisfies LoadTally);
process.disconnect();
