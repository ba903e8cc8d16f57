import type { Logger } from "pino";
import { SmeeClient } from "smee-client";

/**
 * Forwards deliveries from a smee.io channel (WEBHOOK_PROXY_URL) to the local webhook path, headers and body as
 * GitHub sent them, so signatures still verify. Never blocks start: the event stream reconnects on its own.
 */
export function startWebhookProxy(options: { source: string; target: string; log: Logger }): {
  stop: () => Promise<void>;
} {
  const { log } = options;
  const client = new SmeeClient({
    source: options.source,
    target: options.target,
    logger: {
      info: (message: string) => log.debug({ proxy: options.source }, message),
      error: (...args: unknown[]) =>
        log.warn({ proxy: options.source, detail: String(args[0]) }, "webhook proxy error"),
    },
  });
  client.start().then(
    () => log.info(`forwarding webhooks from ${options.source} to ${options.target}`),
    () =>
      log.warn(
        `cannot reach WEBHOOK_PROXY_URL ${options.source} yet; retrying. Until it answers, GitHub's deliveries wait there (smee keeps none for long).`,
      ),
  );
  return { stop: () => client.stop() };
}

/** Asks smee for a new channel, as Probot's setup does; undefined when the service cannot be reached in time. */
export async function createSmeeChannel(options: { newChannelUrl?: string; timeoutMs?: number } = {}) {
  let timer: ReturnType<typeof globalThis.setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = globalThis.setTimeout(() => resolve(undefined), options.timeoutMs ?? 5_000);
  });
  const channel = SmeeClient.createChannel(options.newChannelUrl ? { newChannelUrl: options.newChannelUrl } : {}).catch(
    () => undefined,
  );
  try {
    return await Promise.race([channel, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
