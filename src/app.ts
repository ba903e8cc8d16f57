import type { Probot } from "probot";
import { registerHealthRoutes } from "./http/health.routes.js";
import { registerMetricsRoutes } from "./http/metrics.routes.js";
import type { AppRouter } from "./http/router.js";
import { createHttpSecurity } from "./http/security.js";
import { registerStatusPageRoutes } from "./modules/status-page/status-page.routes.js";
import type { Runtime } from "./runtime.js";
import { registerWebhooks } from "./webhooks.js";

/** The Probot app function: wires webhooks and HTTP routes. No logic lives here. */
export function createApp(runtime: Runtime, router: AppRouter) {
  return (app: Probot, { addHandler }: { addHandler: (handler: AppRouter["handler"]) => void }) => {
    registerWebhooks(app, runtime);
    registerHealthRoutes(router, runtime);
    const security = createHttpSecurity(runtime);
    registerMetricsRoutes(router, { ...runtime, security });
    registerStatusPageRoutes(router, runtime, security);
    addHandler(router.handler);
  };
}
