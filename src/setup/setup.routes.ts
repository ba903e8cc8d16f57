import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { STATUS_PATH } from "../links.js";
import { RegistrationError } from "./app-registration.js";
import { buildManifest, SETUP_CALLBACK_PATH, SETUP_PATH, WEBHOOK_PATH } from "./manifest.js";
import { registeredPage, registrationFailedPage, setupPage } from "./setup.views.js";

export interface SetupRoutesOptions {
  appYml: Record<string, unknown>;
  githubWeb: string;
  publicUrl?: string;
  webhookProxyUrl?: string;
  /** Why webhooks may not reach this machine, shown on the setup page. */
  notes: string[];
  envFile: string;
  log: Logger;
  /** Converts the code, saves the credentials and switches to app mode; answers where to install. */
  register: (code: string, base: string) => Promise<{ name: string; installUrl: string }>;
}

/** The address the admin's browser used, as Probot's setup reads it. */
function browserBase(req: IncomingMessage): string {
  const forwardedProto = String(req.headers["x-forwarded-proto"] ?? "").split(",")[0];
  const protocol = forwardedProto || ("encrypted" in req.socket && req.socket.encrypted ? "https" : "http");
  return `${protocol}://${String(req.headers["x-forwarded-host"] ?? req.headers.host)}`;
}

function send(res: ServerResponse, status: number, html: string): true {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
  return true;
}

function sameState(given: string | null, expected: string): boolean {
  return (
    given !== null && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}

/** Setup mode's HTTP handler: the setup page, and the return from GitHub with the registration code. */
export function createSetupRoutes(options: SetupRoutesOptions) {
  // GitHub hands `state` back with the code: only a registration started from this page is accepted.
  const state = randomBytes(16).toString("hex");
  let registering: Promise<unknown> | undefined;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://setup.invalid");
    if (req.method !== "GET") return false;
    if (url.pathname === "/" || url.pathname === STATUS_PATH) {
      res.writeHead(302, { location: SETUP_PATH }).end();
      return true;
    }
    const base = (options.publicUrl ?? browserBase(req)).replace(/\/$/, "");
    if (url.pathname === SETUP_PATH) {
      const manifest = buildManifest({ appYml: options.appYml, base, webhookProxyUrl: options.webhookProxyUrl });
      const local = !options.webhookProxyUrl && /^https?:\/\/(localhost|127\.|\[::1\])/.test(base);
      const notes = [...options.notes];
      if (local)
        notes.push(
          `${base}${WEBHOOK_PATH} is this machine's own address: GitHub can deliver webhooks to it only if it runs on this machine. On a laptop, set WEBHOOK_PROXY_URL to a channel from https://smee.io/new; on a server, set PUBLIC_URL to the address GitHub can reach. Then restart pr-sync and come back here.`,
        );
      const view = {
        githubWeb: options.githubWeb,
        createAppUrl: `${options.githubWeb}/settings/apps/new?state=${state}`,
        manifest: JSON.stringify(manifest),
        hookUrl: manifest.hook_attributes.url,
        notes,
      };
      return send(res, 200, setupPage(view));
    }
    if (url.pathname === SETUP_CALLBACK_PATH) {
      const code = url.searchParams.get("code");
      const setupUrl = `${base}${SETUP_PATH}`;
      if (!code || !sameState(url.searchParams.get("state"), state))
        return send(
          res,
          400,
          registrationFailedPage({
            reason: "This link does not come from a registration started on this pr-sync.",
            setupUrl,
          }),
        );
      if (registering)
        return send(res, 409, registrationFailedPage({ reason: "A registration is already being saved.", setupUrl }));
      try {
        const work = options.register(code, base);
        registering = work;
        const app = await work;
        return send(res, 200, registeredPage({ ...app, statusUrl: `${base}${STATUS_PATH}`, envFile: options.envFile }));
      } catch (error) {
        registering = undefined;
        options.log.error({ err: error }, "registering the GitHub App failed");
        const reason =
          error instanceof RegistrationError ? error.message : "pr-sync could not start as the new app; see its log.";
        return send(res, 502, registrationFailedPage({ reason, setupUrl }));
      }
    }
    return false;
  };
}

/** Once the app runs, a reload of a setup page (the success page's address, say) goes to the status page. */
export function setupPagesMoved(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? "/").split("?")[0]!;
  if (req.method !== "GET" || (path !== SETUP_PATH && !path.startsWith(`${SETUP_PATH}/`))) return false;
  res.writeHead(302, { location: STATUS_PATH }).end();
  return true;
}
