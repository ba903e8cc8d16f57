import type { Logger } from "pino";
import type { Database } from "../../db/client.js";
import { getRepositoryTracking, updateRepository } from "./repositories.repository.js";

/**
 * Starts reading the repository an event is about at once, and returns what to call once the delivery is claimed:
 * the tracked, active repository, or undefined (logged at debug) when pr-sync does not track it. Read beside the
 * claim, a webhook waits for two round trips before its write instead of three, which is what it waits for
 * while the database is busy with syncs; anything the event changes (a rename) still waits for the claim.
 */
export function trackedRepository(
  deps: { db: Database; log: Logger },
  repository: { id: number; full_name: string },
): () => Promise<{ id: number; fullName: string } | undefined> {
  const read = getRepositoryTracking(deps.db, repository.id);
  // A duplicate delivery never asks for the answer: its failure must not go unhandled.
  read.catch(() => {});
  return async () => {
    const row = await read;
    if (!row || !row.active) {
      deps.log.debug({ repository: repository.full_name }, "event for an untracked repository ignored");
      return undefined;
    }
    // The event carries the current name, so a rename whose own event was lost still shows up.
    if (row.fullName !== repository.full_name) {
      await updateRepository(deps.db, row.id, { fullName: repository.full_name });
    }
    return row;
  };
}
