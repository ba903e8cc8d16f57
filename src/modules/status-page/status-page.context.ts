import type { IncomingMessage, ServerResponse } from "node:http";
import { publicUrl } from "../../config.js";
import type { RouteHandler, RouteRequest } from "../../http/router.js";
import { sendJson } from "../../http/responses.js";
import { viewsDir } from "../../paths.js";
import type { Runtime } from "../../runtime.js";
import { csrfRejected, describeError, notSignedIn, rateLimited } from "./status-page.errors.js";
import { clientAddress, redirect, sendHtml } from "./status-page.http.js";
import { createRateLimiter, type RateLimiter } from "./status-page.rate-limit.js";
import {
  cookieHeader,
  createSigner,
  csrfToken,
  isValidCsrf,
  parseCookies,
  safeEqual,
  SESSION_COOKIE,
  type Session,
} from "./status-page.session.js";
import type { Viewer } from "./status-page.usecases.js";
import { createRenderer } from "./status-page.views.js";

export { STATUS_PATH } from "../../links.js";
import { STATUS_PATH } from "../../links.js";

export interface StatusPageOptions {
  signInLimit?: { limit: number; windowMs: number };
  apiLimit?: { limit: number; windowMs: number };
}

/** Everything the status page's routes share, built once per server: no module-level state. */
export function createStatusPageContext(runtime: Runtime, options: StatusPageOptions = {}) {
  const { config } = runtime;
  const signer = createSigner(config.SESSION_SECRET);
  const render = createRenderer(viewsDir);
  const base = publicUrl(config);
  const secure = base.startsWith("https://");
  const limiters: Record<"signIn" | "api", RateLimiter> = {
    signIn: createRateLimiter(options.signInLimit ?? { limit: 20, windowMs: 60_000 }),
    api: createRateLimiter(options.apiLimit ?? { limit: 120, windowMs: 60_000 }),
  };

  function session(req: IncomingMessage): Session | null {
    return signer.verify<Session>("session", parseCookies(req.headers.cookie)[SESSION_COOKIE], runtime.now());
  }

  function bearerOperator(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? "";
    if (!config.ADMIN_TOKEN || !header.toLowerCase().startsWith("bearer ")) return false;
    return safeEqual(header.slice(7).trim(), config.ADMIN_TOKEN);
  }

  const viewerOf = (s: Session): Viewer =>
    s.kind === "operator" ? { kind: "operator" } : { kind: "user", installationIds: s.installationIds };

  function limit(which: "signIn" | "api", req: IncomingMessage) {
    const wait = limiters[which].hit(clientAddress(req), runtime.now());
    if (wait !== null) throw rateLimited(wait);
  }

  function sessionCookie(value: string, maxAgeMs: number): string {
    return cookieHeader(SESSION_COOKIE, value, { secure, maxAgeMs });
  }

  function fail(res: ServerResponse, error: unknown, json: boolean, signedIn: boolean) {
    const answer = describeError(error);
    if (answer.status === 500) runtime.log.error({ err: error }, "status page request failed");
    const headers: Record<string, string> = answer.retryAfter ? { "retry-after": String(answer.retryAfter) } : {};
    if (json) return sendJson(res, answer.status, { error: answer.code, message: answer.message }, headers);
    if (answer.code === "NOT_SIGNED_IN") return redirect(res, `${STATUS_PATH}/sign-in`);
    sendHtml(
      res,
      answer.status,
      render("error", { title: "Something is wrong", error: answer, signedIn, statusPath: STATUS_PATH }),
      headers,
    );
  }

  type Signed = RouteRequest & { viewer: Viewer; session: Session | null; csrf: string | null };

  /**
   * Wraps a route: resolves who is asking, rejects anonymous requests, checks CSRF on POSTs made with
   * the session cookie, and turns errors into answers. Bearer-token calls carry no cookie, so no CSRF.
   */
  function guarded(
    kind: "page" | "api",
    handler: (request: Signed, body: Record<string, unknown>) => Promise<void>,
    readBody?: (req: IncomingMessage) => Promise<Record<string, unknown>>,
  ): RouteHandler {
    return async (request) => {
      const { req, res } = request;
      const s = session(req);
      try {
        if (kind === "api") limit("api", req);
        const operator = kind === "api" && bearerOperator(req);
        if (!operator && !s) throw notSignedIn();
        const body = readBody ? await readBody(req) : {};
        if (!operator && req.method !== "GET" && !isValidCsrf(signer, s!.id, body._csrf ?? req.headers["x-csrf-token"]))
          throw csrfRejected();
        const viewer: Viewer = operator ? { kind: "operator" } : viewerOf(s!);
        await handler({ ...request, viewer, session: s, csrf: s ? csrfToken(signer, s.id) : null }, body);
      } catch (error) {
        fail(res, error, kind === "api", s !== null);
      }
    };
  }

  return { runtime, config, signer, render, base, secure, session, limit, sessionCookie, fail, guarded };
}

export type StatusPageContext = ReturnType<typeof createStatusPageContext>;
