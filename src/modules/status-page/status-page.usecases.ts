import { z } from "zod";
import type { Database } from "../../db/client.js";
import type { EnqueueResult, JobQueue } from "../../jobs/job-queue.js";
import { updateInstallation } from "../installations/installations.repository.js";
import { requestMemberSync } from "../members/member-sync-requests.usecases.js";
import { installationDeleted, installationSuspended } from "../repositories/repositories.errors.js";
import { requestInstallationSync, requestRepositorySync } from "../repositories/sync-requests.usecases.js";
import { canAct, canSee, visibleInstallationIds, type Viewer } from "./status-page.access.js";
import { badRequest, forbidden, invalidEmails, notApplicable, notFound } from "./status-page.errors.js";
import { defaultListing, type RepositoryListing, settlePage } from "./status-page.listing.js";
import { STALLED_AFTER_MS } from "./status-page.models.js";
import { queryErrorReasons, queryOverviews } from "./installation-overview.repository.js";
import { overviewView } from "./installation-overview.view-models.js";
import {
  countRepositories,
  findRepositoryDetail,
  findRepositoryInstallationId,
  listInstallationSummaries,
  listRepositoryPage,
} from "./status-page.repository.js";
import { installationView, needsPolling, repositoryView } from "./status-page.view-models.js";

export type { Viewer } from "./status-page.access.js";

/** How many error reasons the overview names; the rest are counted together. */
const ERROR_REASONS = 3;

/** The installations the viewer may see, with their counts and overview. */
export async function listVisibleInstallations(options: { db: Database; viewer: Viewer; now: Date }) {
  const { db, now } = options;
  const rows = await listInstallationSummaries(db, visibleInstallationIds(options.viewer));
  const stalledBefore = new Date(now.getTime() - STALLED_AFTER_MS);
  const overviews = await queryOverviews(
    db,
    rows.map((row) => row.installation.id),
    { now, stalledBefore },
  );
  const byId = new Map(overviews.map((o) => [o.installationId, o]));
  return rows.map((row) => {
    const installation = installationView(row, now);
    const overview = byId.get(installation.id);
    return { ...installation, overview: overview ? overviewView(installation, overview, [], now) : null };
  });
}

/** One installation's heading and counts; a 404 when it does not exist or the viewer may not see it. */
export async function visibleInstallation(options: {
  db: Database;
  viewer: Viewer;
  installationId: number;
  now: Date;
}) {
  const { viewer, installationId } = options;
  if (!canSee(viewer, installationId)) throw notFound("installation");
  const [row] = await listInstallationSummaries(options.db, [installationId]);
  if (!row) throw notFound("installation");
  return installationView(row, options.now);
}

/** The installation, when the viewer may act on it: 404 when they may not see it, 403 when they only see it. */
async function actionableInstallation(options: { db: Database; viewer: Viewer; installationId: number; now: Date }) {
  const installation = await visibleInstallation(options);
  if (!canAct(options.viewer, options.installationId)) throw forbidden();
  return installation;
}

/**
 * One installation with one page of its repositories, the counts per status over all of them, and
 * the page shown. `pastEnd` says what a page past the last one does: move to the last page, or fail.
 */
export async function getInstallationStatus(options: {
  db: Database;
  viewer: Viewer;
  installationId: number;
  now: Date;
  listing?: RepositoryListing;
  pastEnd?: "clamp" | "reject";
}) {
  const { db, installationId, now, listing = defaultListing } = options;
  const installation = await visibleInstallation(options);
  const stalledBefore = new Date(now.getTime() - STALLED_AFTER_MS);
  const [counts, [overviewRow], reasons] = await Promise.all([
    countRepositories(db, installationId, stalledBefore),
    queryOverviews(db, [installationId], { now, stalledBefore }),
    queryErrorReasons(db, installationId, ERROR_REASONS),
  ]);
  const total = listing.status ? counts[listing.status] : counts.all;
  const number = settlePage(listing, total, options.pastEnd ?? "reject");
  const rows = await listRepositoryPage(db, {
    installationId,
    status: listing.status,
    sort: listing.sort,
    stalledBefore,
    limit: listing.perPage,
    offset: (number - 1) * listing.perPage,
  });
  return {
    installation,
    overview: overviewView(installation, overviewRow!, reasons, now),
    counts,
    repositories: rows.map((row) => repositoryView(row, installation.live, now)),
    page: { number, perPage: listing.perPage, total },
    polling: needsPolling(installation),
  };
}

/** Resolves a repository's installation after checking the viewer may see it (404 otherwise). */
async function visibleRepositoryInstallation(db: Database, viewer: Viewer, repositoryId: number): Promise<number> {
  const installationId = await findRepositoryInstallationId(db, repositoryId);
  if (installationId === undefined) throw notFound("repository");
  if (!canSee(viewer, installationId)) throw notFound("repository");
  return installationId;
}

/** One repository and its installation's heading, reading that repository's row only. */
export async function getRepositoryStatus(options: { db: Database; viewer: Viewer; repositoryId: number; now: Date }) {
  const { db, repositoryId, now } = options;
  const installationId = await visibleRepositoryInstallation(db, options.viewer, repositoryId);
  const installation = await visibleInstallation({ ...options, installationId });
  const row = await findRepositoryDetail(db, repositoryId);
  if (!row) throw notFound("repository");
  return { installation, repository: repositoryView(row, installation.live, now) };
}

export type RepositoryAction = "sync" | "backfill" | "extend";

export const repositoryActionSchema = z.object({
  action: z.enum(["sync", "backfill", "extend"]),
  days: z.coerce.number().int().min(1).max(365).optional(),
});

/** Sync now (catch-up), Re-run backfill (from the newest PR) or Extend history to `days`. */
export async function runRepositoryAction(options: {
  db: Database;
  queue: JobQueue;
  viewer: Viewer;
  repositoryId: number;
  action: RepositoryAction;
  days?: number;
}): Promise<{ installationId: number; job: EnqueueResult }> {
  const { db, queue, repositoryId } = options;
  const installationId = await visibleRepositoryInstallation(db, options.viewer, repositoryId);
  if (!canAct(options.viewer, installationId)) throw forbidden();
  if (options.action === "extend" && options.days === undefined) throw badRequest("Say how many days to extend to.");
  const job =
    options.action === "sync"
      ? await requestRepositorySync({ db, queue, repositoryId, kind: "catch-up" })
      : options.action === "backfill"
        ? await requestRepositorySync({ db, queue, repositoryId, kind: "backfill", restart: true })
        : await requestRepositorySync({ db, queue, repositoryId, kind: "backfill", days: options.days! });
  return { installationId, job };
}

/** Sync all: a catch-up (or first backfill) for every active repository of the installation. */
export async function runInstallationSync(options: {
  db: Database;
  queue: JobQueue;
  viewer: Viewer;
  installationId: number;
  now: Date;
}) {
  await actionableInstallation(options);
  return requestInstallationSync(options);
}

export async function runMemberSync(options: {
  db: Database;
  queue: JobQueue;
  viewer: Viewer;
  installationId: number;
  now: Date;
}): Promise<EnqueueResult> {
  const installation = await actionableInstallation(options);
  const result = await requestMemberSync(options);
  if (result.outcome === "queued") return result.job;
  if (result.outcome === "not_applicable") throw notApplicable();
  throw installation.deleted ? installationDeleted(installation.account) : installationSuspended(installation.account);
}

const emailSchema = z.email();

/** Parses a comma-, space- or newline-separated list of addresses; every one must be valid. */
export function parseEmailList(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? raw.split(/[\s,;]+/) : null;
  if (list === null) throw badRequest("Give the recipients as a list of email addresses.");
  const emails = [...new Set(list.map((e) => e.trim()).filter(Boolean))];
  if (emails.length > 50) throw badRequest("At most 50 recipients per installation.");
  const bad = emails.flatMap((e, index) => (emailSchema.safeParse(e).success ? [] : [index + 1]));
  if (bad.length > 0) throw invalidEmails(bad);
  return emails;
}

export async function updateRecipients(options: {
  db: Database;
  viewer: Viewer;
  installationId: number;
  emails: unknown;
  now: Date;
}): Promise<string[]> {
  await actionableInstallation(options);
  const emails = parseEmailList(options.emails);
  await updateInstallation(options.db, options.installationId, { notifyEmails: emails });
  return emails;
}
