import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startPrSync, WEBHOOK_PATH, type PrSync, type StartOptions } from "../../src/start.js";
import type { Runtime } from "../../src/runtime.js";
import type { TestDatabase } from "./database.js";

export const WEBHOOK_SECRET = "test-webhook-secret-7f3a";
export const APP_ID = 4242;

let cachedKey: string | undefined;
/** A real RSA key, so Probot signs real app JWTs. */
export function testPrivateKey(): string {
  cachedKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  }) as string;
  return cachedKey;
}

export interface TestApp {
  url: string;
  app: PrSync;
  runtime: Runtime;
  logs: string[];
  sendWebhook: (
    event: string,
    payload: unknown,
    options?: { delivery?: string; secret?: string; rawBody?: string },
  ) => Promise<Response>;
  stop: () => Promise<void>;
}

export function signature(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Starts the real pr-sync server (Probot, jobs, routes) on a test database and a free port. */
export async function startTestApp(options: {
  database: TestDatabase;
  env?: Record<string, string>;
  start?: Partial<StartOptions>;
}): Promise<TestApp> {
  const env: Record<string, string | undefined> = {
    PORT: "0",
    HOST: "127.0.0.1",
    APP_ID: String(APP_ID),
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET,
    GHE_HOST: "github.test",
    GHE_PROTOCOL: "https",
    LOG_LEVEL: "debug",
    ...options.env,
  };
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      callback();
    },
  });
  const config = loadConfig(env);
  const app = await startPrSync({
    config,
    env,
    log: createLogger({ level: config.LOG_LEVEL, destination }),
    databaseUrl: options.database.url,
    octokit: { retries: 0, secondaryRetries: 0 },
    processEveryMs: 200,
    retryBaseMs: 50,
    tuning: { pauseJitterMs: 50, busyRetryMs: 200, lockLifetimeMs: 60_000 },
    // Tests set up installations through webhooks; the start-up check against GitHub has its own test.
    discoverInstallations: false,
    ...options.start,
  });
  const url = app.url;
  return {
    url,
    app,
    runtime: app.runtime!,
    logs,
    async sendWebhook(event, payload, opts = {}) {
      const body = opts.rawBody ?? JSON.stringify(payload);
      return fetch(`${url}${WEBHOOK_PATH}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": opts.delivery ?? randomUUID(),
          "x-hub-signature-256": signature(body, opts.secret),
        },
        body,
      });
    },
    stop: () => app.stop({ drainTimeoutMs: 5_000 }),
  };
}
