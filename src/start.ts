import { getPrivateKey } from "@probot/get-private-key";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type pg from "pg";
import type { Logger } from "pino";
import { createNodeMiddleware, Probot, run } from "probot";
import { createApp } from "./app.js";
import { githubApiUrl, type Config } from "./config.js";
import { createDatabase } from "./db/client.js";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./db/embedded-postgres.js";
import { runMigrations } from "./db/migrate.js";
import { createPool } from "./db/pool.js";
import { createOctokitClass, defaultOctokitOptions, type OctokitOptions } from "./github/octokit.js";
import { createRouter } from "./http/router.js";
import { createWebhookGuard } from "./http/webhook-guard.js";
import { jobDefinitions, scheduleRecurringJobs } from "./jobs/job-list.js";
import { createJobQueue, type JobQueue } from "./jobs/job-queue.js";
import { createMetrics } from "./metrics/metrics.js";
import { dataPath } from "./paths.js";
import type { Runtime } from "./runtime.js";

export const WEBHOOK_PATH = "/api/github/webhooks";

export interface StartOptions {
  config: Config;
  /** The raw environment, handed to Probot's setup flow. */
  env: Record<string, string | undefined>;
  log: Logger;
  /** Overrides DATABASE_URL (tests give each file its own database). */
  databaseUrl?: string;
  octokit?: Partial<OctokitOptions>;
  processEveryMs?: number;
  retryBaseMs?: number;
  now?: () => Date;
  tuning?: Partial<Runtime["tuning"]>;
  /** Whether to look for installations GitHub has and pr-sync does not, right after start (default true). */
  discoverInstallations?: boolean;
  /** Whether this process also runs jobs (default true). */
  runJobs?: boolean;
}

export interface PrSync {
  url: string;
  mode: "app" | "setup";
  runtime?: Runtime;
  /** Stops taking webhooks, drains jobs, closes the pool and the embedded database. */
  stop: (options?: { drainTimeoutMs?: number }) => Promise<void>;
}

async function openDatabase(options: StartOptions): Promise<{ pool: pg.Pool; embedded?: EmbeddedDatabase }> {
  const { config, log } = options;
  let url = options.databaseUrl ?? config.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  if (!url) {
    const dataDir = dataPath(config.DATA_DIR, "postgres");
    embedded = await startEmbeddedPostgres({
      dataDir,
      port: config.EMBEDDED_POSTGRES_PORT,
      onLog: (line) => log.debug({ postgres: line.trim() }, "embedded postgres"),
    });
    url = embedded.url;
    log.info(
      { dataDir, port: config.EMBEDDED_POSTGRES_PORT },
      `embedded PostgreSQL running with its data in ${dataDir}`,
    );
  }
  const pool = createPool(url);
  try {
    await runMigrations(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    await embedded?.stop().catch(() => {});
    throw error;
  }
  return { pool, embedded };
}

async function within(ms: number, work: Promise<unknown> | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    (work ?? Promise.resolve()).catch(() => {}),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

function readPrivateKey(env: Record<string, string | undefined>): string | undefined {
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) return undefined;
  return getPrivateKey({ env }) ?? undefined;
}

/** Opens the database, then starts either Probot's setup flow (no app configured) or pr-sync itself. */
export async function startPrSync(options: StartOptions): Promise<PrSync> {
  const { config, log } = options;
  const { pool, embedded } = await openDatabase(options);
  // A shutdown must finish: a connection stuck on a vanished server must not hold the process forever.
  const closeDatabase = async () => {
    await within(10_000, pool.end());
    await within(10_000, embedded?.stop());
  };

  const privateKey = readPrivateKey(options.env);
  if (!config.APP_ID || !privateKey) {
    log.info("no GitHub App configured (APP_ID and PRIVATE_KEY): serving Probot's setup flow");
    const server = await run(() => {}, {
      env: { ...options.env, PORT: String(config.PORT), HOST: config.HOST, LOG_LEVEL: config.LOG_LEVEL },
      log: log,
    });
    return {
      url: `http://${server.host}:${server.port}`,
      mode: "setup",
      stop: async () => {
        await server.stop();
        await closeDatabase();
      },
    };
  }

  const probot = new Probot({
    appId: config.APP_ID,
    privateKey,
    secret: config.WEBHOOK_SECRET ?? "development",
    baseUrl: githubApiUrl(config),
    log: log,
    Octokit: createOctokitClass({ ...defaultOctokitOptions, ...options.octokit }),
  });

  const runtime = {
    config,
    pool,
    db: createDatabase(pool),
    log,
    probot,
    now: options.now ?? (() => new Date()),
    metrics: createMetrics(pool),
    // A sync touches its lock after every page; five minutes covers a slow page plus secondary-limit waits.
    tuning: { lockLifetimeMs: 5 * 60_000, busyRetryMs: 10_000, pauseJitterMs: 30_000, ...options.tuning },
  } as Runtime;
  let queue: JobQueue;
  try {
    queue = await createJobQueue({
      pool,
      log,
      definitions: jobDefinitions(runtime),
      ...(options.processEveryMs !== undefined ? { processEveryMs: options.processEveryMs } : {}),
      ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    });
  } catch (error) {
    await closeDatabase();
    throw error;
  }
  runtime.queue = queue;

  let accepting = true;
  const router = createRouter();
  const middleware = await createNodeMiddleware(createApp(runtime, router), { probot, webhooksPath: WEBHOOK_PATH });
  const guard = createWebhookGuard({ webhookPath: WEBHOOK_PATH, isAccepting: () => accepting });
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (await guard(req, res)) return;
      if (await middleware(req, res)) return;
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not_found" }));
    } catch (error) {
      log.error({ err: error }, "request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "internal_error" }));
    }
  };
  // serve answers every error itself, so its promise never rejects.
  const httpServer: HttpServer = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST;
  const url = `http://${host}:${port}`;
  log.info(`pr-sync listening on ${url} (webhooks at ${WEBHOOK_PATH})`);
  if (options.runJobs !== false) {
    await queue.start();
    await scheduleRecurringJobs(runtime, { discoverNow: options.discoverInstallations !== false });
  }

  return {
    url,
    mode: "app",
    runtime,
    stop: async ({ drainTimeoutMs = 25_000 } = {}) => {
      accepting = false;
      await queue.drain(drainTimeoutMs);
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      await closeDatabase();
    },
  };
}
