import { installations, pullRequests, repositories, reviews } from "../../src/db/schema.js";
import type { Database } from "../../src/db/client.js";
import { refreshFirstReviewAt } from "../../src/modules/pull-requests/pull-requests.repository.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const reviewers = ["alice", "bob", "carol", "dave", "erin"];

/**
 * Stores `perRepository` pull requests in each repository, spread over the `days` before `now`: most
 * merged after a few hours to days, some closed unmerged, some open; most with one or two reviews by
 * someone other than the author. Deterministic, so tests can compare exports with the rows.
 */
export async function seedPullRequests(
  db: Database,
  options: { repositoryIds: number[]; perRepository: number; now: Date; days: number; firstId?: number },
): Promise<void> {
  const { now, days, perRepository } = options;
  let id = options.firstId ?? 1_000_000;
  const prs: (typeof pullRequests.$inferInsert)[] = [];
  const revs: (typeof reviews.$inferInsert)[] = [];
  const flush = async (force: boolean) => {
    if (prs.length >= 2_000 || (force && prs.length > 0)) {
      const ids = prs.map((pr) => pr.id);
      await db.insert(pullRequests).values(prs.splice(0));
      if (revs.length > 0) await db.insert(reviews).values(revs.splice(0));
      await refreshFirstReviewAt(db, ids);
    }
  };
  for (const repositoryId of options.repositoryIds) {
    for (let n = 1; n <= perRepository; n++) {
      const seed = (repositoryId * 31 + n * 17) % 1000;
      const created = new Date(now.getTime() - ((n * days * DAY) / (perRepository + 1) + (seed % 24) * HOUR));
      const kind = seed % 10 < 7 ? "merged" : seed % 10 < 9 ? "closed" : "open";
      const doneAt = new Date(created.getTime() + (2 + (seed % 96)) * HOUR);
      const finished = kind !== "open" && doneAt < now ? doneAt : null;
      const author = reviewers[seed % reviewers.length]!;
      const prId = id++;
      prs.push({
        id: prId,
        repositoryId,
        number: n,
        title: n % 7 === 0 ? `Fix "quoted", comma, and\nnewline #${n}` : `Change ${n} of repository ${repositoryId}`,
        authorLogin: author,
        authorId: reviewers.indexOf(author) + 1,
        authorType: "User",
        state: finished ? "closed" : "open",
        merged: Boolean(finished && kind === "merged"),
        createdAt: created,
        updatedAt: finished ?? created,
        closedAt: finished,
        mergedAt: finished && kind === "merged" ? finished : null,
        additions: seed,
        deletions: seed % 50,
        changedFiles: 1 + (seed % 9),
        baseRef: "main",
        headRef: `change-${n}`,
        url: `https://github.test/r${repositoryId}/pull/${n}`,
      });
      for (let r = 0; r < seed % 3; r++) {
        const reviewer = reviewers[(seed + r + 1) % reviewers.length]!;
        revs.push({
          id: id++,
          pullRequestId: prId,
          reviewerLogin: reviewer,
          reviewerId: reviewers.indexOf(reviewer) + 1,
          state: r === 0 ? "COMMENTED" : "APPROVED",
          submittedAt: new Date(created.getTime() + (1 + r + (seed % 20)) * HOUR),
        });
      }
      await flush(false);
    }
  }
  await flush(true);
}

/** An organization installation with repositories of the given names (ids from `firstRepositoryId`). */
export async function seedInstallation(
  db: Database,
  options: {
    id: number;
    account: string;
    repositories: string[];
    firstRepositoryId: number;
    extra?: Partial<typeof repositories.$inferInsert>;
  },
): Promise<number[]> {
  await db
    .insert(installations)
    .values({ id: options.id, accountLogin: options.account, accountId: options.id * 10, accountType: "Organization" });
  const ids = options.repositories.map((_, i) => options.firstRepositoryId + i);
  if (ids.length > 0)
    await db.insert(repositories).values(
      options.repositories.map((fullName, i) => ({
        id: ids[i]!,
        installationId: options.id,
        fullName,
        status: "complete" as const,
        lastSyncedAt: new Date(),
        ...options.extra,
      })),
    );
  return ids;
}
