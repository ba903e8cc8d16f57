import { createSign, randomBytes } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { loadConfig } from "../src/config.js";
import { WEBHOOK_PATH } from "../src/start.js";
import { createPool } from "../src/db/pool.js";
import { IDS, startGitHubSimulator } from "../simulator/index.js";
import {
  isMeasured,
  measureBackfill,
  measureCatchUp,
  notMeasured,
  type NotMeasured,
  type SyncMeasure,
  type SyncTarget,
} from "./app-sync.js";
import { naiveBackfill, naiveCatchUp, type NaiveRun } from "./naive.js";
import { startPrSyncProcess } from "./pr-sync-handle.js";
import type { MemoryFigures } from "./pr-sync-messages.js";
import { measureStatusPage, type StatusPageResult } from "./status-page-load.js";
import { measureWebhookFlood, type WebhookFloodResult } from "./webhook-flood.js";
import { loadWebhooks, type WebhookLoadResult } from "./webhook-load.js";

export interface BenchOptions {
  quick: boolean;
  /** A migrated or empty PostgreSQL database pr-sync may fill. */
  databaseUrl: string;
  /** Progress lines (the CLI prints them). */
  progress?: (line: string) => void;
}

export interface BenchResults {
  quick: boolean;
  measuredAt: string;
  setup: {
    repositories: number;
    pullRequestsInWindow: number;
    latencyMs: number;
    webhookRate: number;
    webhookSeconds: number;
  };
  prSync: {
    backfill: SyncMeasure | NotMeasured;
    catchUpNoChanges: SyncMeasure | NotMeasured;
    catchUp50Changes: SyncMeasure | NotMeasured;
  };
  naive: { backfill: NaiveRun; catchUpNoChanges: NaiveRun; catchUp50Changes: NaiveRun };
  webhooks: WebhookLoadResult | NotMeasured;
  /** Unsigned chunked bodies sent to every webhook path variant, against a pr-sync process of its own. */
  webhookFlood: WebhookFloodResult | NotMeasured;
  statusPage: StatusPageResult | NotMeasured;
  /** The pr-sync process alone (the simulator and the naive client run in the bench's own process). */
  prSyncMemory: MemoryFigures;
  /** Peak resident memory of the bench's process: the simulator and the naive client, in MB. */
  benchProcessPeakRssMb: number;
  /** The machine's 1-minute load average and CPU count: latency figures mean little on a busy machine. */
  machine: { cpus: number; loadAtStart: number; loadAtEnd: number };
}

const DAY = 86_400_000;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** One measured run: pr-sync (in a child process) and the naive REST approach against the same simulator and data. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const progress = options.progress ?? (() => {});
  const loadAtStart = loadavg()[0]!;
  const size = options.quick
    ? {
        pullRequestsPerRepository: 200,
        latencyMs: 2,
        webhookRate: 50,
        webhookSeconds: 2,
        timeoutMs: 60_000,
        statusRepositories: 100,
        statusRequests: 10,
      }
    : {
        pullRequestsPerRepository: 5_000,
        latencyMs: 50,
        webhookRate: 200,
        webhookSeconds: 20,
        timeoutMs: 600_000,
        statusRepositories: 1_000,
        statusRequests: 50,
      };

  const sim = await startGitHubSimulator({
    seed: 2_024,
    repositoriesPerOrganization: 2,
    pullRequestsPerRepository: size.pullRequestsPerRepository,
    membersPerOrganization: 120,
    // Budgets large enough that neither approach is stopped; the table converts requests to hours at 5,000/h.
    rateLimit: { core: 1_000_000, graphql: 1_000_000 },
    faults: { latencyMs: size.latencyMs },
  });
  const installationId = IDS.installations[0];
  const adminToken = randomBytes(16).toString("hex");
  const env: Record<string, string> = {
    PORT: "0",
    HOST: "127.0.0.1",
    ...sim.appEnv(),
    ADMIN_TOKEN: adminToken,
    SESSION_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
  };
  // The quick run (inside npm test) keeps the same shape at a size that fits beside the other test files.
  const flood = options.quick ? { clients: 4, mbPerBody: 20 } : { clients: 20, mbPerBody: 200 };
  progress(`${flood.clients} clients sending ${flood.mbPerBody} MB chunked bodies to every webhook path variant…`);
  const webhookFlood = await measureWebhookFlood({
    env,
    databaseUrl: options.databaseUrl,
    ...flood,
    timeoutMs: 10_000,
  }).catch((error: unknown) => notMeasured(`webhook flood: ${(error as Error).message}`));
  const pool = createPool(options.databaseUrl, { max: 2 });
  const app = await startPrSyncProcess({ env, databaseUrl: options.databaseUrl }).catch(async (error: unknown) => {
    await Promise.all([pool.end(), sim.stop()]);
    throw error;
  });
  let prSyncMemory: MemoryFigures | undefined;
  sim.setWebhookUrl(`${app.url}${WEBHOOK_PATH}`);
  const target: SyncTarget = { app, sim, pool, installationId };
  const cutoff = new Date(Date.now() - loadConfig(env).BACKFILL_DAYS * DAY);
  const truth = () => sim.groundTruth({ installationId, since: cutoff });
  const inWindow = () => truth().repositories.reduce((sum, r) => sum + r.pullRequests.length, 0);
  const repositories = truth().repositories.map((r) => r.fullName);
  const pullRequestsInWindow = inWindow();

  try {
    progress(`pr-sync backfill of ${pullRequestsInWindow} pull requests in ${repositories.length} repositories…`);
    const backfill = await measureBackfill(target, { expected: pullRequestsInWindow, timeoutMs: size.timeoutMs });
    // The naive backfill runs on the same data, before any activity, while pr-sync sits idle.
    const tokenResponse = await fetch(`${sim.url}/api/v3/app/installations/${installationId}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${appJwt(sim.appId, sim.privateKey)}` },
    });
    const { token } = (await tokenResponse.json()) as { token: string };
    const client = { baseUrl: `${sim.url}/api/v3`, token, concurrency: 8 };
    progress("naive REST backfill…");
    const naiveBackfillRun = await naiveBackfill(client, repositories, cutoff);
    progress("pr-sync catch-up with no changes…");
    const catchUpNoChanges = isMeasured(backfill)
      ? await measureCatchUp(target, { expected: inWindow(), timeoutMs: size.timeoutMs, keepLog: true })
      : notMeasured("needs the backfill");
    for (const repository of repositories) await sim.simulateActivity({ repository, count: 25, deliver: false });
    progress("pr-sync catch-up with 50 changed pull requests…");
    const catchUp50Changes = isMeasured(backfill)
      ? await measureCatchUp(target, { expected: inWindow(), timeoutMs: size.timeoutMs })
      : notMeasured("needs the backfill");

    progress(`webhook ingest at ${size.webhookRate}/s for ${size.webhookSeconds} s…`);
    const repository = sim.data.repositories.get(truth().repositories[0]!.id)!;
    const payloads = repository.pullRequests.slice(-200).map((p) => sim.pullRequestPayload(repository.id, p.number));
    const webhooks = await loadWebhooks({
      url: `${app.url}${WEBHOOK_PATH}`,
      sim,
      payloads,
      rate: size.webhookRate,
      seconds: size.webhookSeconds,
    });

    progress(`status page of an installation with ${size.statusRepositories} repositories…`);
    const statusPage = await measureStatusPage({
      pool,
      baseUrl: app.url,
      adminToken,
      count: size.statusRepositories,
      requests: size.statusRequests,
    }).catch((error: unknown) => notMeasured(`status page: ${(error as Error).message}`));
    prSyncMemory = await app.stop();

    // The naive catch-ups come last, with pr-sync stopped: its catch-ups above already saw these changes.
    progress("naive REST catch-ups…");
    const naive = {
      backfill: naiveBackfillRun,
      catchUpNoChanges: await naiveCatchUp(client, repositories, new Date(Date.now() + 1_000)),
      catchUp50Changes: await (async () => {
        // Timestamps have whole seconds: start in a second after the earlier changes so only these 50 count.
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        const before = new Date(Math.floor(Date.now() / 1000) * 1000);
        for (const repository of repositories) await sim.simulateActivity({ repository, count: 25, deliver: false });
        return naiveCatchUp(client, repositories, before);
      })(),
    };

    return {
      quick: options.quick,
      measuredAt: new Date().toISOString(),
      setup: {
        repositories: repositories.length,
        pullRequestsInWindow,
        latencyMs: size.latencyMs,
        webhookRate: size.webhookRate,
        webhookSeconds: size.webhookSeconds,
      },
      prSync: { backfill, catchUpNoChanges, catchUp50Changes },
      naive,
      webhooks,
      webhookFlood,
      statusPage,
      prSyncMemory,
      benchProcessPeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      machine: { cpus: availableParallelism(), loadAtStart: round2(loadAtStart), loadAtEnd: round2(loadavg()[0]!) },
    };
  } finally {
    if (!prSyncMemory) await app.stop().catch(() => undefined);
    await pool.end();
    await sim.stop();
  }
}

/** An app JWT for the naive client, which authenticates the way a hand-written script would. */
function appJwt(appId: number, privateKey: string): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ iat: now - 30, exp: now + 540, iss: appId })}`;
  return `${unsigned}.${createSign("RSA-SHA256").update(unsigned).sign(privateKey, "base64url")}`;
}
