import { and, count, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { PgSelect } from "drizzle-orm/pg-core";
import type { Database } from "../../db/client.js";
import { insights } from "../insights/insights.table.js";
import { installations } from "../installations/installations.table.js";
import { pullRequests } from "../pull-requests/pull-requests.table.js";
import { repositories, repositoryDataCounts } from "../repositories/repositories.table.js";
import type { SortOrder, StatusFilter } from "./status-page.listing.js";

export type InstallationRow = typeof installations.$inferSelect;
export type RepositoryRow = typeof repositories.$inferSelect;

export interface InstallationSummaryRow {
  installation: InstallationRow;
  repositories: number;
  synced: number;
  /** Active repositories with a sync pending, running or paused. */
  busy: number;
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
    busy: r.busy ?? 0,
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

/** A syncing repository whose last progress (or start) is at or before `stalledBefore`. */
const stalled = (stalledBefore: Date) =>
  sql`(${repositories.status} = 'syncing' AND coalesce(${repositories.lastProgressAt}, ${repositories.syncStartedAt}) <= ${stalledBefore.toISOString()}::timestamptz)`;

/** Rows a status filter keeps: active repositories only, since a removed one shows as Removed whatever its status. */
function statusCondition(status: StatusFilter, stalledBefore: Date): SQL {
  if (status === "attention")
    return sql`(${repositories.active} AND (${repositories.status} IN ('error', 'paused') OR ${stalled(stalledBefore)}))`;
  return sql`(${repositories.active} AND ${repositories.status} = ${status})`;
}

/** A column of repositoryDataCounts for the repository of the row: the sum of its stripes. */
const summedOverStripes = (column: "pull_request_count" | "data_version") =>
  sql<number>`(SELECT coalesce(sum(c.${sql.raw(column)}), 0) FROM ${repositoryDataCounts} c WHERE c.repository_id = ${repositories.id})`.mapWith(
    Number,
  );
const storedPullRequestCount = summedOverStripes("pull_request_count");
const dataVersion = summedOverStripes("data_version");

/** Problems first: the order a person fixing an installation wants to read it in. */
const statusRank = sql`CASE ${repositories.status} WHEN 'error' THEN 0 WHEN 'paused' THEN 1 WHEN 'syncing' THEN 2 WHEN 'pending' THEN 3 ELSE 4 END`;

/** ORDER BY terms of each sort; every order ends on the name and id so pages never overlap. */
const sortTerms: Record<SortOrder, SQL[]> = {
  status: [statusRank],
  name: [],
  last_synced: [sql`${repositories.lastSyncedAt} DESC NULLS LAST`],
  pull_requests: [sql`${storedPullRequestCount} DESC`],
};

export type RepositoryCounts = Record<StatusFilter | "all", number>;

/** How many repositories an installation has in all and per status filter, counted in the database. */
export async function countRepositories(
  db: Database,
  installationId: number,
  stalledBefore: Date,
): Promise<RepositoryCounts> {
  const counted = (status: StatusFilter) =>
    sql<number>`count(*) FILTER (WHERE ${statusCondition(status, stalledBefore)})`.mapWith(Number);
  const [row] = await db
    .select({
      all: count(),
      attention: counted("attention"),
      error: counted("error"),
      paused: counted("paused"),
      syncing: counted("syncing"),
      pending: counted("pending"),
      complete: counted("complete"),
    })
    .from(repositories)
    .where(eq(repositories.installationId, installationId));
  return row!;
}

/** One page of an installation's repositories (active first, then in the order asked for), with PR counts and insights. */
export function listRepositoryPage(
  db: Database,
  options: {
    installationId: number;
    status: StatusFilter | null;
    sort?: SortOrder;
    stalledBefore: Date;
    limit: number;
    offset: number;
  },
): Promise<RepositoryDetailRow[]> {
  const { installationId, status, stalledBefore } = options;
  return selectRepositoryDetails(
    db,
    and(eq(repositories.installationId, installationId), status ? statusCondition(status, stalledBefore) : undefined)!,
    (query) =>
      query
        .orderBy(
          sql`${repositories.active} DESC`,
          ...sortTerms[options.sort ?? "status"],
          repositories.fullName,
          repositories.id,
        )
        .limit(options.limit)
        .offset(options.offset),
  );
}

/** One repository with its PR count and insight headline, or undefined. */
export async function findRepositoryDetail(
  db: Database,
  repositoryId: number,
): Promise<RepositoryDetailRow | undefined> {
  const [row] = await selectRepositoryDetails(db, eq(repositories.id, repositoryId), (query) => query);
  return row;
}

async function selectRepositoryDetails(
  db: Database,
  where: SQL,
  shape: <Q extends PgSelect>(query: Q) => Q,
): Promise<RepositoryDetailRow[]> {
  const query = db
    .select({
      repository: repositories,
      pullRequests: storedPullRequestCount,
      // A correlated lookup on (repository_id, updated_at): index probes for the rows asked for, not the whole table.
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
    .leftJoin(insights, eq(insights.repositoryId, repositories.id))
    .where(where)
    .$dynamic();
  return shape(query);
}

/** The installation a repository belongs to, for the access check before anything else is read. */
export async function findRepositoryInstallationId(db: Database, repositoryId: number): Promise<number | undefined> {
  const [row] = await db
    .select({ installationId: repositories.installationId })
    .from(repositories)
    .where(and(eq(repositories.id, repositoryId)));
  return row?.installationId;
}

/** The active repositories of an installation by name, for the insights page's filter. */
export function listRepositoryNames(
  db: Database,
  installationId: number,
): Promise<{ id: number; fullName: string; historySince: Date | null; dataVersion: number }[]> {
  return db
    .select({
      id: repositories.id,
      fullName: repositories.fullName,
      historySince: repositories.historySince,
      dataVersion,
    })
    .from(repositories)
    .where(and(eq(repositories.installationId, installationId), eq(repositories.active, true)))
    .orderBy(repositories.fullName, repositories.id);
}
