export interface InsightsJobData {
  repositoryId: number;
}

/** The jobs of the insights module, by name, with their data. */
export interface InsightsJobs {
  "insights.compute": InsightsJobData;
}
