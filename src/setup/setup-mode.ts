import type { Logger } from "pino";
import { githubApiUrl, githubWebUrl, type Config } from "../config.js";
import { createSmeeChannel } from "../github/webhook-proxy.js";
import {
  convertManifestCode,
  installUrl,
  RegistrationError,
  registrationEnv,
  type RegisteredApp,
} from "./app-registration.js";
import { updateEnvFile } from "./env-file.js";
import { readAppYml } from "./manifest.js";
import { createSetupRoutes } from "./setup.routes.js";

export interface SetupModeOptions {
  config: Config;
  log: Logger;
  envFile: string;
  appYmlPath: string;
  /** Where to ask for a new smee channel (smee.io's by default; tests give a local one). */
  smeeNewChannelUrl?: string;
  /** Runs pr-sync as the new app with the environment `.env` now holds. */
  switchToApp: (app: RegisteredApp, written: Record<string, string>) => Promise<void>;
}

/**
 * Setup mode: no app yet. Like Probot's setup, it makes a smee channel for a machine GitHub cannot reach (unless
 * PUBLIC_URL or WEBHOOK_PROXY_URL says where webhooks go), serves the page that registers the app from a manifest,
 * saves the credentials into `.env`, and then continues as the app in the same process.
 */
export async function createSetupMode(options: SetupModeOptions) {
  const { config, log } = options;
  const notes: string[] = [];
  let webhookProxyUrl = config.WEBHOOK_PROXY_URL;
  if (!webhookProxyUrl && !config.PUBLIC_URL) {
    webhookProxyUrl = await createSmeeChannel(
      options.smeeNewChannelUrl ? { newChannelUrl: options.smeeNewChannelUrl } : {},
    );
    if (webhookProxyUrl) {
      updateEnvFile(options.envFile, { WEBHOOK_PROXY_URL: webhookProxyUrl });
      log.info(`created the webhook channel ${webhookProxyUrl} (WEBHOOK_PROXY_URL, saved in ${options.envFile})`);
    } else {
      const note =
        "smee.io could not be reached to create a webhook channel, so GitHub will send webhooks straight to this address.";
      notes.push(note);
      log.warn(note);
    }
  }
  const register = async (code: string, base: string) => {
    const app = await convertManifestCode({ apiUrl: githubApiUrl(config), code });
    const written = registrationEnv(app, {
      PUBLIC_URL: config.PUBLIC_URL ? undefined : base,
      WEBHOOK_PROXY_URL: config.WEBHOOK_PROXY_URL ? undefined : webhookProxyUrl,
    });
    updateEnvFile(options.envFile, written);
    log.info(`registered the GitHub App ${app.name} (id ${app.id}); its credentials are in ${options.envFile}`);
    try {
      await options.switchToApp(app, written);
    } catch (error) {
      throw new RegistrationError(
        `GitHub created the app ${app.name} and its credentials are saved in ${options.envFile}, but pr-sync could not start as it (${(error as Error).message}). Fix that and restart pr-sync: it starts as the app from .env.`,
        { cause: error },
      );
    }
    return { name: app.name, installUrl: installUrl(githubWebUrl(config), app.slug) };
  };
  const routes = createSetupRoutes({
    appYml: readAppYml(options.appYmlPath),
    githubWeb: githubWebUrl(config),
    publicUrl: config.PUBLIC_URL,
    webhookProxyUrl,
    notes,
    envFile: options.envFile,
    log,
    register,
  });
  return { handle: routes };
}
