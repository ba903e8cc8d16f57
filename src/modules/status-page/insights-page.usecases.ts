import { createHash } from "node:crypto";
import type { Database } from "../../db/client.js";
import type { FiguresCache } from "../insights/figures-cache.js";
import { insightsWindowDays, readInsightsReport } from "../insights/insights.usecases.js";
import { notFound } from "./status-page.errors.js";
import { listRepositoryNames } from "./status-page.repository.js";
import { type Viewer, visibleInstallation } from "./status-page.usecases.js";

/** How many reviewers the reviews-per-reviewer chart names. */
export const CHARTED_REVIEWERS = 15;

const MINUTE_MS = 60_000;

/**
 * An installation's insights over its synced window, for all its repositories or the one asked for;
 * a 404 when the viewer may not see the installation or the repository is not one of its own.
 *
 * The window ends at the current minute, and the figures are remembered until a pull request or review of
 * the chosen repositories changes (their data versions) or the minute turns: the same answer a fresh
 * computation gives, without reading every pull request again on each view.
 */
export async function getInstallationInsights(options: {
  db: Database;
  viewer: Viewer;
  installationId: number;
  repositoryId: number | null;
  backfillDays: number;
  now: Date;
  figures: FiguresCache;
}) {
  const { db, installationId, repositoryId } = options;
  const now = new Date(Math.floor(options.now.getTime() / MINUTE_MS) * MINUTE_MS);
  const installation = await visibleInstallation(options);
  const repositories = await listRepositoryNames(db, installationId);
  const chosen = repositoryId === null ? repositories : repositories.filter((r) => r.id === repositoryId);
  if (repositoryId !== null && chosen.length === 0) throw notFound("repository");
  const since = chosen.reduce<Date | null>(
    (oldest, r) => (r.historySince && (!oldest || r.historySince < oldest) ? r.historySince : oldest),
    null,
  );
  const windowDays = insightsWindowDays(since, options.backfillDays, now);
  const version = createHash("sha1")
    .update([now.getTime(), windowDays, ...chosen.flatMap((r) => [r.id, r.dataVersion])].join(":"))
    .digest("hex");
  const report = await options.figures.get(`insights:${installationId}:${repositoryId ?? "all"}`, version, () =>
    readInsightsReport({
      db,
      repositoryIds: chosen.map((r) => r.id),
      now,
      windowDays,
      reviewers: CHARTED_REVIEWERS,
    }),
  );
  return { installation, repositories, repositoryId, report };
}

export type InstallationInsights = Awaited<ReturnType<typeof getInstallationInsights>>;
