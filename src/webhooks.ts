import type { Probot } from "probot";
import type { Runtime } from "./runtime.js";

/** Subscribes every webhook handler of every module. */
export function registerWebhooks(app: Probot, runtime: Runtime): void {
  void app;
  void runtime;
}
