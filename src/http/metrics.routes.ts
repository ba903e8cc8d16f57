import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Metrics } from "../metrics/metrics.js";
import { bearerToken } from "./operator-token.js";
import { sendJson, sendText } from "./responses.js";
import type { AppRouter } from "./router.js";
import type { HttpSecurity } from "./security.js";

/** GET /metrics in Prometheus' text format, for a scraper holding ADMIN_TOKEN as its bearer token. */
export function registerMetricsRoutes(
  router: AppRouter,
  deps: { config: Config; metrics: Metrics; security: HttpSecurity; log: Logger },
): void {
  router.on("GET", "/metrics", async ({ req, res }) => {
    if (!deps.config.ADMIN_TOKEN) {
      sendJson(res, 404, { error: "metrics_disabled", message: "Set ADMIN_TOKEN to enable /metrics." });
      return;
    }
    const check = await deps.security.checkOperatorToken(req, bearerToken(req));
    if (check.kind === "limited") {
      sendJson(
        res,
        429,
        { error: "rate_limited", message: `Too many failed token checks; try again in ${check.retryAfter} seconds.` },
        { "retry-after": String(check.retryAfter) },
      );
      return;
    }
    if (check.kind === "invalid") {
      sendJson(
        res,
        401,
        { error: "unauthorized", message: "Send ADMIN_TOKEN as a Bearer token." },
        { "www-authenticate": "Bearer" },
      );
      return;
    }
    try {
      sendText(res, 200, await deps.metrics.registry.metrics(), deps.metrics.registry.contentType);
    } catch (error) {
      deps.log.warn({ err: error }, "metrics could not be read");
      sendJson(res, 503, { error: "metrics_unavailable", message: "metrics could not be read; see the log" });
    }
  });
}
