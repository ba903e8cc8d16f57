import { getPrivateKey } from "@probot/get-private-key";
import type { Config } from "../config.js";
import { StartupError } from "../startup-error.js";

/** What pr-sync needs to run as its GitHub App. */
export interface AppCredentials {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** Known right after registration; otherwise looked up with GET /app. */
  slug?: string;
}

/**
 * The app's credentials, or undefined when none are configured (then setup registers an app). An app without
 * a webhook secret is refused: accepting deliveries signed with a guessable secret would let anyone forge them.
 */
export function readAppCredentials(
  config: Config,
  env: Record<string, string | undefined>,
): AppCredentials | undefined {
  const privateKey = env.PRIVATE_KEY || env.PRIVATE_KEY_PATH ? (getPrivateKey({ env }) ?? undefined) : undefined;
  if (!config.APP_ID || !privateKey) return undefined;
  if (!config.WEBHOOK_SECRET)
    throw new StartupError(
      "APP_ID is set but WEBHOOK_SECRET is not. pr-sync checks every webhook's signature with that secret and will not run without it. Copy the secret from the app's settings on GitHub (General, Webhook secret; set a new one there if you do not have it) into WEBHOOK_SECRET, in the environment or in .env.",
    );
  return { appId: config.APP_ID, privateKey, webhookSecret: config.WEBHOOK_SECRET };
}
