import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import { createNodeMiddleware, Probot } from "probot";
import { createApp } from "./app.js";
import { githubApiUrl, githubWebUrl, publicUrl } from "./config.js";
import { createDatabase } from "./db/client.js";
import { lookUpAppSlug } from "./github/app-identity.js";
import { createOctokitClass, defaultOctokitOptions } from "./github/octokit.js";
import { startWebhookProxy } from "./github/webhook-proxy.js";
import { sendJson } from "./http/responses.js";
import { servedByRole, WORKER_PATHS } from "./http/roles.js";
import { createRouter } from "./http/router.js";
import { createWebhookGuard } from "./http/webhook-guard.js";
import { jobDefinitions, scheduleRecurringJobs } from "./jobs/job-list.js";
import { createJobQueue, type JobQueue } from "./jobs/job-queue.js";
import { lowerWorkerPriority } from "./jobs/worker-priority.js";
import { registerWorker, type WorkerRegistration } from "./jobs/workers.js";
import { STATUS_PATH } from "./links.js";
import { createMetrics } from "./metrics/metrics.js";
import type { Runtime } from "./runtime.js";
import { installUrl } from "./setup/app-registration.js";
import type { AppCredentials } from "./setup/app-credentials.js";
import { WEBHOOK_PATH } from "./setup/manifest.js";
import type { StartOptions } from "./start.js";

export interface AppMode {
  runtime: Runtime;
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Starts jobs, the webhook proxy and the start-up log, once the server listens on `localUrl`. */
  begin: (localUrl: string) => Promise<void>;
  stop: (drainTimeoutMs: number) => Promise<void>;
}

/** Job timings: the defaults, with whatever a test shortens. */
function jobTuning(options: StartOptions): Runtime["tuning"] {
  // A sync touches its lock after every page; five minutes covers a slow page plus secondary-limit waits.
  return {
    lockLifetimeMs: 5 * 60_000,
    busyRetryMs: 1_000,
    pauseJitterMs: 30_000,
    sweepMs: 5_000,
    deadWorkerGraceMs: 5_000,
    ...options.tuning,
  };
}

/** The job queue, and this process's worker registration when it runs jobs (released again if the queue fails). */
async function openQueue(
  options: StartOptions,
  pool: pg.Pool,
  tuning: Runtime["tuning"],
  runJobs: boolean,
): Promise<{ queue: JobQueue; worker: WorkerRegistration | undefined }> {
  const { log } = options;
  const worker = runJobs ? await registerWorker({ pool, log }) : undefined;
  try {
    const queue = await createJobQueue({
      pool,
      log,
      ...(worker ? { name: worker.id } : {}),
      sweepMs: tuning.sweepMs,
      deadWorkerGraceMs: tuning.deadWorkerGraceMs,
      ...(options.processEveryMs !== undefined ? { processEveryMs: options.processEveryMs } : {}),
      ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    });
    return { queue, worker };
  } catch (error) {
    await worker?.stop();
    throw error;
  }
}

/** Probot, the job queue and the runtime every module reads, with the jobs registered on the queue. */
async function buildRuntime(options: StartOptions, pool: pg.Pool, credentials: AppCredentials, runJobs: boolean) {
  const { config, log } = options;
  const tuning = jobTuning(options);
  const probot = new Probot({
    appId: credentials.appId,
    privateKey: credentials.privateKey,
    secret: credentials.webhookSecret,
    baseUrl: githubApiUrl(config),
    log,
    Octokit: createOctokitClass({ ...defaultOctokitOptions, ...options.octokit }),
  });
  const { queue, worker } = await openQueue(options, pool, tuning, runJobs);
  const runtime: Runtime = {
    config,
    pool,
    db: createDatabase(pool),
    log,
    probot,
    queue,
    now: options.now ?? (() => new Date()),
    metrics: createMetrics(pool),
    tuning,
    ...(credentials.slug ? { installUrl: installUrl(githubWebUrl(config), credentials.slug) } : {}),
  };
  // The jobs' handlers read the runtime, which holds the queue: the queue learns its jobs once both exist.
  await queue.register(jobDefinitions(runtime));
  return { runtime, worker };
}

/** The three addresses a person needs at start: where webhooks must arrive, the status page, the install link. */
function logAddresses(runtime: Runtime): void {
  const { config, log } = runtime;
  const base = publicUrl(config);
  if (config.PR_SYNC_ROLE === "worker") {
    const paths = [...WORKER_PATHS].join(" and ");
    log.info(`worker: runs jobs and answers only ${paths}; webhooks and pages are the web processes'`);
    return;
  }
  log.info(`webhooks: GitHub must reach ${config.WEBHOOK_PROXY_URL ?? `${base}${WEBHOOK_PATH}`}`);
  log.info(`status page: ${base}${STATUS_PATH}`);
  log.info(
    `install the app: ${runtime.installUrl ?? `${githubWebUrl(config)}/settings/apps (open the app, then Install App)`}`,
  );
}

/** Builds pr-sync proper (Probot, jobs, routes) on an open pool; nothing listens or runs until `begin`. */
export async function createAppMode(
  options: StartOptions,
  pool: pg.Pool,
  credentials: AppCredentials,
): Promise<AppMode> {
  const { config, log } = options;
  const runJobs = options.runJobs ?? config.PR_SYNC_ROLE !== "web";
  const { runtime, worker } = await buildRuntime(options, pool, credentials, runJobs);
  const { probot } = runtime;
  let accepting = true;
  const router = createRouter();
  const middleware = await createNodeMiddleware(createApp(runtime, router), { probot, webhooksPath: WEBHOOK_PATH });
  const guard = createWebhookGuard({
    webhookPath: WEBHOOK_PATH,
    secret: credentials.webhookSecret,
    log,
    isAccepting: () => accepting,
    onRejected: (event) => runtime.metrics.webhookDeliveries.inc({ event, outcome: "rejected" }),
  });
  let proxy: { stop: () => Promise<void> } | undefined;
  const contactGitHub = options.discoverInstallations !== false;

  return {
    runtime,
    handle: async (req, res) => {
      if (!servedByRole(config.PR_SYNC_ROLE, req)) {
        sendJson(res, 404, { error: "not_found" });
        return true;
      }
      return (await guard(req, res)) || Boolean(await middleware(req, res));
    },
    async begin(localUrl) {
      // First: looking up the app's slug below can take GitHub's time, and a worker must not run at a web
      // process's priority meanwhile.
      if (config.PR_SYNC_ROLE === "worker") lowerWorkerPriority(config.WORKER_NICENESS, log);
      // A worker answers no webhooks: forwarded to it, a delivery would only meet a 404.
      if (config.WEBHOOK_PROXY_URL && config.PR_SYNC_ROLE !== "worker")
        proxy = startWebhookProxy({ source: config.WEBHOOK_PROXY_URL, target: `${localUrl}${WEBHOOK_PATH}`, log });
      if (!runtime.installUrl && contactGitHub) {
        const slug = await lookUpAppSlug(probot);
        if (slug) runtime.installUrl = installUrl(githubWebUrl(config), slug);
      }
      logAddresses(runtime);
      if (runJobs) {
        await runtime.queue.start();
        await scheduleRecurringJobs(runtime, { discoverNow: contactGitHub });
      } else {
        await runtime.queue.connectNotices();
      }
    },
    async stop(drainTimeoutMs) {
      accepting = false;
      await proxy?.stop();
      await runtime.queue.drain(drainTimeoutMs);
      await worker?.stop();
    },
  };
}
