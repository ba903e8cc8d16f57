/** A repository as an installation event or GitHub's installation API lists it. */
export interface TrackedRepository {
  id: number;
  fullName: string;
  private: boolean;
  archived?: boolean;
}

/** The two facts that decide whether pr-sync works for an installation. */
interface InstallationState {
  deletedAt: Date | null;
  suspendedAt: Date | null;
}

/** Why pr-sync does no work for an installation (uninstalled wins over suspended), or null while it is live. */
export function installationStopReason(installation: InstallationState): "uninstalled" | "suspended" | null {
  if (installation.deletedAt) return "uninstalled";
  if (installation.suspendedAt) return "suspended";
  return null;
}

/** True while the installation is neither uninstalled nor suspended: pr-sync may call GitHub for it. */
export function isInstallationLive(installation: InstallationState): boolean {
  return installationStopReason(installation) === null;
}
