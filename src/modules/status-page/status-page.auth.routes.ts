import type { IncomingMessage } from "node:http";
import { operatorTokenMac } from "../../http/operator-token.js";
import type { AppRouter } from "../../http/router.js";
import {
  beginSignIn,
  codeChallenge,
  endSession,
  finishSignIn,
  type NewSession,
  SESSION_TTL_MS,
  startSession,
} from "../sessions/sessions.usecases.js";
import { STATUS_PATH, type StatusPageContext } from "./status-page.context.js";
import { csrfRejected, rateLimited, signInFailed, signInUnavailable } from "./status-page.errors.js";
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
} from "./status-page.session.js";

/** Sign in with GitHub (the app's user authorization, with PKCE), with the operator token, and sign out. */
export function registerAuthRoutes(router: AppRouter, ctx: StatusPageContext): void {
  const kit = signInKit(ctx);
  registerOperatorSignIn(router, ctx, kit);
  registerGitHubSignIn(router, ctx, kit);
  router.on(
    "POST",
    `${STATUS_PATH}/sign-out`,
    ctx.guarded(
      "page",
      async ({ res, session }) => {
        if (session) await endSession({ db: ctx.runtime.db, id: session.id });
        redirect(res, `${STATUS_PATH}/sign-in`, { "set-cookie": ctx.sessionCookie("", 0) });
      },
      readBody,
    ),
  );
}

type SignInKit = ReturnType<typeof signInKit>;

/** The pre-session cookie that carries the CSRF nonce and OAuth state, and the session a sign-in ends with. */
function signInKit(ctx: StatusPageContext) {
  const { config, signer, runtime } = ctx;
  const preCookie = (value: string, maxAgeMs: number) =>
    cookieHeader(PRE_SESSION_COOKIE, value, { secure: ctx.secure, maxAgeMs, path: STATUS_PATH });
  return {
    callbackUrl: `${ctx.base}${STATUS_PATH}/auth/github/callback`,
    githubEnabled: Boolean(config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET),
    preCookie,
    readPre: (req: IncomingMessage): PreSession | null =>
      signer.verify<PreSession>("pre", parseCookies(req.headers.cookie)[PRE_SESSION_COOKIE], runtime.now()),
    signedIn: async (session: NewSession): Promise<string[]> => {
      const id = await startSession({ db: runtime.db, now: runtime.now(), session });
      const cookie = signer.sign("session", { id, expiresAt: runtime.now().getTime() + SESSION_TTL_MS });
      return [ctx.sessionCookie(cookie, SESSION_TTL_MS), preCookie("", 0)];
    },
  };
}

/** The sign-in page, and the operator token's form on it. */
function registerOperatorSignIn(router: AppRouter, ctx: StatusPageContext, kit: SignInKit): void {
  const { config, signer, render, runtime, security } = ctx;
  const { preCookie, readPre, signedIn, githubEnabled } = kit;
  router.on("GET", `${STATUS_PATH}/sign-in`, async ({ req, res }) => {
    if (await ctx.session(req)) return redirect(res, STATUS_PATH);
    const pre = readPre(req) ?? { nonce: randomToken(), expiresAt: runtime.now().getTime() + PRE_SESSION_TTL_MS };
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
      if (!config.ADMIN_TOKEN) throw signInUnavailable("Operator sign-in");
      const body = await readBody(req, res);
      const pre = readPre(req);
      if (!pre || !isValidCsrf(signer, pre.nonce, body._csrf)) throw csrfRejected();
      const check = await security.checkOperatorToken(req, body.token);
      if (check.kind === "limited") throw rateLimited(check.retryAfter);
      if (check.kind === "invalid") throw signInFailed("that is not the operator token");
      const session = { kind: "operator" as const, operatorTokenMac: operatorTokenMac(config.ADMIN_TOKEN) };
      redirect(res, STATUS_PATH, { "set-cookie": await signedIn(session) });
    } catch (error) {
      ctx.fail(res, error, false, false);
    }
  });
}

/** Sign in with GitHub: to GitHub's authorize page and back, with state and PKCE checked. */
function registerGitHubSignIn(router: AppRouter, ctx: StatusPageContext, kit: SignInKit): void {
  const { config, signer, runtime, security } = ctx;
  const { db } = runtime;
  const { preCookie, readPre, signedIn, githubEnabled, callbackUrl } = kit;
  router.on("GET", `${STATUS_PATH}/auth/github`, async ({ res }) => {
    try {
      if (!githubEnabled) throw signInUnavailable("Sign in with GitHub");
      const { state, codeVerifier } = await beginSignIn({ db, now: runtime.now() });
      const pre = { nonce: randomToken(), state, expiresAt: runtime.now().getTime() + PRE_SESSION_TTL_MS };
      redirect(res, authorizeUrl(config, callbackUrl, state, codeChallenge(codeVerifier)), {
        "set-cookie": preCookie(signer.sign("pre", pre), PRE_SESSION_TTL_MS),
      });
    } catch (error) {
      ctx.fail(res, error, false, false);
    }
  });

  // The callback checks a secret (the state) and calls GitHub, so it counts against the token limit.
  router.on("GET", `${STATUS_PATH}/auth/github/callback`, async ({ req, res, query }) => {
    try {
      await ctx.limit(security.tokenLimiter, req);
      if (!githubEnabled) throw signInUnavailable("Sign in with GitHub");
      const pre = readPre(req);
      const state = typeof query.state === "string" ? query.state : "";
      const expired = () => signInFailed("the sign-in link expired, was used already or was opened in another browser");
      if (!pre?.state || !safeEqual(pre.state, state)) throw expired();
      const codeVerifier = await finishSignIn({ db, state, now: runtime.now() });
      if (codeVerifier === undefined) throw expired();
      if (query.error) throw signInFailed(`GitHub said "${query.error}"`);
      if (!query.code) throw signInFailed("GitHub sent no authorization code");
      const user = await fetchGitHubUser(config, { code: query.code, redirectUri: callbackUrl, codeVerifier });
      const session = { kind: "user" as const, login: user.login, userId: user.id, access: user.access };
      redirect(res, STATUS_PATH, { "set-cookie": await signedIn(session) });
    } catch (error) {
      ctx.fail(res, error, false, false);
    }
  });
}
