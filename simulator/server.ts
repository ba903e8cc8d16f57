import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, budgetOwner, isFailure, rateLimitedMessage, type Principal } from "./auth.js";
import { takeSecondaryLimit, takeServerError } from "./faults.js";
import { handleGraphql } from "./graphql.js";
import { convertManifest, createAppFromManifest } from "./app-registration.js";
import { installPage } from "./install-page.js";
import { authorize, exchangeCode } from "./oauth.js";
import { rateLimitHeaders } from "./rate-limits.js";
import { callerAllowed, isFreeRoute, matchRoute } from "./rest.js";
import type { Urls } from "./rest-shapes.js";
import { DOCS, type RequestLogEntry, type SimulatorState } from "./state.js";

const SECONDARY_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json; charset=utf-8", ...headers },
});

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Injected failures, checked after authentication so they hit the calls a token makes, not the token exchange. */
function injectedFault(state: SimulatorState): Answer | undefined {
  if (takeSecondaryLimit(state.faults))
    return json(
      403,
      {
        message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${randomUUID()}.`,
        documentation_url: SECONDARY_DOCS,
      },
      { "retry-after": String(state.faults.retryAfterSeconds) },
    );
  if (takeServerError(state.faults, state.random)) {
    const status = state.faults.serverErrorStatus;
    return json(status, { message: status === 502 ? "Server Error" : "Service Unavailable" });
  }
  return undefined;
}

function restAnswer(
  state: SimulatorState,
  req: IncomingMessage,
  url: URL,
  path: string,
  body: string,
  principal: Principal,
  urls: Urls,
  now: number,
): Answer & { charged: boolean } {
  const matched = matchRoute(req.method ?? "GET", path);
  const owner = budgetOwner(principal);
  const current = () => rateLimitHeaders(state.rateLimits.peek(owner, "core", now), "core");
  if (!matched) return { ...json(404, { message: "Not Found", documentation_url: DOCS }, current()), charged: false };
  const refused = callerAllowed(matched.route, principal);
  if (refused) return { ...json(refused.status, refused.body, current()), charged: false };
  const free = isFreeRoute(matched);
  if (!free) {
    const bucket = state.rateLimits.peek(owner, "core", now);
    if (bucket.used >= bucket.limit)
      return {
        ...json(
          403,
          {
            message: rateLimitedMessage(principal),
            documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
          },
          rateLimitHeaders(bucket, "core"),
        ),
        charged: false,
      };
  }
  const answer = matched.route.handle({ state, principal, url, body, urls, now }, matched.params);
  const text = answer.body === undefined ? "" : JSON.stringify(answer.body);
  // ETags depend on the credential's owner, as GitHub's vary on Authorization.
  const etag = `W/"${createHash("sha256").update(owner).update(text).digest("hex").slice(0, 40)}"`;
  const ifNoneMatch = req.headers["if-none-match"];
  if (answer.status === 200 && ifNoneMatch && ifNoneMatch.split(/\s*,\s*/).includes(etag))
    return { status: 304, body: "", headers: { etag, ...current() }, charged: false };
  const spent = free ? undefined : state.rateLimits.spend(owner, "core", 1, now);
  const headers = {
    "content-type": "application/json; charset=utf-8",
    ...(answer.status === 200
      ? { etag, "cache-control": "private, max-age=60, s-maxage=60", vary: "Accept, Authorization, Cookie" }
      : {}),
    ...(spent ? rateLimitHeaders(spent.bucket, "core") : current()),
    ...answer.headers,
  };
  return { status: answer.status, body: text, headers, charged: !free };
}

/** A GraphQL request's operation name, for the request log; undefined for anonymous or unreadable queries. */
function operationName(body: string): string | undefined {
  try {
    const request = JSON.parse(body) as { query?: unknown; operationName?: unknown };
    if (typeof request.operationName === "string") return request.operationName;
    return typeof request.query === "string" ? /\b(?:query|mutation)\s+(\w+)/.exec(request.query)?.[1] : undefined;
  } catch {
    return undefined;
  }
}

/** The request listener: OAuth pages at the web root, REST under /api/v3, GraphQL at /api/graphql. */
export function createRequestHandler(state: SimulatorState, origin: () => string) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const arrived = Date.now();
    const body = await readBody(req);
    const now = Date.now();
    const base = origin();
    const urls: Urls = { api: `${base}/api/v3`, web: base };
    const url = new URL(req.url ?? "/", base);
    const entry: RequestLogEntry = {
      at: now,
      method: req.method ?? "GET",
      path: `${url.pathname}${url.search}`,
      status: 0,
      kind: "rest",
      charged: false,
    };
    let answer: Answer;
    try {
      answer = (await webPages()) ?? dispatch();
    } catch (error) {
      answer = json(500, { message: `simulator error: ${(error as Error).message}` });
    }
    // GitHub's answer time includes its own work: the simulator's time building the answer is part of the latency.
    const rest = arrived + state.faults.latencyMs - Date.now();
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    entry.at = Date.now();
    entry.status = answer.status;
    state.requestLog.push(entry);
    res.writeHead(answer.status, {
      "x-github-request-id": randomUUID().toUpperCase(),
      "x-github-media-type": "github.v3; format=json",
      "x-github-api-version-selected": "2022-11-28",
      ...answer.headers,
    });
    res.end(answer.body);

    /** The pages a browser sees on GitHub: registering an app from a manifest, installing it. */
    async function webPages(): Promise<Answer | undefined> {
      if (req.method === "POST" && /^(\/organizations\/[^/]+)?\/settings\/apps\/new$/.test(url.pathname)) {
        entry.kind = "app";
        return createAppFromManifest(state, url, body, now);
      }
      const install = /^\/apps\/([^/]+)\/installations\/new$/.exec(url.pathname);
      if (install && (req.method === "GET" || req.method === "POST")) {
        entry.kind = "app";
        return installPage(state, req.method, install[1]!, body, urls, now);
      }
      const conversion = /^\/api\/v3\/app-manifests\/([^/]+)\/conversions$/.exec(url.pathname);
      if (conversion && req.method === "POST") {
        entry.kind = "app";
        const converted = convertManifest(state, conversion[1]!, base, now);
        return json(converted.status, converted.body);
      }
      return undefined;
    }

    function dispatch(): Answer {
      if (url.pathname === "/login/oauth/authorize" && req.method === "GET") {
        entry.kind = "oauth";
        return authorize(state, url, now);
      }
      if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
        entry.kind = "oauth";
        return exchangeCode(
          state,
          url,
          body,
          { accept: req.headers.accept, contentType: req.headers["content-type"] },
          now,
        );
      }
      const isGraphql = url.pathname === "/api/graphql";
      if (!isGraphql && !url.pathname.startsWith("/api/v3/"))
        return json(404, { message: "Not Found", documentation_url: DOCS });
      entry.kind = isGraphql ? "graphql" : "rest";
      const principal = authenticate(state, req.headers.authorization, now);
      if (isFailure(principal)) return json(principal.status, principal.body);
      if (principal.kind === "installation") entry.installationId = principal.installationId;
      if (principal.kind === "app") entry.kind = "app";
      else {
        const fault = injectedFault(state);
        if (fault) return fault;
      }
      if (isGraphql) {
        if (req.method !== "POST") return json(404, { message: "Not Found", documentation_url: DOCS });
        if (principal.kind === "app")
          return json(403, { message: "Resource not accessible by integration", documentation_url: DOCS });
        entry.operation = operationName(body);
        const result = handleGraphql(state, principal, body, base, now);
        entry.cost = result.cost;
        entry.charged = result.charged;
        return json(result.status, result.body, result.headers);
      }
      const result = restAnswer(state, req, url, url.pathname.slice("/api/v3".length), body, principal, urls, now);
      entry.charged = result.charged;
      return result;
    }
  };
}
