import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createAppMode, type AppMode } from "./app-mode.js";
import { loadConfig, type Config } from "./config.js";
import { openDatabase } from "./db/open-database.js";
import { registerSetupHealthRoutes } from "./http/health.routes.js";
import { sendJson } from "./http/responses.js";
import { createRouter } from "./http/router.js";
import type { OctokitOptions } from "./github/octokit.js";
import { appManifestPath, envFilePath } from "./paths.js";
import type { Runtime } from "./runtime.js";
import { readAppCredentials, type AppCredentials } from "./setup/app-credentials.js";
import { createSetupMode } from "./setup/setup-mode.js";
import { SETUP_PATH } from "./setup/manifest.js";
import { setupPagesMoved } from "./setup/setup.routes.js";

export { WEBHOOK_PATH } from "./setup/manifest.js";

export interface StartOptions {
  config: Config;
  /** The raw environment (real variables over `.env`), for the private key and for re-reading after setup. */
  env: Record<string, string | undefined>;
  log: Logger;
  /** Overrides DATABASE_URL (tests give each file its own database). */
  databaseUrl?: string;
  /** The `.env` file setup writes (default: the project's). */
  envFile?: string;
  appYmlPath?: string;
  smeeNewChannelUrl?: string;
  octokit?: Partial<OctokitOptions>;
  processEveryMs?: number;
  retryBaseMs?: number;
  now?: () => Date;
  tuning?: Partial<Runtime["tuning"]>;
  /** Whether to ask GitHub at start for the app's slug and for installations pr-sync missed (default true). */
  discoverInstallations?: boolean;
  /** Whether this process also runs jobs (default true). */
  runJobs?: boolean;
}

export interface PrSync {
  url: string;
  /** "setup" until an app is registered; then "app", in the same process. */
  readonly mode: "app" | "setup";
  readonly runtime?: Runtime;
  /** Stops taking webhooks, drains jobs, closes the pool and the embedded database. */
  stop: (options?: { drainTimeoutMs?: number }) => Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

async function within(ms: number, work: Promise<unknown> | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    (work ?? Promise.resolve()).catch(() => {}),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

async function listen(
  config: Config,
  log: Logger,
  current: () => Handler,
): Promise<{ server: HttpServer; url: string }> {
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (await current()(req, res)) return;
      sendJson(res, 404, { error: "not_found" });
    } catch (error) {
      log.error({ err: error }, "request failed");
      if (res.headersSent) res.end();
      else sendJson(res, 500, { error: "internal_error" });
    }
  };
  // serve answers every error itself, so its promise never rejects.
  const server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST;
  return { server, url: `http://${host}:${port}` };
}

/** The setup page; once GitHub registers the app, `runApp` continues with its credentials from the new .env. */
function setupUntilRegistered(
  options: StartOptions,
  envFile: string,
  runApp: (opts: StartOptions, credentials: AppCredentials) => Promise<void>,
) {
  const { config, log } = options;
  log.info("no GitHub App configured (APP_ID and PRIVATE_KEY): serving the setup page");
  return createSetupMode({
    config,
    log,
    envFile,
    appYmlPath: options.appYmlPath ?? appManifestPath,
    ...(options.smeeNewChannelUrl ? { smeeNewChannelUrl: options.smeeNewChannelUrl } : {}),
    switchToApp: async (registered, written) => {
      const env = { ...options.env, ...written };
      const next = { ...options, env, config: loadConfig(env) };
      await runApp(next, { ...readAppCredentials(next.config, env)!, slug: registered.slug });
    },
  });
}

/** Opens the database, then runs pr-sync as its GitHub App, or its setup until an app is registered. */
export async function startPrSync(options: StartOptions): Promise<PrSync> {
  const { config, log } = options;
  // Before the database: a missing webhook secret should stop start-up at once.
  const credentials = readAppCredentials(config, options.env);
  const { pool, embedded } = await openDatabase(options);
  // A shutdown must finish: a connection stuck on a vanished server must not hold the process forever.
  const closeDatabase = async () => {
    await within(10_000, pool.end());
    await within(10_000, embedded?.stop());
  };
  const envFile = options.envFile ?? envFilePath;
  let app: AppMode | undefined;
  let handler: Handler = () => Promise.resolve(false);
  let localUrl = "";
  const runApp = async (opts: StartOptions, credentials: AppCredentials) => {
    const running = await createAppMode(opts, pool, credentials);
    app = running;
    handler = async (req, res) => (await running.handle(req, res)) || setupPagesMoved(req, res);
    await app.begin(localUrl);
  };

  let server: HttpServer;
  try {
    if (credentials) app = await createAppMode(options, pool, credentials);
    else {
      const setup = await setupUntilRegistered(options, envFile, runApp);
      const health = createRouter();
      registerSetupHealthRoutes(health, { pool, log, setupPath: SETUP_PATH });
      handler = async (req, res) => (await health.handler(req, res)) || setup.handle(req, res);
    }
    if (app) handler = app.handle;
    ({ server, url: localUrl } = await listen(config, log, () => handler));
  } catch (error) {
    await closeDatabase();
    throw error;
  }
  log.info(`pr-sync listening on ${localUrl}${app ? "" : ` (setup: open ${localUrl}/probot)`}`);
  await app?.begin(localUrl);

  return {
    url: localUrl,
    get mode() {
      return app ? "app" : "setup";
    },
    get runtime() {
      return app?.runtime;
    },
    stop: async ({ drainTimeoutMs = 25_000 } = {}) => {
      await app?.stop(drainTimeoutMs);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await closeDatabase();
    },
  };
}
