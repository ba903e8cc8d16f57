import type { EmailJobs } from "../modules/emails/emails.jobs.js";
import type { InsightsJobs } from "../modules/insights/insights.jobs.js";
import type { InstallationJobs } from "../modules/installations/installations.jobs.js";
import type { MemberJobs } from "../modules/members/members.jobs.js";
import type { RepositoryJobs } from "../modules/repositories/repositories.jobs.js";

/**
 * Every job name with the type of its data, gathered from the modules that own them: enqueue, cancel
 * and each definition are checked against it, so a name and its data cannot drift apart.
 */
export interface JobRegistry extends RepositoryJobs, MemberJobs, InsightsJobs, EmailJobs, InstallationJobs {}

export type JobName = keyof JobRegistry;
