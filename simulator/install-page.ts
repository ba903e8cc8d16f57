import { webPage, type WebAnswer } from "./app-registration.js";
import { nextId, type SimInstallation } from "./dataset.js";
import type { Urls } from "./rest-shapes.js";
import type { SimulatorState } from "./state.js";
import { installationPayload, postDelivery, signDelivery } from "./webhooks.js";

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Accounts the signed-in user may install on: their own, and organizations they administer. */
function installableAccounts(state: SimulatorState) {
  const { data, oauthUserId } = state;
  return [...data.accounts.values()].filter(
    (a) =>
      a.id === oauthUserId ||
      (a.type === "Organization" &&
        (data.memberships.get(a.id) ?? []).some((m) => m.userId === oauthUserId && m.role === "admin")),
  );
}

/**
 * GET and POST /apps/:slug/installations/new: GitHub's install page. Posting an account installs the app on all its
 * repositories, sends `installation.created` to the hook URL and takes the browser to the app's setup_url.
 */
export async function installPage(
  state: SimulatorState,
  method: string,
  slug: string,
  body: string,
  urls: Urls,
  now: number,
): Promise<WebAnswer> {
  if (slug !== state.appSlug) return webPage(404, "Not Found");
  if (method === "GET") {
    const forms = installableAccounts(state)
      .map(
        (a) =>
          `<form method="post"><input type="hidden" name="account_id" value="${a.id}"><button type="submit">Install on ${escape(a.login)}</button></form>`,
      )
      .join("");
    return {
      status: 200,
      body: `<!doctype html><title>Install ${escape(slug)}</title><main><h1>Install ${escape(slug)}</h1>${forms}</main>`,
      headers: { "content-type": "text/html; charset=utf-8" },
    };
  }
  const accountId = Number(new URLSearchParams(body).get("account_id"));
  const account = installableAccounts(state).find((a) => a.id === accountId);
  if (!account) return webPage(404, "Not Found");
  const existing = [...state.data.installations.values()].find((i) => i.accountId === account.id && !i.deleted);
  const installation: SimInstallation = existing ?? {
    id: nextId(state.data),
    accountId: account.id,
    repositorySelection: "all",
    repositoryIds: [],
    suspended: false,
    deleted: false,
    createdAt: new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
  state.data.installations.set(installation.id, installation);
  if (!existing && state.webhookUrl) {
    const payload = installationPayload(urls, state.data, installation, "created", {
      id: state.appId,
      slug: state.appSlug,
    });
    await postDelivery(state.webhookUrl, signDelivery(state.webhookSecret, "installation", payload));
  }
  const target = new URL(state.setupUrl ?? `${urls.web}/settings/installations/${installation.id}`);
  target.searchParams.set("installation_id", String(installation.id));
  target.searchParams.set("setup_action", "install");
  return { status: 302, body: "", headers: { location: target.toString() } };
}
