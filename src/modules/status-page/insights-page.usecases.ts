import type { Database } from "../../db/client.js";
import { insightsWindowDays, readInsightsReport } from "../insights/insights.usecases.js";
import { notFound } from "./status-page.errors.js";
import { listRepositoryNames } from "./status-page.repository.js";
import { type Viewer, visibleInstallation } from "./status-page.usecases.js";

/** How many reviewers the reviews-per-reviewer chart names. */
export const CHARTED_REVIEWERS = 15;

/**
 * An installation's insights over its synced window, for all its repositories or the one asked for;
 * a 404 when the viewer may not see the installation or the repository is not one of its own.
 */
export async function getInstallationInsights(options: {
  db: Database;
  viewer: Viewer;
  installationId: number;
  repositoryId: number | null;
  backfillDays: number;
  now: Date;
}) {
  const { db, installationId, repositoryId, now } = options;
  const installation = await visibleInstallation(options);
  const repositories = await listRepositoryNames(db, installationId);
  const chosen = repositoryId === null ? repositories : repositories.filter((r) => r.id === repositoryId);
  if (repositoryId !== null && chosen.length === 0) throw notFound("repository");
  const since = chosen.reduce<Date | null>(
    (oldest, r) => (r.historySince && (!oldest || r.historySince < oldest) ? r.historySince : oldest),
    null,
  );
  const report = await readInsightsReport({
    db,
    repositoryIds: chosen.map((r) => r.id),
    now,
    windowDays: insightsWindowDays(since, options.backfillDays, now),
    reviewers: CHARTED_REVIEWERS,
  });
  return { installation, repositories, repositoryId, report };
}

export type InstallationInsights = Awaited<ReturnType<typeof getInstallationInsights>>;
