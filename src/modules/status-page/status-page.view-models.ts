import {
  listingQuery,
  pageCount,
  type RepositoryListing,
  SORT_ORDERS,
  type SortOrder,
  STATUS_FILTERS,
  type StatusFilter,
} from "./status-page.listing.js";
import type { InstallationSummaryRow, RepositoryCounts, RepositoryDetailRow } from "./status-page.repository.js";
import {
  coveredShare,
  estimateRemainingMs,
  formatDuration,
  formatHours,
  formatRelative,
  formatUtc,
  installationBadge,
  isActive,
  isStalled,
  repositoryBadge,
} from "./status-page.models.js";
import { isInstallationLive } from "../installations/installations.models.js";

// Control characters (a terminal escape, a bell) have no business on a page; tabs and newlines become spaces.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;
const printable = (text: string) => text.replace(CONTROL_CHARACTERS, " ").trim();

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** One repository as the page and the JSON API show it. */
export function repositoryView(row: RepositoryDetailRow, installationLive: boolean, now: Date) {
  const r = row.repository;
  const share = coveredShare(r);
  const eta = estimateRemainingMs(r, now);
  return {
    id: r.id,
    installationId: r.installationId,
    fullName: r.fullName,
    active: r.active,
    status: r.status,
    syncKind: r.syncKind,
    badge: repositoryBadge(r, now),
    prsSynced: r.prsSynced,
    pullRequests: row.pullRequests,
    latestPullRequest:
      row.latestNumber === null ? null : { number: row.latestNumber, title: printable(row.latestTitle ?? "") },
    coveredPercent: share === null ? null : Math.floor(share * 100),
    etaMs: eta,
    etaLabel: eta === null ? null : `about ${formatDuration(eta)} left`,
    stalled: isStalled(r, now),
    pausedUntil: iso(r.pausedUntil),
    lastError: r.lastError,
    lastSyncedAt: iso(r.lastSyncedAt),
    lastSyncedRelative: r.lastSyncedAt ? formatRelative(r.lastSyncedAt, now) : null,
    lastSyncedUtc: r.lastSyncedAt ? formatUtc(r.lastSyncedAt) : null,
    lastRunPoints: r.lastRunPoints,
    insights: {
      medianCycleHours: row.medianCycleHours,
      medianFirstReviewHours: row.medianFirstReviewHours,
      medianCycle: formatHours(row.medianCycleHours),
      medianFirstReview: formatHours(row.medianFirstReviewHours),
    },
    canAct: installationLive && r.active,
  };
}

const memberStates: Record<string, string> = {
  pending: "Pending",
  syncing: "Syncing",
  paused: "Paused",
  complete: "Complete",
  error: "Error",
  not_applicable: "Not applicable (personal account)",
};

/** One installation's heading data: account, counts, member sync, recipients and whether it can sync. */
export function installationView(row: InstallationSummaryRow, now: Date) {
  const i = row.installation;
  const live = isInstallationLive(i);
  return {
    id: i.id,
    account: i.accountLogin,
    accountType: i.accountType,
    badge: installationBadge(i, now),
    live,
    suspended: i.suspendedAt !== null && !i.deletedAt,
    deleted: i.deletedAt !== null,
    repositories: row.repositories,
    synced: row.synced,
    busy: row.busy,
    memberSync: {
      status: i.memberSyncStatus,
      label: memberStates[i.memberSyncStatus] ?? i.memberSyncStatus,
      count: i.memberCount,
      error: i.memberSyncError,
      completedAt: iso(i.memberSyncCompletedAt),
      completedUtc: i.memberSyncCompletedAt ? formatUtc(i.memberSyncCompletedAt) : null,
      applicable: i.accountType === "Organization",
    },
    notifyEmails: i.notifyEmails,
  };
}

export type InstallationView = ReturnType<typeof installationView>;

/** Whether anything of the installation is still moving (on any page), so the page keeps polling. */
export function needsPolling(installation: InstallationView): boolean {
  return installation.live && (installation.busy > 0 || isActive(installation.memberSync.status));
}

const filterLabels: Record<StatusFilter, string> = {
  attention: "Needs attention",
  error: "Error",
  paused: "Paused",
  syncing: "Syncing",
  pending: "Pending",
  complete: "Complete",
};

const sortLabels: Record<SortOrder, string> = {
  status: "Status",
  name: "Name",
  last_synced: "Last synced",
  pull_requests: "Pull requests",
};
const sortDirections: Record<SortOrder, "ascending" | "descending"> = {
  status: "ascending",
  name: "ascending",
  last_synced: "descending",
  pull_requests: "descending",
};

/**
 * The repository table's filter links (with counts over every repository), its "X–Y of Z" and its
 * previous/next links. `path` is the installation page; `listing` is the page actually shown.
 */
export function listingView(path: string, listing: RepositoryListing, counts: RepositoryCounts) {
  const total = listing.status ? counts[listing.status] : counts.all;
  const pages = pageCount(total, listing.perPage);
  const at = (page: number) => `${path}${listingQuery({ ...listing, page })}`;
  const filter = (status: StatusFilter | null, label: string, count: number) => ({
    label,
    count,
    href: `${path}${listingQuery({ ...listing, status, page: 1 })}`,
    current: listing.status === status,
  });
  const first = total === 0 ? 0 : (listing.page - 1) * listing.perPage + 1;
  return {
    filters: [
      filter(null, "All", counts.all),
      ...STATUS_FILTERS.map((status) => filter(status, filterLabels[status], counts[status])),
    ],
    filterLabel: listing.status ? filterLabels[listing.status] : null,
    sorts: Object.fromEntries(
      SORT_ORDERS.map((sort) => [
        sort,
        {
          label: sortLabels[sort],
          href: `${path}${listingQuery({ ...listing, sort, page: 1 })}`,
          current: listing.sort === sort,
          direction: sortDirections[sort],
        },
      ]),
    ) as Record<SortOrder, { label: string; href: string; current: boolean; direction: string }>,
    sortLabel: sortLabels[listing.sort],
    first,
    last: Math.min(total, listing.page * listing.perPage),
    total,
    page: listing.page,
    pages,
    previous: listing.page > 1 ? at(listing.page - 1) : null,
    next: listing.page < pages ? at(listing.page + 1) : null,
    /** What the live partial polls: the same page, filter and size. */
    query: listingQuery(listing),
  };
}
