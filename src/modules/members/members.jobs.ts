export interface MemberSyncJobData {
  installationId: number;
}

/** The jobs of the members module, by name, with their data. */
export interface MemberJobs {
  "members.sync": MemberSyncJobData;
}
