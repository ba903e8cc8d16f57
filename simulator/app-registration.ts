import { createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { findAccountByLogin } from "./dataset.js";
import { DOCS, type SimulatorState } from "./state.js";

export interface WebAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const CODE_TTL_MS = 60 * 60_000;

export const webPage = (status: number, text: string): WebAnswer => ({
  status,
  body: `<!doctype html><title>GitHub</title><main><p>${text}</p></main>`,
  headers: { "content-type": "text/html; charset=utf-8" },
});

/**
 * POST /settings/apps/new (or /organizations/:org/settings/apps/new) with the form field `manifest`: GitHub's
 * "Create GitHub App" page, taken as confirmed at once; back to the manifest's redirect_url with a one-time code.
 */
export function createAppFromManifest(state: SimulatorState, url: URL, body: string, now: number): WebAnswer {
  const org = /^\/organizations\/([^/]+)\/settings\/apps\/new$/.exec(url.pathname)?.[1];
  const owner = org
    ? findAccountByLogin(state.data, decodeURIComponent(org))
    : state.data.accounts.get(state.oauthUserId);
  if (!owner) return webPage(404, "Not Found");
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(new URLSearchParams(body).get("manifest") ?? "") as Record<string, unknown>;
  } catch {
    return webPage(422, "Invalid GitHub App configuration: the manifest is not JSON.");
  }
  const hook = manifest.hook_attributes as { url?: unknown } | undefined;
  if (typeof manifest.url !== "string" || (hook && typeof hook.url !== "string"))
    return webPage(422, "Invalid GitHub App configuration: url and hook_attributes.url are required.");
  if (typeof manifest.redirect_url !== "string") return webPage(422, "Invalid GitHub App configuration: redirect_url.");
  const code = randomBytes(10).toString("hex");
  state.manifestCodes.set(code, { manifest, ownerId: owner.id, expiresAt: now + CODE_TTL_MS });
  const target = new URL(manifest.redirect_url);
  target.searchParams.set("code", code);
  const oauthState = url.searchParams.get("state");
  if (oauthState !== null) target.searchParams.set("state", oauthState);
  return { status: 302, body: "", headers: { location: target.toString() } };
}

const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/**
 * POST /app-manifests/{code}/conversions (no authentication): the app is created from the manifest and becomes
 * the simulator's app; its credentials are answered once. A new app has no installations yet.
 */
export function convertManifest(state: SimulatorState, code: string, origin: string, now: number) {
  const pending = state.manifestCodes.get(code);
  state.manifestCodes.delete(code);
  if (!pending || pending.expiresAt <= now)
    return { status: 404, body: { message: "Not Found", documentation_url: DOCS } };
  const { manifest } = pending;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  state.appId += 1;
  const name = typeof manifest.name === "string" ? manifest.name : undefined;
  state.appSlug = slugOf(name ?? "app");
  state.publicKey = createPublicKey(publicKey.export({ type: "spki", format: "pem" }));
  state.clientId = `Iv23${randomBytes(8).toString("hex")}`;
  state.clientSecret = randomBytes(20).toString("hex");
  state.webhookSecret = randomBytes(20).toString("hex");
  state.webhookUrl = (manifest.hook_attributes as { url?: string } | undefined)?.url;
  state.callbackUrls = Array.isArray(manifest.callback_urls) ? manifest.callback_urls.map(String) : [];
  state.setupUrl = typeof manifest.setup_url === "string" ? manifest.setup_url : undefined;
  state.data.installations.clear();
  state.tokens.clear();
  const owner = state.data.accounts.get(pending.ownerId);
  return {
    status: 201,
    body: {
      id: state.appId,
      slug: state.appSlug,
      node_id: Buffer.from(`App${state.appId}`).toString("base64"),
      owner: owner ? { login: owner.login, id: owner.id, type: owner.type } : null,
      name: name ?? state.appSlug,
      description: manifest.description ?? null,
      external_url: manifest.url,
      html_url: `${origin}/apps/${state.appSlug}`,
      created_at: new Date(now).toISOString(),
      updated_at: new Date(now).toISOString(),
      permissions: manifest.default_permissions ?? {},
      events: manifest.default_events ?? [],
      client_id: state.clientId,
      client_secret: state.clientSecret,
      webhook_secret: state.webhookSecret,
      pem: privateKey.export({ type: "pkcs1", format: "pem" }),
    },
  };
}
