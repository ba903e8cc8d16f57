import { createSign, randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { startPrSync, WEBHOOK_PATH } from "../src/start.js";
import { IDS, startGitHubSimulator } from "../simulator/index.js";
import {
  isMeasured,
  measureBackfill,
  measureCatchUp,
  notMeasured,
  type NotMeasured,
  type SyncMeasure,
} from "./app-sync.js";
import { naiveBackfill, naiveCatchUp, type NaiveRun } from "./naive.js";
import { loadWebhooks, type WebhookLoadResult } from "./webhook-load.js";

export interface BenchOptions {
  quick: boolean;
  /** A PostgreSQL database pr-sync may fill. */
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
  statusPage: NotMeasured | { renderMs: number; repositories: number };
  /** Peak resident memory of this process (pr-sync, the simulator and the load generator together), in MB. */
  peakRssMb: number;
}

const DAY = 86_400_000;

/** One measured run: pr-sync and the naive REST approach against the same simulator and data. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const progress = options.progress ?? (() => {});
  const size = options.quick
    ? { pullRequestsPerRepository: 200, latencyMs: 2, webhookRate: 50, webhookSeconds: 2, timeoutMs: 60_000 }
    : { pullRequestsPerRepository: 5_000, latencyMs: 50, webhookRate: 200, webhookSeconds: 20, timeoutMs: 600_000 };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);

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
  const env: Record<string, string> = {
    PORT: "0",
    HOST: "127.0.0.1",
    GHE_HOST: sim.host,
    GHE_PROTOCOL: "http",
    APP_ID: String(sim.appId),
    PRIVATE_KEY: sim.privateKey,
    WEBHOOK_SECRET: sim.webhookSecret,
    GITHUB_CLIENT_ID: sim.clientId,
    GITHUB_CLIENT_SECRET: sim.clientSecret,
    ADMIN_TOKEN: randomBytes(16).toString("hex"),
    SESSION_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
  };
  const config = loadConfig(env);
  const quiet = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const app = await startPrSync({
    config,
    env,
    databaseUrl: options.databaseUrl,
    log: createLogger({ level: "warn", destination: quiet }),
  });
  sim.setWebhookUrl(`${app.url}${WEBHOOK_PATH}`);
  const cutoff = new Date(Date.now() - config.BACKFILL_DAYS * DAY);
  const truth = () => sim.groundTruth({ installationId, since: cutoff });
  const inWindow = () => truth().repositories.reduce((sum, r) => sum + r.pullRequests.length, 0);
  const repositories = truth().repositories.map((r) => r.fullName);
  const pullRequestsInWindow = inWindow();

  try {
    progress(`pr-sync backfill of ${pullRequestsInWindow} pull requests in ${repositories.length} repositories…`);
    const backfill = await measureBackfill({
      app,
      sim,
      installationId,
      expected: pullRequestsInWindow,
      timeoutMs: size.timeoutMs,
    });
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
      ? await measureCatchUp({ app, sim, installationId, expected: inWindow(), timeoutMs: size.timeoutMs })
      : notMeasured("needs the backfill");
    for (const repository of repositories) await sim.simulateActivity({ repository, count: 25, deliver: false });
    progress("pr-sync catch-up with 50 changed pull requests…");
    const catchUp50Changes = isMeasured(backfill)
      ? await measureCatchUp({ app, sim, installationId, expected: inWindow(), timeoutMs: size.timeoutMs })
      : notMeasured("needs the backfill");

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
      statusPage: notMeasured("no status page in this build yet"),
      peakRssMb: Math.round(peakRss / 1_048_576),
    };
  } finally {
    clearInterval(sampler);
    await app.stop({ drainTimeoutMs: 5_000 });
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
