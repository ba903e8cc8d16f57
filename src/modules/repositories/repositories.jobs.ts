export type SyncKind = "backfill" | "catch-up";

/** Data of a repository.sync job. `days` extends history to that many days (only the missing older range is fetched). */
export interface RepositorySyncJobData {
  repositoryId: number;
  installationId: number;
  kind: SyncKind;
  days?: number;
  /** Start over from the newest pull request instead of resuming a stored cursor. */
  restart?: boolean;
}

/**
 * Data of a repositories.fan-out job: queue a sync for many repositories of one installation outside
 * the webhook, which must answer GitHub within seconds even for thousands of repositories.
 */
export interface RepositoryFanOutJobData {
  installationId: number;
  /** The repositories to sync, or "all": every active repository of the installation. */
  repositoryIds: number[] | "all";
  kind: SyncKind;
}

/** The jobs of the repositories module, by name, with their data. */
export interface RepositoryJobs {
  "repository.sync": RepositorySyncJobData;
  "repositories.fan-out": RepositoryFanOutJobData;
  "catch-up.all": Record<string, never>;
}
