import { rawRequest } from "../test/support/raw-http.js";
import { WEBHOOK_VARIANTS } from "../test/support/webhook-targets.js";
import { startPrSyncProcess } from "./pr-sync-handle.js";

export interface WebhookFloodResult {
  clients: number;
  variants: number;
  mbPerBody: number;
  requests: number;
  /** Answered 413 before the body was read. */
  refused: number;
  /** Any other ending: another status, a reset before an answer, or the per-request time limit. */
  other: number;
  seconds: number;
  rssIdleMb: number;
  /** The process's high-water mark before the flood (start-up included) and after it. */
  peakBeforeMb: number;
  peakRssMb: number;
}

/** One unauthenticated chunked POST of up to `bytes` to a raw target on loopback; resolves with its status (0: none). */
async function sendChunked(port: number, target: string, bytes: number, timeoutMs: number): Promise<number> {
  const answer = await rawRequest({
    port,
    target,
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "flood" },
    chunkedBytes: bytes,
    timeoutMs,
  });
  return answer.status;
}

/**
 * A pr-sync process of its own, idle, then `clients` clients at once, each sending a chunked body of
 * `mbPerBody` MB (no signature) to every target Probot takes as a webhook. Reports the process's
 * resident memory when idle and its peak after the flood.
 */
export async function measureWebhookFlood(options: {
  env: Record<string, string>;
  databaseUrl: string;
  clients: number;
  mbPerBody: number;
  timeoutMs: number;
}): Promise<WebhookFloodResult> {
  const app = await startPrSyncProcess({ env: options.env, databaseUrl: options.databaseUrl });
  try {
    const port = Number(new URL(app.url).port);
    const idle = await app.memory();
    const started = Date.now();
    const statuses = (
      await Promise.all(
        Array.from({ length: options.clients }, async () => {
          const mine: number[] = [];
          for (const target of WEBHOOK_VARIANTS)
            mine.push(await sendChunked(port, target, options.mbPerBody * 1_048_576, options.timeoutMs));
          return mine;
        }),
      )
    ).flat();
    const seconds = (Date.now() - started) / 1000;
    const after = await app.memory();
    return {
      clients: options.clients,
      variants: WEBHOOK_VARIANTS.length,
      mbPerBody: options.mbPerBody,
      requests: statuses.length,
      refused: statuses.filter((s) => s === 413).length,
      other: statuses.filter((s) => s !== 413).length,
      seconds: Math.round(seconds * 10) / 10,
      rssIdleMb: idle.rssMb,
      peakBeforeMb: idle.peakRssMb,
      peakRssMb: after.peakRssMb,
    };
  } finally {
    await app.stop().catch(() => undefined);
  }
}
