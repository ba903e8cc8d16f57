/** Errors of the repositories module, each with a stable code and a message a person can act on. */
export class RepositoryError extends Error {
  constructor(
    readonly code: "REPOSITORY_NOT_FOUND" | "REPOSITORY_INACTIVE" | "INSTALLATION_SUSPENDED" | "INSTALLATION_DELETED",
    message: string,
  ) {
    super(message);
    this.name = "RepositoryError";
  }
}

export const repositoryNotFound = (id: number) =>
  new RepositoryError("REPOSITORY_NOT_FOUND", `Repository ${id} is not tracked by pr-sync.`);
export const repositoryInactive = (name: string) =>
  new RepositoryError(
    "REPOSITORY_INACTIVE",
    `${name} is no longer part of the installation; add it to the app's repositories again to sync it.`,
  );
export const installationSuspended = (account: string) =>
  new RepositoryError(
    "INSTALLATION_SUSPENDED",
    `The installation on ${account} is suspended; unsuspend it in GitHub's settings to sync again.`,
  );
export const installationDeleted = (account: string) =>
  new RepositoryError("INSTALLATION_DELETED", `pr-sync was uninstalled from ${account}.`);
