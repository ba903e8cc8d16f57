import type { HttpHandler } from "./router.js";
import { sendJson } from "./responses.js";

/** GitHub caps webhook payloads at 25 MB; anything larger is not a GitHub delivery. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/**
 * Runs before Probot's webhook middleware: refuses oversized or unsized bodies and, while the process
 * shuts down, new deliveries (503, so GitHub records a failure that can be redelivered).
 */
export function createWebhookGuard(options: { webhookPath: string; isAccepting: () => boolean }): HttpHandler {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "POST" || path !== options.webhookPath) return false;
    if (!options.isAccepting()) {
      sendJson(
        res,
        503,
        { error: "shutting_down", message: "pr-sync is restarting; redeliver this webhook later" },
        { connection: "close" },
      );
      return true;
    }
    const length = req.headers["content-length"];
    if (length === undefined) {
      sendJson(res, 411, { error: "length_required", message: "webhook deliveries must carry a Content-Length" });
      return true;
    }
    if (Number(length) > MAX_WEBHOOK_BYTES) {
      sendJson(
        res,
        413,
        { error: "payload_too_large", message: `webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes` },
        { connection: "close" },
      );
      req.resume();
      return true;
    }
    return false;
  };
}
