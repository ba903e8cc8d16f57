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
  // While a crowd of new installations starts, every sync that starts is a new installation's first. Four at a
  // time, tokens that take GitHub a page's time came barely faster than syncs started, and one first sync in
  // five still waited for its token in its place; eight keep well ahead.
  const parallel = options.parallel ?? 8;
  const now = options.now ?? Date.now;
  // Until when each installation needs nothing: its token is fresh, or GitHub refused it a moment ago.
  const quietUntil = new Map<number, number>();
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
          () => quietUntil.set(installationId, now() + FRESH_MS),
          (error: unknown) => {
            quietUntil.set(installationId, now() + REFUSED_MS);
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
      for (const id of installationIds) {
        if ((quietUntil.get(id) ?? 0) > now() || waiting.has(id)) continue;
        waiting.add(id);
        queued.push(id);
      }
      next();
    },
  };
}
