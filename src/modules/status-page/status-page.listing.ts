import { badRequest } from "./status-page.errors.js";

/** The statuses the repository table filters by; `attention` is error, paused or stalled. */
export const STATUS_FILTERS = ["attention", "error", "paused", "syncing", "pending", "complete"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 200;
/** Far beyond any real installation, and small enough that page × per_page stays a safe integer. */
export const MAX_PAGE = 1_000_000;

/**
 * How the repository table is ordered: problems first (the default), by name, most recently synced
 * first, or most pull requests first. Removed repositories always come last.
 */
export const SORT_ORDERS = ["status", "name", "last_synced", "pull_requests"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** Which slice of an installation's repositories to show, and in which order. */
export interface RepositoryListing {
  page: number;
  perPage: number;
  status: StatusFilter | null;
  sort: SortOrder;
}

export const defaultListing: RepositoryListing = { page: 1, perPage: DEFAULT_PER_PAGE, status: null, sort: "status" };

const isSortOrder = (value: string): value is SortOrder => (SORT_ORDERS as readonly string[]).includes(value);

const isStatusFilter = (value: string): value is StatusFilter => (STATUS_FILTERS as readonly string[]).includes(value);

function wholeNumber(raw: string | undefined, name: string, max: number): number | null {
  if (raw === undefined || raw === "") return null;
  // Digits only, so "1e3", "0x10", " 2" and "1.0" are refused rather than read as numbers.
  const value = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max)) throw badRequest(`${name} must be a whole number from 1 to ${max}.`);
  return value;
}

/** Reads `page`, `per_page`, `status` and `sort` from a query string; anything malformed is a 400 saying what is allowed. */
export function parseRepositoryListing(query: Record<string, string | undefined>): RepositoryListing {
  const status = query.status === undefined || query.status === "" ? null : query.status;
  if (status !== null && !isStatusFilter(status))
    throw badRequest(`status must be one of ${STATUS_FILTERS.join(", ")}.`);
  const sort = query.sort === undefined || query.sort === "" ? "status" : query.sort;
  if (!isSortOrder(sort)) throw badRequest(`sort must be one of ${SORT_ORDERS.join(", ")}.`);
  return {
    page: wholeNumber(query.page, "page", MAX_PAGE) ?? 1,
    perPage: wholeNumber(query.per_page, "per_page", MAX_PER_PAGE) ?? DEFAULT_PER_PAGE,
    status,
    sort,
  };
}

/** How many pages `total` rows fill; an empty table still has its one (empty) page. */
export const pageCount = (total: number, perPage: number) => Math.max(1, Math.ceil(total / perPage));

/**
 * The page to show when `listing.page` may be past the end: the HTML page moves to the last page (a
 * filter that empties while the page polls must not break it); the API says the page does not exist.
 */
export function settlePage(listing: RepositoryListing, total: number, pastEnd: "clamp" | "reject"): number {
  const last = pageCount(total, listing.perPage);
  if (listing.page <= last) return listing.page;
  if (pastEnd === "clamp") return last;
  throw badRequest(
    `page ${listing.page} is past the end: ${total} repositories make ${last} page${last === 1 ? "" : "s"} of ${listing.perPage}.`,
  );
}

/** The query string (with its "?", or "") that leads back to `listing`, leaving defaults out. */
export function listingQuery(listing: RepositoryListing): string {
  const params = new URLSearchParams();
  if (listing.status) params.set("status", listing.status);
  if (listing.sort !== "status") params.set("sort", listing.sort);
  if (listing.page !== 1) params.set("page", String(listing.page));
  if (listing.perPage !== DEFAULT_PER_PAGE) params.set("per_page", String(listing.perPage));
  const text = params.toString();
  return text ? `?${text}` : "";
}
