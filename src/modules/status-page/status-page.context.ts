import type { IncomingMessage, ServerResponse } from "node:http";
import { publicUrl } from "../../config.js";
import { bearerToken, operatorTokenMac } from "../../http/operator-token.js";
import type { RouteHandler, RouteRequest } from "../../http/router.js";
import { sendJson } from "../../http/responses.js";
import type { HttpSecurity } from "../../http/security.js";
import { viewsDir } from "../../paths.js";
import type { Runtime } from "../../runtime.js";
import { createFiguresCache } from "../insights/figures-cache.js";
import type { RateLimiter } from "../rate-limits/rate-limits.usecases.js";
import type { SessionRow } from "../sessions/sessions.repository.js";
import { loadSession } from "../sessions/sessions.usecases.js";
import type { Viewer } from "./status-page.access.js";
import { ensureFreshAccess } from "./status-page.access-session.js";
import { csrfRejected, describeError, notSignedIn, rateLimited, signInFailed } from "./status-page.errors.js";
import { appMembershipLookup } from "./status-page.github.js";
import { redirect, sendHtml } from "./status-page.http.js";
import {
  cookieHeader,
  createSigner,
  csrfToken,
  isValidCsrf,
  parseCookies,
  SESSION_COOKIE,
  type Signer,
} from "./status-page.session.js";
import { createRenderer, type Render } from "./status-page.views.js";

export { STATUS_PATH } from "../../links.js";
import { STATUS_PATH } from "../../links.js";

/** A session as the routes see it: its row and the id its cookie holds. */
export type Session = SessionRow & { id: string };

/** Everything the status page's routes share, built once per server: no module-level state. */
export function createStatusPageContext(runtime: Runtime, security: HttpSecurity) {
  const { config } = runtime;
  const signer = createSigner(config.SESSION_SECRET);
  const render = createRenderer(viewsDir);
  const base = publicUrl(config);
  const secure = base.startsWith("https://");
  const figures = createFiguresCache();
  const session = sessionReader(runtime, signer);
  const fail = failureAnswer(runtime, render);

  async function limit(limiter: RateLimiter, req: IncomingMessage) {
    const wait = await limiter.hit(security.address(req));
    if (wait !== null) throw rateLimited(wait);
  }

  function sessionCookie(value: string, maxAgeMs: number): string {
    return cookieHeader(SESSION_COOKIE, value, { secure, maxAgeMs });
  }

  const guarded = routeGuard({ runtime, security, signer, session, limit, fail });
  return {
    runtime,
    config,
    signer,
    render,
    base,
    secure,
    security,
    figures,
    session,
    limit,
    sessionCookie,
    fail,
    guarded,
  };
}

export type StatusPageContext = ReturnType<typeof createStatusPageContext>;

/** Reads the session the cookie names, if it is still on the server (and, for an operator, the token unchanged). */
function sessionReader(runtime: Runtime, signer: Signer) {
  const currentOperatorMac = runtime.config.ADMIN_TOKEN ? operatorTokenMac(runtime.config.ADMIN_TOKEN) : null;
  return async (req: IncomingMessage): Promise<Session | null> => {
    const cookie = signer.verify<{ id: string; expiresAt: number }>(
      "session",
      parseCookies(req.headers.cookie)[SESSION_COOKIE],
      runtime.now(),
    );
    if (!cookie || typeof cookie.id !== "string") return null;
    const row = await loadSession({
      db: runtime.db,
      id: cookie.id,
      now: runtime.now(),
      operatorTokenMac: currentOperatorMac,
    });
    return row ? { ...row, id: cookie.id } : null;
  };
}

type Fail = (res: ServerResponse, error: unknown, json: boolean, signedIn: boolean) => void;

/** Turns an error into its answer: JSON for the API, the sign-in page or an error page for a browser. */
function failureAnswer(runtime: Runtime, render: Render): Fail {
  return (res, error, json, signedIn) => {
    const answer = describeError(error);
    if (answer.status === 500) runtime.log.error({ err: error }, "status page request failed");
    const headers: Record<string, string> = answer.retryAfter ? { "retry-after": String(answer.retryAfter) } : {};
    // A refused body may still be arriving: the answer closes the connection instead of leaving it half-read.
    if (answer.status === 413) headers.connection = "close";
    if (json) return sendJson(res, answer.status, { error: answer.code, message: answer.message }, headers);
    if (answer.code === "NOT_SIGNED_IN") return redirect(res, `${STATUS_PATH}/sign-in`);
    sendHtml(
      res,
      answer.status,
      render("error", { title: "Something is wrong", error: answer, signedIn, statusPath: STATUS_PATH }),
      headers,
    );
  };
}

/** A Bearer header on the API is an operator token check; an invalid one is refused, never ignored. */
async function bearerOperator(security: HttpSecurity, req: IncomingMessage): Promise<boolean> {
  const token = bearerToken(req);
  if (token === null) return false;
  const check = await security.checkOperatorToken(req, token);
  if (check.kind === "limited") throw rateLimited(check.retryAfter);
  if (check.kind === "invalid") throw signInFailed("that is not the operator token");
  return true;
}

type Signed = RouteRequest & { viewer: Viewer; session: Session | null; csrf: string | null };

/**
 * Wraps a route: resolves who is asking (reading a user's roles again from GitHub when they are old,
 * and before any action), rejects anonymous requests, checks CSRF on POSTs made with the session
 * cookie, and turns errors into answers. Bearer-token calls carry no cookie, so no CSRF.
 */
function routeGuard(deps: {
  runtime: Runtime;
  security: HttpSecurity;
  signer: Signer;
  session: (req: IncomingMessage) => Promise<Session | null>;
  limit: (limiter: RateLimiter, req: IncomingMessage) => Promise<void>;
  fail: Fail;
}) {
  const { runtime, security, signer } = deps;
  const lookup = appMembershipLookup(runtime.probot);
  return (
    kind: "page" | "api",
    handler: (request: Signed, body: Record<string, unknown>) => Promise<void>,
    readBody?: (req: IncomingMessage, res: ServerResponse) => Promise<Record<string, unknown>>,
  ): RouteHandler => {
    return async (request) => {
      const { req, res } = request;
      let s: Session | null = null;
      try {
        s = await deps.session(req);
        if (kind === "api") await deps.limit(security.apiLimiter, req);
        const operator = kind === "api" && (await bearerOperator(security, req));
        if (!operator && !s) throw notSignedIn();
        const body = readBody ? await readBody(req, res) : {};
        if (!operator && req.method !== "GET" && !isValidCsrf(signer, s!.id, body._csrf ?? req.headers["x-csrf-token"]))
          throw csrfRejected();
        const viewer: Viewer = operator
          ? { kind: "operator" }
          : await ensureFreshAccess({
              db: runtime.db,
              session: s!,
              lookup,
              now: runtime.now(),
              acting: req.method !== "GET",
            });
        await handler({ ...request, viewer, session: s, csrf: s ? csrfToken(signer, s.id) : null }, body);
      } catch (error) {
        deps.fail(res, error, kind === "api", s !== null);
      }
    };
  };
}
