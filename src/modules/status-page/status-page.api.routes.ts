import type { AppRouter } from "../../http/router.js";
import { sendJson } from "../../http/responses.js";
import type { StatusPageContext } from "./status-page.context.js";
import { readBody, requireId } from "./status-page.http.js";
import { parseRepositoryListing } from "./status-page.listing.js";
import { STATUS_ACTIONS } from "./status-page.actions.js";
import { getInstallationStatus, getRepositoryStatus, listVisibleInstallations } from "./status-page.usecases.js";

/** The JSON API for scripts: the same data and actions as the page, under the same access rules. */
export function registerApiRoutes(router: AppRouter, ctx: StatusPageContext): void {
  registerApiReads(router, ctx);
  registerApiActions(router, ctx);
}

function registerApiReads(router: AppRouter, ctx: StatusPageContext): void {
  const { db } = ctx.runtime;
  const now = () => ctx.runtime.now();
  const id = requireId;

  router.on(
    "GET",
    "/api/installations",
    ctx.guarded("api", async ({ res, viewer }) => {
      sendJson(res, 200, {
        installations: await listVisibleInstallations({ db, viewer, now: now() }),
      });
    }),
  );

  router.on(
    "GET",
    "/api/installations/:id",
    ctx.guarded("api", async ({ res, params, query, viewer }) => {
      const installationId = id(params.id, "installation");
      const listing = parseRepositoryListing(query);
      const status = await getInstallationStatus({
        db,
        viewer,
        installationId,
        now: now(),
        listing,
        pastEnd: "reject",
      });
      sendJson(res, 200, status);
    }),
  );

  router.on(
    "GET",
    "/api/repositories/:id",
    ctx.guarded("api", async ({ res, params, viewer }) => {
      const status = await getRepositoryStatus({ db, viewer, repositoryId: id(params.id, "repository"), now: now() });
      sendJson(res, 200, status);
    }),
  );
}

/** The actions of the shared table, answered with the queued job's state as JSON. */
function registerApiActions(router: AppRouter, ctx: StatusPageContext): void {
  const { db } = ctx.runtime;
  const now = () => ctx.runtime.now();
  const id = requireId;
  for (const action of STATUS_ACTIONS) {
    router.on(
      action.apiMethods,
      `/api${action.path}`,
      ctx.guarded(
        "api",
        async ({ res, params, viewer }, body) => {
          const done = await action.run(
            { db, queue: ctx.runtime.queue, viewer, now: now() },
            id(params.id, action.subject),
            body,
          );
          sendJson(res, done.status, done.json);
        },
        readBody,
      ),
    );
  }
}
