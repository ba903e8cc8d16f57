import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import type { InstallationGitHub } from "../github/installation-client.js";
import { decideOnFailure, type FailureDecision } from "./github-failures.js";

type GiveUp = Extract<FailureDecision, { action: "give_up" }>;
type RetryLater = Extract<FailureDecision, { action: "retry_later" }>;

/** What one paged GitHub job does at each point of the loop; the loop itself is runPagedJob's. */
export interface PagedJobSteps<Outcome> {
  /** Checked before every page: an outcome here (installation gone, repository removed) ends the run. */
  stopped?: () => Promise<Outcome | undefined>;
  /** Fetches one page and writes it with its progress in one transaction; "last" when nothing is left. */
  page: (github: InstallationGitHub) => Promise<"more" | "last">;
  /** After the last page: record the run as complete. */
  finish: (github: InstallationGitHub) => Promise<Outcome>;
  /** GitHub's budget is spent: record the pause until `resetAt` (plus jitter). */
  pause: (resetAt: Date, github: InstallationGitHub | undefined) => Promise<Outcome>;
  /** Halves the page after GitHub timed out on it; absent for jobs whose page size is fixed. */
  shrink?: { possible: () => boolean; apply: (reason: string) => Promise<void> };
  /** A failure retrying cannot fix, or the last attempt: record it (and may rethrow). */
  giveUp: (decision: GiveUp, github: InstallationGitHub | undefined) => Promise<Outcome>;
  /** A transient failure: record that the job will be retried; the loop then rethrows for the queue's backoff. */
  retryLater: (decision: RetryLater, error: unknown) => Promise<void>;
}

/** What a task hands every paged job's use case (repository sync, member sync). */
export interface PagedJobDeps {
  db: Database;
  log: Logger;
  now: () => Date;
  /** The installation's GitHub client; created lazily so a busy or stopped run makes no call. */
  github: (installationId: number) => Promise<InstallationGitHub>;
  /** Extends the job's lock after each page. */
  touch: () => Promise<void>;
  isLastAttempt: (error: unknown) => boolean;
  attempts: number;
}

export interface PagedJobOptions {
  /** The installation's GitHub client; created at the first page so a stopped run makes no call. */
  github: () => Promise<InstallationGitHub>;
  /** Extends the job's lock after each page. */
  touch: () => Promise<void>;
  now: () => Date;
  /** Pause before a page when fewer GraphQL points than this remain. */
  rateLimitFloor: number;
  isLastAttempt: (error: unknown) => boolean;
  attempts: number;
  log: Logger;
}

/**
 * The loop every paged GitHub job shares: page after page until the last, pausing when the rate-limit
 * budget runs low, and turning each failure into one decision (pause, fresh token, smaller page, give
 * up, retry later) through decideOnFailure.
 */
export async function runPagedJob<Outcome>(options: PagedJobOptions, steps: PagedJobSteps<Outcome>): Promise<Outcome> {
  let github: InstallationGitHub | undefined;
  let tokenRefreshed = false;
  for (;;) {
    try {
      const stopped = await steps.stopped?.();
      if (stopped !== undefined) return stopped;
      github ??= await options.github();
      const low = github.meter.exhausted(options.rateLimitFloor, ["graphql"]);
      if (low) return await steps.pause(low.resetAt, github);
      const result = await steps.page(github);
      if (result === "last") return await steps.finish(github);
      await options.touch();
    } catch (error) {
      const decision = decideOnFailure({
        error,
        now: options.now(),
        tokenRefreshed,
        canShrink: steps.shrink?.possible() ?? false,
        isLastAttempt: options.isLastAttempt,
        attempts: options.attempts,
      });
      switch (decision.action) {
        case "pause":
          return await steps.pause(decision.resetAt, github);
        case "refresh_token":
          tokenRefreshed = true;
          options.log.warn("GitHub refused the installation token; retrying with a new one");
          if (github) await github.refreshToken();
          continue;
        case "shrink_page":
          await steps.shrink!.apply(decision.message);
          continue;
        case "give_up":
          return await steps.giveUp(decision, github);
        case "retry_later":
          await steps.retryLater(decision, error);
          throw decision.error;
      }
    }
  }
}
