import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { insights } from "../insights/insights.table.js";
import { installations } from "../installations/installations.table.js";
import { pullRequests } from "../pull-requests/pull-requests.table.js";
import { repositories } from "../repositories/repositories.table.js";

export type InstallationRow = typeof installations.$inferSelect;
export type RepositoryRow = typeof repositories.$inferSelect;

export interface InstallationSummaryRow {
  installation: InstallationRow;
  repositories: number;
  synced: number;
  active: number;
}

/** Installations (all, or only `ids`) with how many active repositories they have and how many have synced. */
export async function listInstallationSummaries(
  db: Database,
  ids: number[] | "all",
): Promise<InstallationSummaryRow[]> {
  if (ids !== "all" && ids.length === 0) return [];
  const counts = db
    .select({
      installationId: repositories.installationId,
      total: sql<number>`count(*) FILTER (WHERE ${repositories.active})`.mapWith(Number).as("total"),
      synced: sql<number>`count(*) FILTER (WHERE ${repositories.active} AND ${repositories.lastSyncedAt} IS NOT NULL)`
        .mapWith(Number)
        .as("synced"),
      busy: sql<number>`count(*) FILTER (WHERE ${repositories.active} AND ${repositories.status} IN ('pending', 'syncing', 'paused'))`
        .mapWith(Number)
        .as("busy"),
    })
    .from(repositories)
    .groupBy(repositories.installationId)
    .as("counts");
  const rows = await db
    .select({ installation: installations, total: counts.total, synced: counts.synced, busy: counts.busy })
    .from(installations)
    .leftJoin(counts, eq(counts.installationId, installations.id))
    .where(ids === "all" ? undefined : inArray(installations.id, ids))
    .orderBy(installations.accountLogin, installations.id);
  return rows.map((r) => ({
    installation: r.installation,
    repositories: r.total ?? 0,
    synced: r.synced ?? 0,
    active: r.busy ?? 0,
  }));
}

export interface RepositoryDetailRow {
  repository: RepositoryRow;
  pullRequests: number;
  /** The most recently updated pull request stored, as a sign of what the last sync brought. */
  latestNumber: number | null;
  latestTitle: string | null;
  medianCycleHours: number | null;
  medianFirstReviewHours: number | null;
}

/** Repositories of one installation (or one repository) with their PR count and insight headline. */
export async function listRepositoryDetails(
  db: Database,
  filter: { installationId: number } | { repositoryId: number },
): Promise<RepositoryDetailRow[]> {
  const prCounts = db
    .select({ repositoryId: pullRequests.repositoryId, total: count().as("total") })
    .from(pullRequests)
    .groupBy(pullRequests.repositoryId)
    .as("pr_counts");
  const rows = await db
    .select({
      repository: repositories,
      pullRequests: prCounts.total,
      // Correlated lookups on (repository_id, updated_at): one index probe per repository.
      latestNumber: sql<
        number | null
      >`(SELECT p.number FROM ${pullRequests} p WHERE p.repository_id = ${repositories.id} ORDER BY p.updated_at DESC LIMIT 1)`,
      latestTitle: sql<
        string | null
      >`(SELECT p.title FROM ${pullRequests} p WHERE p.repository_id = ${repositories.id} ORDER BY p.updated_at DESC LIMIT 1)`,
      medianCycleHours: insights.medianCycleHours,
      medianFirstReviewHours: insights.medianFirstReviewHours,
    })
    .from(repositories)
    .leftJoin(prCounts, eq(prCounts.repositoryId, repositories.id))
    .leftJoin(insights, eq(insights.repositoryId, repositories.id))
    .where(
      "installationId" in filter
        ? eq(repositories.installationId, filter.installationId)
        : eq(repositories.id, filter.repositoryId),
    )
    .orderBy(sql`${repositories.active} DESC`, repositories.fullName);
  return rows.map((r) => ({ ...r, pullRequests: Number(r.pullRequests ?? 0) }));
}

/** The installation a repository belongs to, for the access check before anything else is read. */
export async function findRepositoryInstallationId(db: Database, repositoryId: number): Promise<number | undefined> {
  const [row] = await db
    .select({ installationId: repositories.installationId })
    .from(repositories)
    .where(and(eq(repositories.id, repositoryId)));
  return row?.installationId;
}
