import type { KeyObject } from "node:crypto";
import type { Dataset } from "./dataset.js";
import type { Faults } from "./faults.js";
import type { RateLimits } from "./rate-limits.js";

export interface IssuedToken {
  kind: "installation" | "user";
  /** Installation id or user id. */
  ownerId: number;
  expiresAt: number;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  status: number;
  kind: "rest" | "graphql" | "oauth" | "app";
  installationId?: number;
  /** The GraphQL operation's name (`query PullRequestsPage(…)`), when it has one. */
  operation?: string;
  /** GraphQL points charged (0 when the query was rejected before running). */
  cost?: number;
  /** Whether the request counted against a primary budget. */
  charged: boolean;
}

/** Everything one simulator instance holds; handlers receive it rather than sharing module state. */
export interface SimulatorState {
  data: Dataset;
  appId: number;
  appSlug: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  publicKey: KeyObject;
  /** The registered app's addresses; callbackUrls empty means any redirect_uri is accepted (an app set up by hand). */
  callbackUrls: string[];
  setupUrl?: string;
  /** Where signed webhooks go: the app's hook URL. */
  webhookUrl?: string;
  /** Codes from the manifest flow, each good for one conversion within an hour. */
  manifestCodes: Map<string, { manifest: Record<string, unknown>; ownerId: number; expiresAt: number }>;
  tokens: Map<string, IssuedToken>;
  oauthCodes: Map<string, { userId: number; expiresAt: number; codeChallenge?: string }>;
  refreshTokens: Map<string, number>;
  tokenTtlMs: number;
  userTokenTtlMs: number;
  /** The user the OAuth authorize page signs in without asking. */
  oauthUserId: number;
  rateLimits: RateLimits;
  faults: Faults;
  random: () => number;
  requestLog: RequestLogEntry[];
}

export const DOCS = "https://docs.github.com/rest";
