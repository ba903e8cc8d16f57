import {
  listingQuery,
  parseRepositoryListing,
  settlePage,
} from "../../../src/modules/status-page/status-page.listing.js";
import { StatusPageError } from "../../../src/modules/status-page/status-page.errors.js";

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof StatusPageError) return { status: error.status, code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a StatusPageError");
};

describe("repository listing parameters", () => {
  it("defaults to the first page of 100 with no filter, and treats empty values as absent", () => {
    expect(parseRepositoryListing({})).toEqual({ page: 1, perPage: 100, status: null, sort: "status" });
    expect(parseRepositoryListing({ page: "", per_page: "", status: "", sort: "" })).toEqual({
      page: 1,
      perPage: 100,
      status: null,
      sort: "status",
    });
    expect(parseRepositoryListing({ page: "3", per_page: "200", status: "attention", sort: "last_synced" })).toEqual({
      page: 3,
      perPage: 200,
      status: "attention",
      sort: "last_synced",
    });
  });

  it("refuses pages that are not whole numbers from 1, whatever their size or spelling", () => {
    for (const page of ["0", "-1", "abc", "1.5", "1e3", "0x10", " 2", "1000001", "1" + "0".repeat(30)]) {
      expect([page, failure(() => parseRepositoryListing({ page }))]).toEqual([
        page,
        { status: 400, code: "BAD_REQUEST", message: "page must be a whole number from 1 to 1000000." },
      ]);
    }
  });

  it("refuses page sizes outside 1 to 200 and statuses it does not know", () => {
    for (const per_page of ["0", "201", "-5", "ten", "99999999999999999999"]) {
      expect([per_page, failure(() => parseRepositoryListing({ per_page }))]).toEqual([
        per_page,
        { status: 400, code: "BAD_REQUEST", message: "per_page must be a whole number from 1 to 200." },
      ]);
    }
    for (const status of ["broken", "ERROR", "removed"]) {
      expect(failure(() => parseRepositoryListing({ status }))).toEqual({
        status: 400,
        code: "BAD_REQUEST",
        message: "status must be one of attention, error, paused, syncing, pending, complete.",
      });
    }
    for (const sort of ["Name", "stars", "name;drop"]) {
      expect(failure(() => parseRepositoryListing({ sort }))).toEqual({
        status: 400,
        code: "BAD_REQUEST",
        message: "sort must be one of status, name, last_synced, pull_requests.",
      });
    }
  });

  it("moves a page past the end to the last page for people and refuses it for scripts", () => {
    const listing = { page: 9, perPage: 100, status: null, sort: "status" as const };
    expect(settlePage(listing, 250, "clamp")).toBe(3);
    expect(settlePage({ ...listing, page: 3 }, 250, "reject")).toBe(3);
    expect(settlePage(listing, 0, "clamp")).toBe(1);
    expect(settlePage({ ...listing, page: 1 }, 0, "reject")).toBe(1);
    expect(failure(() => settlePage(listing, 250, "reject"))).toEqual({
      status: 400,
      code: "BAD_REQUEST",
      message: "page 9 is past the end: 250 repositories make 3 pages of 100.",
    });
    expect(failure(() => settlePage({ ...listing, page: 2 }, 0, "reject")).message).toBe(
      "page 2 is past the end: 0 repositories make 1 page of 100.",
    );
  });

  it("writes the query string back with defaults left out", () => {
    expect(listingQuery({ page: 1, perPage: 100, status: null, sort: "status" })).toBe("");
    expect(listingQuery({ page: 3, perPage: 100, status: null, sort: "status" })).toBe("?page=3");
    expect(listingQuery({ page: 2, perPage: 50, status: "error", sort: "name" })).toBe(
      "?status=error&sort=name&page=2&per_page=50",
    );
  });
});
