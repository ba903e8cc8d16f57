/** Names of every job, in one place, so enqueuers and definitions cannot drift apart. */
export const JOBS = {
  repositorySync: "repository.sync",
  repositoryFanOut: "repositories.fan-out",
  catchUpAll: "catch-up.all",
  memberSync: "members.sync",
  insights: "insights.compute",
  completionEmail: "email.completion",
  retentionPurge: "retention.purge",
  discoverInstallations: "installations.discover",
} as const;

export type {
  SyncKind,
  RepositorySyncJobData,
  RepositoryFanOutJobData,
} from "../modules/repositories/repositories.jobs.js";

export interface MemberSyncJobData {
  installationId: number;
}

export interface InsightsJobData {
  repositoryId: number;
}

export interface CompletionEmailJobData {
  installationId: number;
  batchKey: string;
}
