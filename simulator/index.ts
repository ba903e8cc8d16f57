import { createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { applyActivity, resolveRepository, type ActivityChange, type ActivityOptions } from "./activity.js";
import { findAccountByLogin, installationForAccount, type Dataset } from "./dataset.js";
import { NO_FAULTS, type Faults } from "./faults.js";
import { generateDataset, IDS, type DatasetOptions } from "./generate.js";
import { computeGroundTruth, type GroundTruth } from "./ground-truth.js";
import { RateLimits, type RateLimitSettings } from "./rate-limits.js";
import type { Urls } from "./rest-shapes.js";
import { createRequestHandler } from "./server.js";
import type { RequestLogEntry, SimulatorState } from "./state.js";
import {
  installationPayload,
  installationRepositoriesPayload,
  postDelivery,
  pullRequestPayload,
  signDelivery,
  type DeliveryResult,
  type SignedDelivery,
} from "./webhooks.js";

export { FLEET_IDS, IDS, ORGANIZATION_LOGINS, HOSTILE_TITLES } from "./generate.js";
export type { DatasetOptions } from "./generate.js";
export type { Faults } from "./faults.js";
export type { GroundTruth } from "./ground-truth.js";
export type { RequestLogEntry } from "./state.js";
export type { SignedDelivery, DeliveryResult } from "./webhooks.js";

export interface SimulatorOptions extends DatasetOptions {
  /** Default 0: a free port on 127.0.0.1. */
  port?: number;
  appId?: number;
  webhookSecret?: string;
  /** Where signed webhooks go (pr-sync's /api/github/webhooks); can be set later with setWebhookUrl. */
  webhookUrl?: string;
  /** Installation token lifetime (default 1 hour). */
  tokenTtlMs?: number;
  /** User token lifetime (default 8 hours). */
  userTokenTtlMs?: number;
  /** Budgets per installation (defaults 5,000 requests and 5,000 points) and their window (default 1 hour). */
  rateLimit?: { core?: number; graphql?: number; windowMs?: number };
  /** The app's callback URLs: sign-in refuses any other redirect_uri (default: none registered, any accepted). */
  callbackUrls?: string[];
  /** Login the OAuth page signs in (default: the first admin of the first organization). */
  oauthUser?: string;
  faults?: Partial<Faults>;
}

export interface GitHubSimulator {
  url: string;
  /** "127.0.0.1:PORT", for GHE_HOST (with GHE_PROTOCOL=http). */
  host: string;
  appId: number;
  /** PEM (PKCS#1) private key of the simulated app. */
  privateKey: string;
  webhookSecret: string;
  clientId: string;
  clientSecret: string;
  data: Dataset;
  requestLog: RequestLogEntry[];
  setFaults: (faults: Partial<Faults>) => void;
  clearFaults: () => void;
  setRateLimit: (settings: RateLimitSettings) => void;
  setWebhookUrl: (url: string) => void;
  setOAuthUser: (login: string) => void;
  /** Changes pull requests now and delivers the matching signed webhooks (when a webhook URL is set and `deliver` is not false). */
  simulateActivity: (
    options: ActivityOptions & { deliver?: boolean },
  ) => Promise<{ changes: ActivityChange[]; deliveries: DeliveryResult[] }>;
  /** Sends `installation.created` for an installation (with its repositories). */
  sendInstallationCreated: (installationId: number) => Promise<DeliveryResult>;
  /** Sends `installation_repositories` (added or removed) after changing the installation's selection. */
  sendInstallationRepositories: (
    installationId: number,
    change: { added?: (string | number)[]; removed?: (string | number)[] },
  ) => Promise<DeliveryResult>;
  /** The `pull_request` payload GitHub would send now for one pull request (not delivered). */
  pullRequestPayload: (repository: string | number, number: number, action?: string) => unknown;
  /** Signs any payload with the webhook secret, for tests and load generators that post it themselves. */
  signWebhook: (event: string, payload: unknown) => SignedDelivery;
  groundTruth: (options: { installationId: number; since: Date }) => GroundTruth;
  /** The environment that points pr-sync at this simulator as its GitHub (Enterprise Server) and app. */
  appEnv: () => Record<string, string>;
  stop: () => Promise<void>;
}

/** Starts a local GitHub Enterprise Server stand-in on 127.0.0.1 for the endpoints pr-sync uses. */
export async function startGitHubSimulator(options: SimulatorOptions = {}): Promise<GitHubSimulator> {
  const data = generateDataset(options);
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }) as string;
  const appId = options.appId ?? 1_001;
  const defaultUser = data.memberships.get(IDS.organizations[0])?.find((m) => m.role === "admin")?.userId ?? IDS.user;
  const oauthUser = options.oauthUser ? findAccountByLogin(data, options.oauthUser)?.id : defaultUser;
  if (oauthUser === undefined) throw new Error(`the simulator has no user ${options.oauthUser}`);
  let seed = (options.seed ?? 1) * 7919;
  const state: SimulatorState = {
    data,
    appId,
    appSlug: "pr-sync-simulated",
    clientId: `Iv1.${randomBytes(8).toString("hex")}`,
    clientSecret: randomBytes(20).toString("hex"),
    webhookSecret: options.webhookSecret ?? randomBytes(16).toString("hex"),
    publicKey: createPublicKey(publicKey.export({ type: "spki", format: "pem" })),
    tokens: new Map(),
    oauthCodes: new Map(),
    refreshTokens: new Map(),
    tokenTtlMs: options.tokenTtlMs ?? 3_600_000,
    userTokenTtlMs: options.userTokenTtlMs ?? 8 * 3_600_000,
    oauthUserId: oauthUser,
    rateLimits: new RateLimits(options.rateLimit?.windowMs ?? 3_600_000, {
      core: options.rateLimit?.core ?? 5_000,
      graphql: options.rateLimit?.graphql ?? 5_000,
    }),
    faults: { ...NO_FAULTS, ...options.faults },
    random: () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    },
    requestLog: [],
    callbackUrls: options.callbackUrls ?? [],
    webhookUrl: options.webhookUrl,
    manifestCodes: new Map(),
  };

  let origin = "";
  const handle = createRequestHandler(state, () => origin);
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  const urls: Urls = { api: `${origin}/api/v3`, web: origin };
  const app = () => ({ id: state.appId, slug: state.appSlug });

  const deliver = async (signed: SignedDelivery, action: string): Promise<DeliveryResult> => {
    if (!state.webhookUrl) throw new Error("no webhook URL: pass webhookUrl or call setWebhookUrl first");
    return {
      event: signed.event,
      action,
      delivery: signed.delivery,
      status: await postDelivery(state.webhookUrl, signed),
    };
  };
  const installationOrThrow = (id: number) => {
    const installation = data.installations.get(id);
    if (!installation) throw new Error(`the simulator has no installation ${id}`);
    return installation;
  };

  return {
    appEnv: () => ({
      GHE_HOST: `127.0.0.1:${port}`,
      GHE_PROTOCOL: "http",
      APP_ID: String(appId),
      PRIVATE_KEY: privateKeyPem,
      WEBHOOK_SECRET: state.webhookSecret,
      GITHUB_CLIENT_ID: state.clientId,
      GITHUB_CLIENT_SECRET: state.clientSecret,
    }),
    url: origin,
    host: `127.0.0.1:${port}`,
    appId,
    privateKey: privateKeyPem,
    webhookSecret: state.webhookSecret,
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    data,
    requestLog: state.requestLog,
    setFaults: (faults) => Object.assign(state.faults, faults),
    clearFaults: () => Object.assign(state.faults, NO_FAULTS),
    setRateLimit: (settings) => state.rateLimits.set(settings),
    setWebhookUrl: (url) => {
      state.webhookUrl = url;
    },
    setOAuthUser: (login) => {
      const account = findAccountByLogin(data, login);
      if (!account) throw new Error(`the simulator has no user ${login}`);
      state.oauthUserId = account.id;
    },
    async simulateActivity(activity) {
      const { changes, deliveries } = applyActivity(data, urls, state.webhookSecret, state.random, activity);
      const results: DeliveryResult[] = [];
      if (activity.deliver !== false && state.webhookUrl)
        for (const signed of deliveries)
          results.push(await deliver(signed, (JSON.parse(signed.body) as { action: string }).action));
      return { changes, deliveries: results };
    },
    sendInstallationCreated: (installationId) =>
      deliver(
        signDelivery(
          state.webhookSecret,
          "installation",
          installationPayload(urls, data, installationOrThrow(installationId), "created", app()),
        ),
        "created",
      ),
    sendInstallationRepositories: (installationId, change) => {
      const installation = installationOrThrow(installationId);
      const added = (change.added ?? []).map((r) => resolveRepository(data, r));
      const removed = (change.removed ?? []).map((r) => resolveRepository(data, r));
      if (installation.repositorySelection === "selected") {
        const ids = new Set(installation.repositoryIds);
        for (const r of added) ids.add(r.id);
        for (const r of removed) ids.delete(r.id);
        installation.repositoryIds = [...ids];
      }
      const payload = installationRepositoriesPayload(urls, data, installation, added, removed, app());
      return deliver(signDelivery(state.webhookSecret, "installation_repositories", payload), payload.action);
    },
    pullRequestPayload: (reference, number, action = "edited") => {
      const repository = resolveRepository(data, reference);
      const pullRequest = repository.pullRequests.find((p) => p.number === number);
      const installation = installationForAccount(data, repository.ownerId);
      if (!pullRequest || !installation)
        throw new Error(`the simulator has no pull request ${String(reference)}#${number}`);
      return pullRequestPayload(urls, data, installation, repository, pullRequest, action);
    },
    signWebhook: (event, payload) => signDelivery(state.webhookSecret, event, payload),
    groundTruth: ({ installationId, since }) => computeGroundTruth(data, origin, installationId, since),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
