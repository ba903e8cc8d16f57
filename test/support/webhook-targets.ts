import { isWebhookTarget } from "../../src/http/webhook-path.js";
import { WEBHOOK_PATH } from "../../src/start.js";

/**
 * Request targets that spell the webhook path some other way, and some that do not. (A target with
 * a backslash never gets this far: Node's HTTP parser answers it 400.)
 */
export const TARGETS = [
  "/api/github/webhooks",
  "/api/github/webhooks/",
  "/api/github/webhooks///",
  "/api/github/./webhooks",
  "/api/github/x/../webhooks",
  "/api/github/%2e/webhooks",
  "/api/github/%2E/webhooks/",
  "/api/github/webhooks?a=1",
  "/api/github/webhooks?a=/",
  "/api/github/webhooks#x",
  "//evil.example/api/github/webhooks",
  "http://evil.example/api/github/webhooks",
  "/./api/github/webhooks/.",
  "/api/github/webhooks/x/..",
  "/api/github/webhooks/?",
  "/api/github/webhooks%2f",
  "/API/github/webhooks",
  "/api/github/webhook",
  "/status",
];

/** The targets among them that Probot takes as webhook deliveries. */
export const WEBHOOK_VARIANTS = TARGETS.filter((t) => isWebhookTarget(t, WEBHOOK_PATH));
