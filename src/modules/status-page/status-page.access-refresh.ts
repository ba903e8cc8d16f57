import type { Database } from "../../db/client.js";
import { getInstallation, type InstallationRow } from "../installations/installations.repository.js";
import type { InstallationAccess, InstallationRole } from "../sessions/sessions.table.js";

/** How often a user's roles are read again from GitHub while they use the status page. */
export const ACCESS_REFRESH_MS = 15 * 60_000;
/** Before an action, roles older than this are read again, so a demoted owner cannot act on old rights. */
export const ACTION_RECHECK_MS = 60_000;

/**
 * A user's role in an organization as the app sees it now: a role, `null` when they are no longer a
 * member, or `unknown` when GitHub could not say (the previous role stands until the next check).
 */
export type MembershipLookup = (
  installation: Pick<InstallationRow, "id" | "accountLogin">,
  login: string,
) => Promise<InstallationRole | null | "unknown">;

/**
 * Reads every role of a session again with the app's own credentials (the user's token is never
 * kept): an owner made member loses actions, a removed member loses the installation.
 */
export async function refreshAccess(options: {
  db: Database;
  login: string;
  userId: number;
  access: InstallationAccess[];
  lookup: MembershipLookup;
}): Promise<InstallationAccess[]> {
  const refreshed: InstallationAccess[] = [];
  for (const entry of options.access) {
    const installation = await getInstallation(options.db, entry.installationId);
    // Unknown to pr-sync (nothing to show) or the user's own account (that cannot change): kept as is.
    if (!installation || installation.accountType === "User") {
      if (!installation || installation.accountId === options.userId) refreshed.push(entry);
      continue;
    }
    const role = await options.lookup(installation, options.login);
    if (role === "unknown") refreshed.push(entry);
    else if (role !== null) refreshed.push({ installationId: entry.installationId, role });
  }
  return refreshed;
}
