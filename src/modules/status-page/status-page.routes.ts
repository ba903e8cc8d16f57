import { readFileSync } from "node:fs";
import { join } from "node:path";
import { githubWebUrl } from "../../config.js";
import type { AppRouter } from "../../http/router.js";
import type { EnqueueResult } from "../../jobs/job-queue.js";
import { projectRoot } from "../../paths.js";
import type { Runtime } from "../../runtime.js";
import { registerApiRoutes } from "./status-page.api.routes.js";
import { registerAuthRoutes } from "./status-page.auth.routes.js";
import { createStatusPageContext, STATUS_PATH, type StatusPageOptions } from "./status-page.context.js";
import { badRequest, notFound } from "./status-page.errors.js";
import { parseId, readBody, redirect, securityHeaders, sendHtml } from "./status-page.http.js";
import { defaultListing, listingQuery, parseRepositoryListing } from "./status-page.listing.js";
import {
  getInstallationStatus,
  listVisibleInstallations,
  repositoryActionSchema,
  runInstallationSync,
  runMemberSync,
  runRepositoryAction,
  updateRecipients,
} from "./status-page.usecases.js";
import { listingView } from "./status-page.view-models.js";

/** What a redirect after an action says on the page; keys travel in the query string, text stays here. */
const notices: Record<string, string> = {
  queued: "Sync queued.",
  "already-queued": "A sync of this repository is already queued; it will run shortly.",
  "already-running": "A sync of this repository is already running.",
  "all-queued": "Sync queued for every repository.",
  "members-queued": "Member sync queued.",
  "members-busy": "A member sync is already queued or running.",
  "recipients-saved": "Recipients saved.",
};

const jobNotice = (job: EnqueueResult) => (job.created ? "queued" : job.running ? "already-running" : "already-queued");

/** The status page: sign-in, installation list and detail with live updates, actions, and its JSON API. */
export function registerStatusPageRoutes(router: AppRouter, runtime: Runtime, options: StatusPageOptions = {}): void {
  const ctx = createStatusPageContext(runtime, options);
  const { db } = runtime;
  const installPath = () => runtime.installUrl ?? `${githubWebUrl(runtime.config)}/settings/installations`;
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

  registerAuthRoutes(router, ctx);
  registerApiRoutes(router, ctx);

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

  const installationId = (raw: string | undefined) => {
    const id = parseId(raw);
    if (id === null) throw notFound("installation");
    return id;
  };

  const installationPage = (fragment: boolean) =>
    ctx.guarded("page", async ({ res, params, query, viewer, csrf }) => {
      const id = installationId(params.id);
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
        notice: query.notice ? notices[query.notice] : undefined,
      });
      sendHtml(res, 200, html);
    });
  router.on("GET", `${STATUS_PATH}/installations/:id`, installationPage(false));
  router.on("GET", `${STATUS_PATH}/installations/:id/live`, installationPage(true));

  /** Back to the installation page, on the page and filter the form was posted from (re-validated, never echoed). */
  const back = (id: number, notice: string, returnQuery?: unknown) => {
    let listing = defaultListing;
    try {
      if (typeof returnQuery === "string")
        listing = parseRepositoryListing(Object.fromEntries(new URLSearchParams(returnQuery)));
    } catch {
      listing = defaultListing;
    }
    const query = listingQuery(listing);
    return `${STATUS_PATH}/installations/${id}${query}${query ? "&" : "?"}notice=${notice}`;
  };

  router.on(
    "POST",
    `${STATUS_PATH}/repositories/:id/sync`,
    ctx.guarded(
      "page",
      async ({ res, params, viewer }, body) => {
        const repositoryId = parseId(params.id);
        if (repositoryId === null) throw notFound("repository");
        const parsed = repositoryActionSchema.safeParse(body);
        if (!parsed.success) throw badRequest("Choose Sync now, Re-run backfill or Extend history (1 to 365 days).");
        const done = await runRepositoryAction({ db, queue: runtime.queue, viewer, repositoryId, ...parsed.data });
        redirect(res, back(done.installationId, jobNotice(done.job), body.return_query));
      },
      readBody,
    ),
  );

  router.on(
    "POST",
    `${STATUS_PATH}/installations/:id/sync`,
    ctx.guarded(
      "page",
      async ({ res, params, viewer }) => {
        const id = installationId(params.id);
        await runInstallationSync({ db, queue: runtime.queue, viewer, installationId: id, now: runtime.now() });
        redirect(res, back(id, "all-queued"));
      },
      readBody,
    ),
  );

  router.on(
    "POST",
    `${STATUS_PATH}/installations/:id/members/sync`,
    ctx.guarded(
      "page",
      async ({ res, params, viewer }) => {
        const id = installationId(params.id);
        const job = await runMemberSync({ db, queue: runtime.queue, viewer, installationId: id, now: runtime.now() });
        redirect(res, back(id, job.created ? "members-queued" : "members-busy"));
      },
      readBody,
    ),
  );

  router.on(
    "POST",
    `${STATUS_PATH}/installations/:id/recipients`,
    ctx.guarded(
      "page",
      async ({ res, params, viewer }, body) => {
        const id = installationId(params.id);
        await updateRecipients({ db, viewer, installationId: id, emails: body.emails ?? "", now: runtime.now() });
        redirect(res, back(id, "recipients-saved"));
      },
      readBody,
    ),
  );
}
