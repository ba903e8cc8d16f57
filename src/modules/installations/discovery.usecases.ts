import type { AppGitHub } from "../../github/app-client.js";
import { getInstallation } from "./installations.repository.js";
import { installationCreated, type LifecycleDeps } from "./installations.usecases.js";

/**
 * Finds installations GitHub has and pr-sync does not (the app was installed before pr-sync ran, or
 * the installation webhook was lost) and sets them up exactly as installation.created would.
 * Installations pr-sync already knows are left to their webhooks.
 */
export async function discoverInstallations(
  deps: LifecycleDeps & { github: AppGitHub },
): Promise<{ known: number; discovered: number[] }> {
  const discovered: number[] = [];
  let known = 0;
  for (const installation of await deps.github.listInstallations()) {
    const stored = await getInstallation(deps.db, installation.id);
    if (stored && !stored.deletedAt) {
      known += 1;
      continue;
    }
    const repositories = installation.suspended ? [] : await deps.github.listInstallationRepositories(installation.id);
    await installationCreated(deps, installation, repositories, installation.suspended);
    discovered.push(installation.id);
    deps.log.info(
      { installationId: installation.id, account: installation.accountLogin, repositories: repositories.length },
      "installation found on GitHub without its installation event; now tracked",
    );
  }
  return { known, discovered };
}
