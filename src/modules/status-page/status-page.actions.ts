import type { HTTPMethod } from "find-my-way";
import type { Database } from "../../db/client.js";
import type { EnqueueResult, JobQueue } from "../../jobs/job-queue.js";
import type { Viewer } from "./status-page.access.js";
import { badRequest } from "./status-page.errors.js";
import {
  repositoryActionSchema,
  runInstallationSync,
  runMemberSync,
  runRepositoryAction,
  updateRecipients,
} from "./status-page.usecases.js";

/** What a redirect after an action says on the page; keys travel in the query string, text stays here. */
export const NOTICES = new Map<string, string>([
  ["queued", "Sync queued."],
  ["already-queued", "A sync of this repository is already queued; it will run shortly."],
  ["already-running", "A sync of this repository is already running."],
  ["all-queued", "Sync queued for every repository."],
  ["members-queued", "Member sync queued."],
  ["members-busy", "A member sync is already queued or running."],
  ["recipients-saved", "Recipients saved."],
]);

/** What an action did: the notice for the page and the answer for the API. */
export interface ActionOutcome {
  installationId: number;
  notice: string;
  status: number;
  json: Record<string, unknown>;
}

export interface ActionDeps {
  db: Database;
  queue: JobQueue;
  viewer: Viewer;
  now: Date;
}

/**
 * One action of the status page, offered as a form post under /status and as a JSON call under /api
 * at the same path. Both routes come from this one table, so they cannot drift apart.
 */
export interface StatusAction {
  path: string;
  /** What the :id names, for the 404 text. */
  subject: "repository" | "installation";
  apiMethods: HTTPMethod[];
  run: (deps: ActionDeps, id: number, body: Record<string, unknown>) => Promise<ActionOutcome>;
}

/** 202 when a job was queued; 200 with the existing job's state when one was already queued or running. */
const jobAnswer = (job: EnqueueResult) => ({
  status: job.created ? 202 : 200,
  json: {
    created: job.created,
    state: job.running ? "running" : "queued",
    jobId: job.jobId,
    nextRunAt: job.nextRunAt ? job.nextRunAt.toISOString() : null,
  },
});

const jobNotice = (job: EnqueueResult) => (job.created ? "queued" : job.running ? "already-running" : "already-queued");

export const STATUS_ACTIONS: StatusAction[] = [
  {
    path: "/repositories/:id/sync",
    subject: "repository",
    apiMethods: ["POST"],
    async run({ db, queue, viewer }, repositoryId, body) {
      const parsed = repositoryActionSchema.safeParse({ action: "sync", ...body });
      if (!parsed.success) throw badRequest('Choose "sync", "backfill" or "extend" (with 1 to 365 days).');
      const done = await runRepositoryAction({ db, queue, viewer, repositoryId, ...parsed.data });
      return { installationId: done.installationId, notice: jobNotice(done.job), ...jobAnswer(done.job) };
    },
  },
  {
    path: "/installations/:id/sync",
    subject: "installation",
    apiMethods: ["POST"],
    async run(deps, installationId) {
      const job = await runInstallationSync({ ...deps, installationId });
      const answer = jobAnswer(job);
      return {
        installationId,
        notice: "all-queued",
        status: answer.status,
        json: { ...answer.json, scope: "every active repository of the installation" },
      };
    },
  },
  {
    path: "/installations/:id/members/sync",
    subject: "installation",
    apiMethods: ["POST"],
    async run(deps, installationId) {
      const job = await runMemberSync({ ...deps, installationId });
      return { installationId, notice: job.created ? "members-queued" : "members-busy", ...jobAnswer(job) };
    },
  },
  {
    path: "/installations/:id/recipients",
    subject: "installation",
    apiMethods: ["PUT", "POST"],
    async run({ db, viewer, now }, installationId, body) {
      const emails = await updateRecipients({ db, viewer, installationId, emails: body.emails, now });
      return { installationId, notice: "recipients-saved", status: 200, json: { notifyEmails: emails } };
    },
  },
];
