/** Why a discovery runs: once at start, then daily before the catch-up. */
export interface DiscoverInstallationsJobData {
  reason: "start" | "daily";
}

/** The jobs of the installations module, by name, with their data. */
export interface InstallationJobs {
  "installations.discover": DiscoverInstallationsJobData;
  "retention.purge": Record<string, never>;
}
