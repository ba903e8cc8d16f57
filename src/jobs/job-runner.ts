import type { Agenda, Job } from "agenda";
import type { Logger } from "pino";
import { retryDelay } from "./backoff.js";
import { isPermanent } from "./errors.js";
import type { AnyJobDefinition, JobContext } from "./job-definition.js";

/**
 * Defines one job on Agenda with the wrapper every job shares: attempt counting, explicit retry decisions
 * and "run again at" for rate-limit pauses.
 */
export function defineJob(
  agenda: Agenda,
  definition: AnyJobDefinition,
  options: { log: Logger; retryBaseMs?: number | undefined },
): void {
  agenda.define(
    definition.name,
    async (job: Job<unknown>) => {
      const attempt = (job.attrs.failCount ?? 0) + 1;
      let again: Date | undefined;
      const context: JobContext = {
        attempt,
        isLastAttempt: (error) => isPermanent(error) || attempt >= definition.attempts,
        runAgainAt: (at) => {
          again = at;
        },
        touch: async () => {
          await job.touch();
        },
        log: options.log.child({ job: definition.name, jobId: String(job.attrs._id) }),
      };
      await definition.handler(job.attrs.data, context);
      // Agenda saves nextRunAt after the handler returns, so setting it here reschedules this same job.
      if (again) job.attrs.nextRunAt = again;
    },
    {
      concurrency: definition.concurrency,
      lockLimit: definition.concurrency,
      lockLifetime: definition.lockLifetimeMs,
      backoff: (ctx) =>
        retryDelay({
          attempt: ctx.attempt,
          attempts: definition.attempts,
          error: ctx.error,
          ...(options.retryBaseMs !== undefined ? { baseMs: options.retryBaseMs } : {}),
        }),
    },
  );
}
