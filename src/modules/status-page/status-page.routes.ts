import { readFileSync } from "node:fs";
import { join } from "node:path";
import { githubWebUrl } from "../../config.js";
import type { AppRouter } from "../../http/router.js";
import { projectRoot } from "../../paths.js";
import type { Runtime } from "../../runtime.js";
import { registerApiRoutes } from "./status-page.api.routes.js";
import { registerAuthRoutes } from "./status-page.auth.routes.js";
import type { HttpSecurity } from "../../http/security.js";
import { createStatusPageContext, STATUS_PATH, type StatusPageContext } from "./status-page.context.js";
import { registerDataRoutes } from "./status-page.data.routes.js";
import { readBody, redirect, requireId, securityHeaders, sendHtml } from "./status-page.http.js";
import { defaultListing, listingQuery, parseRepositoryListing } from "./status-page.listing.js";
import { NOTICES, STATUS_ACTIONS } from "./status-page.actions.js";
import { getInstallationStatus, listVisibleInstallations } from "./status-page.usecases.js";
import { listingView } from "./status-page.view-models.js";

/** The status page: sign-in, installation list and detail with live updates, actions, and its JSON API. */
export function registerStatusPageRoutes(router: AppRouter, runtime: Runtime, security: HttpSecurity): void {
  const ctx = createStatusPageContext(runtime, security);
  registerAssets(router);
  registerAuthRoutes(router, ctx);
  registerApiRoutes(router, ctx);
  registerDataRoutes(router, ctx);
  registerPages(router, ctx);
  registerActions(router, ctx);
}

/** Scripts, styles and icons, served by pr-sync itself so the Content-Security-Policy can stay 'self'. */
function registerAssets(router: AppRouter): void {
  const asset = (file: string, type: string) => {
    const content = readFileSync(file);
    router.on("GET", `${STATUS_PATH}/assets/${file.split("/").pop()}`, ({ res }) => {
      res.writeHead(200, {
        ...securityHeaders(),
        "cache-control": "public, max-age=3600",
        "content-type": type,
        "content-length": content.length,
      });
      res.end(content);
    });
  };
  asset(join(projectRoot, "node_modules/htmx.org/dist/htmx.min.js"), "text/javascript; charset=utf-8");
  asset(join(projectRoot, "views/assets/status.css"), "text/css; charset=utf-8");
  asset(join(projectRoot, "views/assets/favicon.svg"), "image/svg+xml");
  asset(join(projectRoot, "node_modules/chart.js/dist/chart.umd.min.js"), "text/javascript; charset=utf-8");
  asset(join(projectRoot, "views/assets/insights.js"), "text/javascript; charset=utf-8");
}

/** The list of installations, and one installation's page with the live fragment it polls. */
function registerPages(router: AppRouter, ctx: StatusPageContext): void {
  const { runtime } = ctx;
  const { db } = runtime;
  const installPath = () => runtime.installUrl ?? `${githubWebUrl(runtime.config)}/settings/installations`;

  router.on("GET", "/", ({ res }) => redirect(res, STATUS_PATH));
  router.on(
    "GET",
    STATUS_PATH,
    ctx.guarded("page", async ({ res, viewer, csrf }) => {
      const installations = await listVisibleInstallations({ db, viewer, now: runtime.now() });
      const html = ctx.render("installations", {
        title: "Installations",
        statusPath: STATUS_PATH,
        signedIn: true,
        csrf,
        operator: viewer.kind === "operator",
        installations,
        installPath: installPath(),
      });
      sendHtml(res, 200, html);
    }),
  );

  const installationPage = (fragment: boolean) =>
    ctx.guarded("page", async ({ res, params, query, viewer, csrf }) => {
      const id = requireId(params.id, "installation");
      const listing = parseRepositoryListing(query);
      const status = await getInstallationStatus({
        db,
        viewer,
        installationId: id,
        now: runtime.now(),
        listing,
        pastEnd: "clamp",
      });
      const shown = { ...listing, page: status.page.number };
      const html = ctx.render(fragment ? "installation-live" : "installation", {
        title: status.installation.account,
        statusPath: STATUS_PATH,
        signedIn: true,
        csrf,
        fragment,
        ...status,
        listing: listingView(`${STATUS_PATH}/installations/${id}`, shown, status.counts),
        notice: query.notice ? NOTICES.get(query.notice) : undefined,
      });
      sendHtml(res, 200, html);
    });
  router.on("GET", `${STATUS_PATH}/installations/:id`, installationPage(false));
  router.on("GET", `${STATUS_PATH}/installations/:id/live`, installationPage(true));
}

/** Back to the installation page, on the page and filter the form was posted from (re-validated, never echoed). */
function back(id: number, notice: string, returnQuery?: unknown): string {
  let listing = defaultListing;
  try {
    if (typeof returnQuery === "string")
      listing = parseRepositoryListing(Object.fromEntries(new URLSearchParams(returnQuery)));
  } catch {
    listing = defaultListing;
  }
  const query = listingQuery(listing);
  return `${STATUS_PATH}/installations/${id}${query}${query ? "&" : "?"}notice=${notice}`;
}

/** The page's forms: each action of the shared table, answered with a redirect back and a notice. */
function registerActions(router: AppRouter, ctx: StatusPageContext): void {
  const { runtime } = ctx;
  for (const action of STATUS_ACTIONS) {
    router.on(
      "POST",
      `${STATUS_PATH}${action.path}`,
      ctx.guarded(
        "page",
        async ({ res, params, viewer }, body) => {
          const id = requireId(params.id, action.subject);
          const done = await action.run({ db: runtime.db, queue: runtime.queue, viewer, now: runtime.now() }, id, body);
          redirect(res, back(done.installationId, done.notice, body.return_query));
        },
        readBody,
      ),
    );
  }
}
