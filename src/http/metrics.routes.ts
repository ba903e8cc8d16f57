import type { Config } from "../config.js";
import type { Metrics } from "../metrics/metrics.js";
import { safeEqual } from "../modules/status-page/status-page.session.js";
import { sendJson, sendText } from "./responses.js";
import type { AppRouter } from "./router.js";

/** GET /metrics in Prometheus' text format, for a scraper holding ADMIN_TOKEN as its bearer token. */
export function registerMetricsRoutes(router: AppRouter, deps: { config: Config; metrics: Metrics }): void {
  router.on("GET", "/metrics", async ({ req, res }) => {
    const token = deps.config.ADMIN_TOKEN;
    const header = req.headers.authorization ?? "";
    if (!token) {
      sendJson(res, 404, { error: "metrics_disabled", message: "Set ADMIN_TOKEN to enable /metrics." });
      return;
    }
    if (!header.toLowerCase().startsWith("bearer ") || !safeEqual(header.slice(7).trim(), token)) {
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
      sendJson(res, 503, { error: "metrics_unavailable", message: (error as Error).message });
    }
  });
}
