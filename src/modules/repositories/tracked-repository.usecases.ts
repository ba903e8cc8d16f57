import type { Logger } from "pino";
import type { Database } from "../../db/client.js";
import { getRepository, updateRepository, type RepositoryRow } from "./repositories.repository.js";

/** The tracked, active repository an event is about, or undefined (logged at debug) when pr-sync does not track it. */
export async function trackedRepository(
  deps: { db: Database; log: Logger },
  repository: { id: number; full_name: string },
): Promise<RepositoryRow | undefined> {
  const row = await getRepository(deps.db, repository.id);
  if (!row || !row.active) {
    deps.log.debug({ repository: repository.full_name }, "event for an untracked repository ignored");
    return undefined;
  }
  // The event carries the current name, so a rename whose own event was lost still shows up.
  if (row.fullName !== repository.full_name) {
    await updateRepository(deps.db, row.id, { fullName: repository.full_name });
  }
  return row;
}
