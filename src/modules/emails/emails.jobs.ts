export interface CompletionEmailJobData {
  installationId: number;
  batchKey: string;
}

/** The jobs of the emails module, by name, with their data. */
export interface EmailJobs {
  "email.completion": CompletionEmailJobData;
}
