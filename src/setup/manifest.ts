import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { STATUS_PATH } from "../links.js";

export const WEBHOOK_PATH = "/api/github/webhooks";
export const SETUP_PATH = "/probot";
export const SETUP_CALLBACK_PATH = "/probot/setup";
export const SIGN_IN_CALLBACK_PATH = `${STATUS_PATH}/auth/github/callback`;

/** A GitHub App manifest (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest). */
export interface AppManifest {
  name: string;
  url: string;
  hook_attributes: { url: string; active?: boolean };
  redirect_url: string;
  callback_urls: string[];
  setup_url: string;
  public?: boolean;
  description?: string;
  default_permissions?: Record<string, string>;
  default_events?: string[];
  [key: string]: unknown;
}

export function readAppYml(path: string): Record<string, unknown> {
  return (parse(readFileSync(path, "utf8")) ?? {}) as Record<string, unknown>;
}

/**
 * The manifest pr-sync registers: app.yml's name, permissions and events, plus the addresses only the running
 * instance knows. `base` is PUBLIC_URL, or the address the admin's browser used. Webhooks go to the smee channel
 * when there is one (it forwards to WEBHOOK_PATH), otherwise straight to WEBHOOK_PATH.
 */
export function buildManifest(options: {
  appYml: Record<string, unknown>;
  base: string;
  webhookProxyUrl?: string;
}): AppManifest {
  const base = options.base.replace(/\/$/, "");
  return {
    name: "pr-sync",
    ...options.appYml,
    url: typeof options.appYml.url === "string" ? options.appYml.url : `${base}${STATUS_PATH}`,
    hook_attributes: { url: options.webhookProxyUrl ?? `${base}${WEBHOOK_PATH}`, active: true },
    redirect_url: `${base}${SETUP_CALLBACK_PATH}`,
    callback_urls: [`${base}${SIGN_IN_CALLBACK_PATH}`],
    setup_url: `${base}${STATUS_PATH}`,
  };
}
