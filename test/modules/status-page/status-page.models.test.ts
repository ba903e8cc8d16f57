import {
  coveredShare,
  estimateRemainingMs,
  isStalled,
  repositoryBadge,
  formatRelative,
  formatUtc,
} from "../../../src/modules/status-page/status-page.models.js";
import { parseEmailList } from "../../../src/modules/status-page/status-page.usecases.js";
import { createSigner } from "../../../src/modules/status-page/status-page.session.js";

const at = (iso: string) => new Date(iso);
const window = {
  windowStart: at("2024-01-01T00:00:00Z"),
  windowEnd: at("2024-01-31T00:00:00Z"),
};

describe("status page models", () => {
  it("counts the covered share from the newest end of the window back to where the run has reached", () => {
    expect(coveredShare({ status: "syncing", ...window, reachedAt: at("2024-01-31T00:00:00Z") })).toBe(0);
    expect(coveredShare({ status: "syncing", ...window, reachedAt: at("2024-01-16T00:00:00Z") })).toBe(0.5);
    expect(coveredShare({ status: "syncing", ...window, reachedAt: at("2023-12-01T00:00:00Z") })).toBe(1);
    expect(coveredShare({ status: "syncing", ...window, reachedAt: null })).toBe(0);
    expect(coveredShare({ status: "pending", windowStart: null, windowEnd: null, reachedAt: null })).toBeNull();
    expect(coveredShare({ status: "complete", windowStart: null, windowEnd: null, reachedAt: null })).toBe(1);
  });

  it("estimates the time left from the share covered and the time spent", () => {
    const input = {
      status: "syncing" as const,
      ...window,
      reachedAt: at("2024-01-24T00:00:00Z"), // 7 of 30 days covered
      syncStartedAt: at("2024-02-01T12:00:00Z"),
      lastProgressAt: at("2024-02-01T12:07:00Z"),
    };
    const now = at("2024-02-01T12:07:00Z");
    expect(estimateRemainingMs(input, now)).toBe(23 * 60_000);
    expect(estimateRemainingMs({ ...input, reachedAt: at("2024-01-31T00:00:00Z") }, now)).toBeNull();
    expect(estimateRemainingMs({ ...input, status: "paused" }, now)).toBeNull();
  });

  it("flags a syncing repository as stalled after 10 minutes without progress", () => {
    const base = { status: "syncing" as const, syncStartedAt: at("2024-02-01T12:00:00Z") };
    const progress = { ...base, lastProgressAt: at("2024-02-01T12:05:00Z") };
    expect(isStalled(progress, at("2024-02-01T12:14:59Z"))).toBe(false);
    expect(isStalled(progress, at("2024-02-01T12:15:00Z"))).toBe(true);
    expect(isStalled({ ...base, lastProgressAt: null }, at("2024-02-01T12:10:00Z"))).toBe(true);
    expect(isStalled({ ...progress, status: "complete" }, at("2024-02-02T00:00:00Z"))).toBe(false);
  });

  it("says the state in words: paused until the reset time in UTC, or the error's reason", () => {
    const now = at("2024-02-01T12:00:00Z");
    const repo = { active: true, pausedUntil: null, lastError: null };
    expect(repositoryBadge({ ...repo, status: "paused", pausedUntil: at("2024-02-01T12:43:10Z") }, now).label).toBe(
      "Paused until 12:43 UTC",
    );
    expect(repositoryBadge({ ...repo, status: "error", lastError: "Not Found" }, now)).toEqual({
      label: "Error",
      tone: "danger",
      detail: "Not Found",
    });
    expect(repositoryBadge({ ...repo, status: "complete", active: false }, now).label).toBe("Removed");
  });

  it("formats times relative and in UTC", () => {
    const now = at("2024-02-01T12:00:00Z");
    expect(formatRelative(at("2024-02-01T11:55:00Z"), now)).toBe("5 minutes ago");
    expect(formatRelative(at("2024-01-30T12:00:00Z"), now)).toBe("2 days ago");
    expect(formatUtc(at("2024-02-01T11:55:00Z"))).toBe("2024-02-01 11:55 UTC");
  });

  it("accepts recipients separated by commas or lines and names the invalid ones", () => {
    expect(parseEmailList("a@x.io, b@x.io\nc@x.io a@x.io")).toEqual(["a@x.io", "b@x.io", "c@x.io"]);
    expect(parseEmailList("")).toEqual([]);
    expect(() => parseEmailList("a@x.io, bad, worse@")).toThrow("Entries 2, 3 of the list are not email addresses");
  });

  it("accepts only cookies it signed and that have not expired", () => {
    const signer = createSigner("secret-secret-secret-secret-secret");
    const now = at("2024-02-01T12:00:00Z");
    const value = signer.sign("session", { kind: "operator", id: "x", expiresAt: now.getTime() + 1000 });
    expect(signer.verify("session", value, now)).toMatchObject({ kind: "operator" });
    expect(signer.verify("pre", value, now)).toBeNull();
    expect(signer.verify("session", value, new Date(now.getTime() + 1000))).toBeNull();
    expect(createSigner("another-secret-another-secret-12345").verify("session", value, now)).toBeNull();
    const [body, mac] = value.split(".");
    const forged = Buffer.from(JSON.stringify({ kind: "operator", id: "x", expiresAt: 9e15 })).toString("base64url");
    expect(signer.verify("session", `${forged}.${mac}`, now)).toBeNull();
    expect(body).toBeTruthy();
  });
});
