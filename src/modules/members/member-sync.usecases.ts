import type { Logger } from "pino";
import type { Database } from "../../db/client.js";
import type { InstallationGitHub } from "../../github/installation-client.js";
import { decideOnFailure } from "../../jobs/github-failures.js";
import { getInstallation, updateInstallation } from "../installations/installations.repository.js";
import { insertSyncRun } from "../repositories/sync-runs.repository.js";
import { resumeAt } from "../repositories/sync-plan.models.js";
import { markUnseenMembersLeft, upsertMembers } from "./members.repository.js";

export interface MemberSyncDeps {
  db: Database;
  log: Logger;
  now: () => Date;
  github: (installationId: number) => Promise<InstallationGitHub>;
  touch: () => Promise<void>;
  isLastAttempt: (error: unknown) => boolean;
  attempts: number;
  rateLimitFloor: number;
  pauseJitterMs: number;
}

export type MemberSyncOutcome =
  | { outcome: "complete"; count: number; left: number }
  | { outcome: "paused"; until: Date }
  | { outcome: "not_applicable" | "stopped" };

const PERMISSION_HELP =
  'pr-sync needs the organization permission "Members: read". An owner can grant it in the app\'s settings ' +
  "(Permissions & events), then accept the new permissions on the installation; member sync starts by itself.";

/**
 * Syncs every member of an organization installation with their role, 100 a page. Members not seen
 * in a complete sync have left: they are marked inactive, never deleted. Status lives on the
 * installation, independent of repository syncs.
 */
export async function syncMembers(deps: MemberSyncDeps, installationId: number): Promise<MemberSyncOutcome> {
  const installation = await getInstallation(deps.db, installationId);
  if (!installation || installation.deletedAt || installation.suspendedAt) return { outcome: "stopped" };
  if (installation.accountType !== "Organization") {
    await updateInstallation(deps.db, installationId, { memberSyncStatus: "not_applicable" });
    return { outcome: "not_applicable" };
  }
  const startedAt = deps.now();
  await updateInstallation(deps.db, installationId, {
    memberSyncStatus: "syncing",
    memberSyncStartedAt: startedAt,
    memberSyncPausedUntil: null,
    memberSyncError: null,
  });
  const log = deps.log.child({ installationId, account: installation.accountLogin });
  let github: InstallationGitHub | undefined;
  let tokenRefreshed = false;
  let after: string | null = null;
  let seen = 0;
  for (;;) {
    try {
      github ??= await deps.github(installationId);
      const low = github.meter.exhausted(deps.rateLimitFloor, ["graphql"]);
      if (low) return await pause(deps, installationId, low.resetAt, log);
      const page = await github.membersPage({ login: installation.accountLogin, after });
      if (!page.organizationFound) {
        throw Object.assign(new Error("organization not found"), { errors: [{ type: "NOT_FOUND" }] });
      }
      await upsertMembers(deps.db, installationId, page.members, startedAt);
      seen += page.members.length;
      await deps.touch();
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    } catch (error) {
      const decision = decideOnFailure({
        error,
        now: deps.now(),
        tokenRefreshed,
        canShrink: false,
        isLastAttempt: deps.isLastAttempt,
        attempts: deps.attempts,
      });
      if (decision.action === "pause") return await pause(deps, installationId, decision.resetAt, log);
      if (decision.action === "refresh_token") {
        tokenRefreshed = true;
        if (github) await github.refreshToken();
        continue;
      }
      if (decision.action === "give_up") {
        const message = decision.code === "PERMISSION_MISSING" ? PERMISSION_HELP : decision.message;
        await updateInstallation(deps.db, installationId, { memberSyncStatus: "error", memberSyncError: message });
        await recordRun(deps, installationId, startedAt, github, "error", message);
        log.error({ reason: message }, "member sync failed");
        throw decision.error;
      }
      // Left: retry_later (member pages have a fixed size, so nothing shrinks).
      await updateInstallation(deps.db, installationId, { memberSyncError: `Retrying: ${decision.message}` });
      throw decision.action === "retry_later" ? decision.error : error;
    }
  }
  const left = await markUnseenMembersLeft(deps.db, installationId, startedAt, deps.now());
  await updateInstallation(deps.db, installationId, {
    memberSyncStatus: "complete",
    memberSyncCompletedAt: deps.now(),
    memberCount: seen,
    memberSyncError: null,
  });
  await recordRun(deps, installationId, startedAt, github, "complete");
  log.info({ members: seen, left }, "member sync complete");
  return { outcome: "complete", count: seen, left };
}

async function pause(
  deps: MemberSyncDeps,
  installationId: number,
  resetAt: Date,
  log: Logger,
): Promise<MemberSyncOutcome> {
  const until = resumeAt(resetAt, deps.now(), deps.pauseJitterMs);
  await updateInstallation(deps.db, installationId, { memberSyncStatus: "paused", memberSyncPausedUntil: until });
  log.info({ until }, "member sync paused for GitHub's rate limit");
  return { outcome: "paused", until };
}

async function recordRun(
  deps: MemberSyncDeps,
  installationId: number,
  startedAt: Date,
  github: InstallationGitHub | undefined,
  outcome: "complete" | "error",
  error?: string,
) {
  await insertSyncRun(deps.db, {
    installationId,
    repositoryId: null,
    kind: "members",
    startedAt,
    finishedAt: deps.now(),
    outcome,
    apiRequests: github?.meter.requests ?? 0,
    graphqlPoints: github?.meter.graphqlPoints ?? 0,
    error: error ?? null,
  });
}
