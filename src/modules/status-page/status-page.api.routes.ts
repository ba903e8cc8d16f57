import type { AppRouter } from "../../http/router.js";
import { sendJson } from "../../http/responses.js";
import type { EnqueueResult } from "../../jobs/job-queue.js";
import type { StatusPageContext } from "./status-page.context.js";
import { badRequest, notFound } from "./status-page.errors.js";
import { parseId, readBody } from "./status-page.http.js";
import { parseRepositoryListing } from "./status-page.listing.js";
import {
  getInstallationStatus,
  getRepositoryStatus,
  listVisibleInstallations,
  repositoryActionSchema,
  runInstallationSync,
  runMemberSync,
  runRepositoryAction,
  updateRecipients,
} from "./status-page.usecases.js";

/** 202 when a job was queued; 200 with the existing job's state when one was already queued or running. */
const jobAnswer = (job: EnqueueResult) => ({
  status: job.created ? 202 : 200,
  body: {
    created: job.created,
    state: job.running ? "running" : "queued",
    jobId: job.jobId,
    nextRunAt: job.nextRunAt ? job.nextRunAt.toISOString() : null,
  },
});

/** The JSON API for scripts: the same data and actions as the page, under the same access rules. */
export function registerApiRoutes(router: AppRouter, ctx: StatusPageContext): void {
  const { db } = ctx.runtime;
  const now = () => ctx.runtime.now();
  const id = (raw: string | undefined, what: string) => {
    const value = parseId(raw);
    if (value === null) throw notFound(what);
    return value;
  };

  router.on(
    "GET",
    "/api/installations",
    ctx.guarded("api", async ({ res, viewer }) => {
      sendJson(res, 200, { installations: await listVisibleInstallations({ db, viewer, now: now() }) });
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

  router.on(
    "POST",
    "/api/repositories/:id/sync",
    ctx.guarded(
      "api",
      async ({ res, params, viewer }, body) => {
        const repositoryId = id(params.id, "repository");
        const parsed = repositoryActionSchema.safeParse({ action: "sync", ...body });
        if (!parsed.success) throw badRequest('action must be "sync", "backfill" or "extend"; days 1 to 365.');
        const done = await runRepositoryAction({ db, queue: ctx.runtime.queue, viewer, repositoryId, ...parsed.data });
        const answer = jobAnswer(done.job);
        sendJson(res, answer.status, answer.body);
      },
      readBody,
    ),
  );

  router.on(
    "POST",
    "/api/installations/:id/sync",
    ctx.guarded(
      "api",
      async ({ res, params, viewer }) => {
        const installationId = id(params.id, "installation");
        const job = await runInstallationSync({ db, queue: ctx.runtime.queue, viewer, installationId, now: now() });
        const answer = jobAnswer(job);
        sendJson(res, answer.status, { ...answer.body, scope: "every active repository of the installation" });
      },
      readBody,
    ),
  );

  router.on(
    "POST",
    "/api/installations/:id/members/sync",
    ctx.guarded(
      "api",
      async ({ res, params, viewer }) => {
        const installationId = id(params.id, "installation");
        const job = await runMemberSync({ db, queue: ctx.runtime.queue, viewer, installationId, now: now() });
        const answer = jobAnswer(job);
        sendJson(res, answer.status, answer.body);
      },
      readBody,
    ),
  );

  router.on(
    ["PUT", "POST"],
    "/api/installations/:id/recipients",
    ctx.guarded(
      "api",
      async ({ res, params, viewer }, body) => {
        const installationId = id(params.id, "installation");
        const emails = await updateRecipients({ db, viewer, installationId, emails: body.emails, now: now() });
        sendJson(res, 200, { notifyEmails: emails });
      },
      readBody,
    ),
  );
}
