import type { JobDefinition } from "../../src/jobs/job-definition.js";

/**
 * A job definition for tests of the queue itself: one run at a time, one try, one job per repository; `more`
 * adds what the test is about (a lookahead, an admission rule).
 */
export function queueTestJob<Name extends "insights.compute" | "repository.sync">(
  name: Name,
  handler: JobDefinition<Name>["handler"],
  more: Pick<JobDefinition<Name>, "admission" | "lookahead"> = {},
): JobDefinition<Name> {
  return { name, concurrency: 1, attempts: 1, lockLifetimeMs: 60_000, uniqueBy: "repositoryId", handler, ...more };
}
