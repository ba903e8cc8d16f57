export * from "../modules/installations/installations.table.js";
export * from "../modules/repositories/repositories.table.js";
export * from "../modules/repositories/sync-runs.table.js";
export * from "../modules/pull-requests/pull-requests.table.js";
export * from "../modules/members/members.table.js";
export * from "../modules/deliveries/deliveries.table.js";
export * from "../modules/insights/insights.table.js";
export * from "../modules/emails/emails.table.js";
