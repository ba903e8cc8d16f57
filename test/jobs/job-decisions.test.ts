import { DatabaseError } from "pg";
import { resumeAt, retryDelay } from "../../src/jobs/backoff.js";
import { PermanentJobError } from "../../src/jobs/errors.js";
import { decideOnFailure, type FailureDecision } from "../../src/jobs/github-failures.js";

const NOW = new Date("2026-11-20T12:00:00Z");

describe("retryDelay", () => {
  // random() = 0.5 puts the ±25% jitter at its middle, so the exponential part shows as it is.
  const rows: [string, { attempt: number; attempts: number; error: unknown; random?: () => number }, number | null][] =
    [
      ["the first retry waits the base", { attempt: 1, attempts: 5, error: new Error("x") }, 15_000],
      ["each retry doubles the wait", { attempt: 3, attempts: 5, error: new Error("x") }, 60_000],
      ["the wait is capped at 30 minutes", { attempt: 12, attempts: 20, error: new Error("x") }, 30 * 60_000],
      ["jitter takes off up to a quarter", { attempt: 1, attempts: 5, error: new Error("x"), random: () => 0 }, 11_250],
      ["jitter adds up to a quarter", { attempt: 1, attempts: 5, error: new Error("x"), random: () => 1 }, 18_750],
      ["the last attempt is not retried", { attempt: 5, attempts: 5, error: new Error("x") }, null],
      ["a permanent error is not retried", { attempt: 1, attempts: 5, error: new PermanentJobError("X", "no") }, null],
    ];
  it.each(rows)("%s", (_name, options, expected) => {
    expect(retryDelay({ random: () => 0.5, ...options })).toBe(expected);
  });
});

describe("resumeAt", () => {
  const reset = new Date("2026-11-20T12:30:00Z");
  const rows: [string, Date, number, number, Date][] = [
    ["resumes a second after the reset with no jitter drawn", reset, 30_000, 0, new Date(reset.getTime() + 1_000)],
    ["spreads resumptions over the jitter", reset, 30_000, 0.5, new Date(reset.getTime() + 16_000)],
    [
      "a reset already past resumes from now",
      new Date("2026-11-20T11:00:00Z"),
      30_000,
      0,
      new Date(NOW.getTime() + 1_000),
    ],
    ["no jitter resumes at the reset", reset, 0, 0.9, reset],
  ];
  it.each(rows)("%s", (_name, resetAt, jitterMs, random, expected) => {
    expect(resumeAt(resetAt, NOW, jitterMs, () => random)).toEqual(expected);
  });
});

describe("decideOnFailure", () => {
  const rateLimited = Object.assign(new Error("limit"), { errors: [{ type: "RATE_LIMITED" }], headers: {} });
  const badCredentials = Object.assign(new Error("Bad credentials"), { status: 401 });
  const gatewayTimeout = Object.assign(new Error("Gateway Timeout"), { status: 504 });
  const serverError = Object.assign(new Error("Server Error"), { status: 500 });
  const notFound = Object.assign(new Error("Not Found"), { status: 404 });
  // As node-postgres reports a statement PostgreSQL refused, and as Drizzle wraps it.
  const refused = Object.assign(new DatabaseError("canceling statement due to statement timeout", 0, "error"), {
    code: "57014",
  });
  const wrapped = new Error("Failed query: insert into …", { cause: refused });
  const base = { tokenRefreshed: false, canShrink: true, lastAttempt: false };
  const rows: [
    string,
    unknown,
    Partial<typeof base>,
    Partial<FailureDecision> & { action: FailureDecision["action"] },
  ][] = [
    ["a rate limit pauses", rateLimited, {}, { action: "pause", resetAt: new Date(NOW.getTime() + 60_000) }],
    ["bad credentials first get a fresh token", badCredentials, {}, { action: "refresh_token" }],
    [
      "bad credentials after a fresh token give up",
      badCredentials,
      { tokenRefreshed: true },
      { action: "give_up", code: "BAD_CREDENTIALS" },
    ],
    ["a timeout shrinks the page while it can", gatewayTimeout, {}, { action: "shrink_page" }],
    [
      "a timeout at the smallest page is retried later",
      gatewayTimeout,
      { canShrink: false },
      { action: "retry_later" },
    ],
    ["a permanent failure gives up at once", notFound, {}, { action: "give_up", code: "NOT_FOUND" }],
    ["a transient failure is retried later", serverError, {}, { action: "retry_later" }],
    [
      "a transient failure on the last attempt gives up",
      serverError,
      { lastAttempt: true },
      { action: "give_up", code: "GITHUB_UNAVAILABLE" },
    ],
    [
      "a failure PostgreSQL reported is the database's, even one that speaks of a timeout",
      wrapped,
      {},
      { action: "retry_later", message: "The database failed (57014): canceling statement due to statement timeout" },
    ],
    [
      "a database failure on the last attempt gives up as the database's",
      refused,
      { lastAttempt: true },
      { action: "give_up", code: "DATABASE_FAILED" },
    ],
  ];
  it.each(rows)("%s", (_name, error, state, expected) => {
    const { tokenRefreshed, canShrink, lastAttempt } = { ...base, ...state };
    const decision = decideOnFailure({
      error,
      now: NOW,
      tokenRefreshed,
      canShrink,
      isLastAttempt: () => lastAttempt,
      attempts: 5,
    });
    expect(decision).toMatchObject(expected);
  });

  it("gives up with a PermanentJobError, so the queue does not retry it", () => {
    const decision = decideOnFailure({ ...base, error: notFound, now: NOW, isLastAttempt: () => false, attempts: 5 });
    expect(decision.action === "give_up" && decision.error).toBeInstanceOf(PermanentJobError);
  });
});
