import type { Logger } from "pino";
import type { Probot } from "probot";

/** A token created this recently is still in Probot's cache (tokens live an hour; Probot keeps them 59 minutes). */
const FRESH_MS = 30 * 60_000;

/** After GitHub refused an installation's token (suspended, uninstalled), its next try waits this long. */
const REFUSED_MS = 60_000;

/**
 * Creates installation tokens ahead of the jobs that will need them, a few at a time, into Probot's token
 * cache. Creating a token takes GitHub a request's time; done here, it is not done by a job holding one of
 * the process's sync places. Failures are left to the job, which meets them with its own handling; a refused
 * installation is not asked again for a minute, however often its jobs come up.
 */
export function createTokenWarmer(options: { probot: Probot; log: Logger; parallel?: number; now?: () => number }) {
  const { probot, log } = options;
  const parallel = options.parallel ?? 4;
  const now = options.now ?? Date.now;
  // When each installation's token was created, or refused; either way nothing more is asked until it expires.
  const warmedAt = new Map<number, number>();
  const refusedAt = new Map<number, number>();
  const queued: number[] = [];
  const waiting = new Set<number>();
  let running = 0;

  const next = () => {
    while (running < parallel && queued.length > 0) {
      const installationId = queued.shift()!;
      running += 1;
      // probot.auth only builds a client; asking it for its authentication creates the token, into the cache.
      probot
        .auth(installationId)
        .then((octokit) => octokit.auth({ type: "installation" }))
        .then(
          () => warmedAt.set(installationId, now()),
          (error: unknown) => {
            refusedAt.set(installationId, now());
            log.debug({ err: error, installationId }, "could not create a token ahead of its sync");
          },
        )
        .finally(() => {
          running -= 1;
          waiting.delete(installationId);
          next();
        });
    }
  };

  return {
    /** Queues a token for each installation without a fresh one, in the order given. */
    warm(installationIds: number[]) {
      for (const [id, at] of warmedAt) if (at < now() - FRESH_MS) warmedAt.delete(id);
      for (const [id, at] of refusedAt) if (at < now() - REFUSED_MS) refusedAt.delete(id);
      for (const id of installationIds) {
        if (warmedAt.has(id) || refusedAt.has(id) || waiting.has(id)) continue;
        waiting.add(id);
        queued.push(id);
      }
      next();
    },
  };
}
