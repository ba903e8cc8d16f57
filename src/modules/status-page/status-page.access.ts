import type { InstallationAccess } from "../sessions/sessions.table.js";

/**
 * Who is asking. An operator sees and does everything. A user has, per installation GitHub lists for
 * them, a role: `admin` (an owner of the organization, or the account itself for a user installation)
 * may act; `member` may only look.
 */
export type Viewer = { kind: "operator" } | { kind: "user"; login: string; access: InstallationAccess[] };

/** Whether the viewer may see an installation and everything in it (pages, API answers, exports). */
export function canSee(viewer: Viewer, installationId: number): boolean {
  return viewer.kind === "operator" || viewer.access.some((a) => a.installationId === installationId);
}

/** Whether the viewer may act on an installation: queue syncs, extend history, change its recipients. */
export function canAct(viewer: Viewer, installationId: number): boolean {
  return (
    viewer.kind === "operator" || viewer.access.some((a) => a.installationId === installationId && a.role === "admin")
  );
}

/** The installations the viewer may see: every one, or a list of ids. */
export function visibleInstallationIds(viewer: Viewer): "all" | number[] {
  return viewer.kind === "operator" ? "all" : viewer.access.map((a) => a.installationId);
}
