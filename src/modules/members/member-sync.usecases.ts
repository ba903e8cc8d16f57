import type { Logger } from "pino";
import type { InstallationGitHub } from "../../github/installation-client.js";
import { resumeAt } from "../../jobs/backoff.js";
import { runPagedJob, type PagedJobDeps } from "../../jobs/paged-run.js";
import { notFoundError } from "../../github/github-errors.js";
import { getInstallation, updateInstallation } from "../installations/installations.repository.js";
import { insertSyncRun } from "../sync-runs/sync-runs.repository.js";
import { markUnseenMembersLeft, upsertMembers } from "./members.repository.js";
import { isInstallationLive } from "../installations/installations.models.js";

export interface MemberSyncDeps extends PagedJobDeps {
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
  if (!installation || !isInstallationLive(installation)) return { outcome: "stopped" };
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
  let after: string | null = null;
  let seen = 0;
  return runPagedJob<MemberSyncOutcome>(
    {
      github: () => deps.github(installationId),
      touch: deps.touch,
      now: deps.now,
      rateLimitFloor: deps.rateLimitFloor,
      isLastAttempt: deps.isLastAttempt,
      attempts: deps.attempts,
      log,
    },
    {
      async page(github) {
        const page = await github.membersPage({ login: installation.accountLogin, after });
        if (!page.organizationFound) throw notFoundError("organization");
        await upsertMembers(deps.db, installationId, page.members, startedAt);
        seen += page.members.length;
        after = page.pageInfo.endCursor;
        return page.pageInfo.hasNextPage ? "more" : "last";
      },
      async finish(github) {
        const left = await markUnseenMembersLeft(deps.db, installationId, startedAt, deps.now());
        await updateInstallation(deps.db, installationId, {
          memberSyncStatus: "complete",
          memberSyncCompletedAt: deps.now(),
          memberCount: seen,
          memberSyncError: null,
        });
        await recordRun(deps, { installationId, startedAt, github, outcome: "complete" });
        log.info({ members: seen, left }, "member sync complete");
        return { outcome: "complete", count: seen, left };
      },
      pause: (resetAt) => pause(deps, { installationId, resetAt, log }),
      // Member pages have a fixed size of 100, so nothing shrinks.
      async giveUp(decision, github) {
        const message = decision.code === "PERMISSION_MISSING" ? PERMISSION_HELP : decision.message;
        await updateInstallation(deps.db, installationId, { memberSyncStatus: "error", memberSyncError: message });
        await recordRun(deps, { installationId, startedAt, github, outcome: "error", error: message });
        log.error({ reason: message }, "member sync failed");
        throw decision.error;
      },
      async retryLater(decision) {
        await updateInstallation(deps.db, installationId, { memberSyncError: `Retrying: ${decision.message}` });
      },
    },
  );
}

async function pause(
  deps: MemberSyncDeps,
  options: { installationId: number; resetAt: Date; log: Logger },
): Promise<MemberSyncOutcome> {
  const { installationId, resetAt, log } = options;
  const until = resumeAt(resetAt, deps.now(), deps.pauseJitterMs);
  await updateInstallation(deps.db, installationId, { memberSyncStatus: "paused", memberSyncPausedUntil: until });
  log.info({ until }, "member sync paused for GitHub's rate limit");
  return { outcome: "paused", until };
}

async function recordRun(
  deps: MemberSyncDeps,
  run: {
    installationId: number;
    startedAt: Date;
    github: InstallationGitHub | undefined;
    outcome: "complete" | "error";
    error?: string;
  },
) {
  const { installationId, startedAt, github, outcome, error } = run;
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
