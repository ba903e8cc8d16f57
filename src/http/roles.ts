import type { IncomingMessage } from "node:http";
import type { Config } from "../config.js";

/** What a worker still answers: its own health and metrics, for whatever watches it. */
export const WORKER_PATHS: ReadonlySet<string> = new Set(["/health", "/metrics"]);

/**
 * Whether a process of this role answers the request: web and all answer everything, a worker only /health and /metrics,
 * so webhooks and pages reach the web instances alone.
 */
export function servedByRole(role: Config["PR_SYNC_ROLE"], req: IncomingMessage): boolean {
  if (role !== "worker") return true;
  const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
  return WORKER_PATHS.has(path);
}
