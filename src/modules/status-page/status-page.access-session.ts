import type { Database } from "../../db/client.js";
import type { SessionRow } from "../sessions/sessions.repository.js";
import { updateSessionAccess } from "../sessions/sessions.repository.js";
import type { Viewer } from "./status-page.access.js";
import {
  ACCESS_REFRESH_MS,
  ACTION_RECHECK_MS,
  type MembershipLookup,
  refreshAccess,
} from "./status-page.access-refresh.js";

/**
 * The viewer of a session, with a user's roles read again from GitHub when they are older than
 * ACCESS_REFRESH_MS, or than ACTION_RECHECK_MS before an action; the new roles are stored.
 */
export async function ensureFreshAccess(options: {
  db: Database;
  session: SessionRow;
  lookup: MembershipLookup;
  now: Date;
  acting: boolean;
}): Promise<Viewer> {
  const { db, session, now } = options;
  if (session.kind === "operator") return { kind: "operator" };
  const login = session.login ?? "";
  const age = now.getTime() - session.accessCheckedAt.getTime();
  if (age < (options.acting ? ACTION_RECHECK_MS : ACCESS_REFRESH_MS) || session.userId === null)
    return { kind: "user", login, access: session.access };
  const access = await refreshAccess({
    db,
    login,
    userId: session.userId,
    access: session.access,
    lookup: options.lookup,
  });
  await updateSessionAccess(db, session.idHash, access, now);
  return { kind: "user", login, access };
}
