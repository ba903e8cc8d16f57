import type { IncomingMessage } from "node:http";
import type { AppRouter } from "../../http/router.js";
import { STATUS_PATH, type StatusPageContext } from "./status-page.context.js";
import { csrfRejected, signInFailed, signInUnavailable } from "./status-page.errors.js";
import { authorizeUrl, fetchGitHubUser } from "./status-page.github.js";
import { readBody, redirect, sendHtml } from "./status-page.http.js";
import {
  cookieHeader,
  csrfToken,
  isValidCsrf,
  parseCookies,
  PRE_SESSION_COOKIE,
  PRE_SESSION_TTL_MS,
  type PreSession,
  randomToken,
  safeEqual,
  SESSION_TTL_MS,
  type NewSession,
} from "./status-page.session.js";

/** Sign in with GitHub (the app's user authorization), with the operator token, and sign out. */
export function registerAuthRoutes(router: AppRouter, ctx: StatusPageContext): void {
  const { config, signer, render } = ctx;
  const callbackUrl = `${ctx.base}${STATUS_PATH}/auth/github/callback`;
  const githubEnabled = Boolean(config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET);
  const preCookie = (value: string, maxAgeMs: number) =>
    cookieHeader(PRE_SESSION_COOKIE, value, { secure: ctx.secure, maxAgeMs, path: STATUS_PATH });

  function readPre(req: IncomingMessage): PreSession | null {
    return signer.verify<PreSession>("pre", parseCookies(req.headers.cookie)[PRE_SESSION_COOKIE], ctx.runtime.now());
  }

  function startSession(session: NewSession): string[] {
    const full = { ...session, id: randomToken(), expiresAt: ctx.runtime.now().getTime() + SESSION_TTL_MS };
    return [ctx.sessionCookie(signer.sign("session", full), SESSION_TTL_MS), preCookie("", 0)];
  }

  router.on("GET", `${STATUS_PATH}/sign-in`, ({ req, res }) => {
    if (ctx.session(req)) return redirect(res, STATUS_PATH);
    const pre = readPre(req) ?? { nonce: randomToken(), expiresAt: ctx.runtime.now().getTime() + PRE_SESSION_TTL_MS };
    sendHtml(
      res,
      200,
      render("sign-in", {
        title: "Sign in",
        statusPath: STATUS_PATH,
        githubEnabled,
        operatorEnabled: Boolean(config.ADMIN_TOKEN),
        csrf: csrfToken(signer, pre.nonce),
      }),
      { "set-cookie": preCookie(signer.sign("pre", pre), PRE_SESSION_TTL_MS) },
    );
  });

  router.on("POST", `${STATUS_PATH}/sign-in`, async ({ req, res }) => {
    try {
      ctx.limit("signIn", req);
      if (!config.ADMIN_TOKEN) throw signInUnavailable("Operator sign-in");
      const body = await readBody(req);
      const pre = readPre(req);
      if (!pre || !isValidCsrf(signer, pre.nonce, body._csrf)) throw csrfRejected();
      if (typeof body.token !== "string" || !safeEqual(body.token, config.ADMIN_TOKEN)) {
        throw signInFailed("that is not the operator token");
      }
      redirect(res, STATUS_PATH, { "set-cookie": startSession({ kind: "operator" }) });
    } catch (error) {
      ctx.fail(res, error, false, false);
    }
  });

  // Only the steps that check a secret or call GitHub count against the sign-in limit.
  router.on("GET", `${STATUS_PATH}/auth/github`, ({ res }) => {
    try {
      if (!githubEnabled) throw signInUnavailable("Sign in with GitHub");
      const pre = { nonce: randomToken(), expiresAt: ctx.runtime.now().getTime() + PRE_SESSION_TTL_MS };
      redirect(res, authorizeUrl(config, callbackUrl, csrfToken(signer, `state:${pre.nonce}`)), {
        "set-cookie": preCookie(signer.sign("pre", pre), PRE_SESSION_TTL_MS),
      });
    } catch (error) {
      ctx.fail(res, error, false, false);
    }
  });

  router.on("GET", `${STATUS_PATH}/auth/github/callback`, async ({ req, res, query }) => {
    try {
      ctx.limit("signIn", req);
      if (!githubEnabled) throw signInUnavailable("Sign in with GitHub");
      const pre = readPre(req);
      if (!pre || !isValidCsrf(signer, `state:${pre.nonce}`, query.state)) {
        throw signInFailed("the sign-in link expired or was opened in another browser");
      }
      if (query.error) throw signInFailed(`GitHub said "${query.error}"`);
      if (!query.code) throw signInFailed("GitHub sent no authorization code");
      const user = await fetchGitHubUser(config, query.code, callbackUrl);
      redirect(res, STATUS_PATH, {
        "set-cookie": startSession({ kind: "user", login: user.login, installationIds: user.installationIds }),
      });
    } catch (error) {
      ctx.fail(res, error, false, false);
    }
  });

  router.on(
    "POST",
    `${STATUS_PATH}/sign-out`,
    ctx.guarded(
      "page",
      ({ res }) => {
        redirect(res, `${STATUS_PATH}/sign-in`, { "set-cookie": ctx.sessionCookie("", 0) });
        return Promise.resolve();
      },
      readBody,
    ),
  );
}
