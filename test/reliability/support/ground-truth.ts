import pg from "pg";
import { IDS, startGitHubSimulator, type GitHubSimulator, type SimulatorOptions } from "../../../simulator/index.js";

export const INSTALLATION_ID = IDS.installations[0];

/** A world small enough for a test to sync in seconds: one repository of the first organization, ~60 PRs in the window. */
export function startSmallSimulator(options: SimulatorOptions = {}): Promise<GitHubSimulator> {
  return startGitHubSimulator({
    seed: 10,
    repositoriesPerOrganization: 1,
    pullRequestsPerRepository: 120,
    membersPerOrganization: 5,
    pullRequestsWithManyReviews: 1,
    ...options,
  });
}

/** The environment that points pr-sync at the simulator. */
export function simulatorEnv(sim: GitHubSimulator, extra: Record<string, string> = {}): Record<string, string> {
  return { ...sim.appEnv(), ...extra };
}

interface StoredPullRequest {
  id: number;
  repositoryId: number;
  number: number;
  title: string;
  state: string;
  merged: boolean;
  draft: boolean;
  updatedAt: string;
  authorLogin: string | null;
  baseRef: string;
  headRef: string;
  reviews: { id: number; state: string; reviewerLogin: string | null }[];
}

/** Repositories of the installation and whether each has finished its sync. */
export async function repositoryStates(databaseUrl: string, installationId = INSTALLATION_ID) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      id: string;
      status: string;
      cursor: string | null;
      pages_fetched: number;
      history_since: Date | null;
      paused_until: Date | null;
      rate_limit_reset_at: Date | null;
      last_error: string | null;
    }>(
      `SELECT id, status, cursor, pages_fetched, history_since, paused_until, rate_limit_reset_at, last_error
         FROM repositories WHERE installation_id = $1 ORDER BY id`,
      [installationId],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      status: r.status,
      cursor: r.cursor,
      pagesFetched: r.pages_fetched,
      historySince: r.history_since,
      pausedUntil: r.paused_until,
      rateLimitResetAt: r.rate_limit_reset_at,
      lastError: r.last_error,
    }));
  } finally {
    await client.end();
  }
}

/** Every stored pull request of the installation with its reviews, in the shape of the simulator's ground truth. */
export async function storedPullRequests(
  databaseUrl: string,
  installationId = INSTALLATION_ID,
): Promise<StoredPullRequest[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      id: string;
      repository_id: string;
      number: number;
      title: string;
      state: string;
      merged: boolean;
      draft: boolean;
      updated_at: Date;
      author_login: string | null;
      base_ref: string;
      head_ref: string;
    }>(
      `SELECT p.* FROM pull_requests p JOIN repositories r ON r.id = p.repository_id
        WHERE r.installation_id = $1 ORDER BY p.repository_id, p.updated_at DESC, p.id`,
      [installationId],
    );
    const reviews = await client.query<{ id: string; pull_request_id: string; state: string; reviewer_login: string }>(
      `SELECT v.id, v.pull_request_id, v.state, v.reviewer_login FROM reviews v
         JOIN pull_requests p ON p.id = v.pull_request_id JOIN repositories r ON r.id = p.repository_id
        WHERE r.installation_id = $1 ORDER BY v.id`,
      [installationId],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      repositoryId: Number(r.repository_id),
      number: r.number,
      title: r.title,
      state: r.state,
      merged: r.merged,
      draft: r.draft,
      updatedAt: r.updated_at.toISOString(),
      authorLogin: r.author_login,
      baseRef: r.base_ref,
      headRef: r.head_ref,
      reviews: reviews.rows
        .filter((v) => v.pull_request_id === r.id)
        .map((v) => ({ id: Number(v.id), state: v.state, reviewerLogin: v.reviewer_login })),
    }));
  } finally {
    await client.end();
  }
}

/** What the database must hold after a complete sync from `since`: every pull request once, with every review. */
export function expectedPullRequests(
  sim: GitHubSimulator,
  since: Date,
  installationId = INSTALLATION_ID,
): StoredPullRequest[] {
  const truth = sim.groundTruth({ installationId, since });
  return truth.repositories
    .flatMap((repository) =>
      repository.pullRequests.map((pr) => ({
        id: pr.id,
        repositoryId: repository.id,
        number: pr.number,
        title: pr.title,
        state: pr.state,
        merged: pr.merged,
        draft: pr.draft,
        updatedAt: new Date(pr.updatedAt).toISOString(),
        authorLogin: pr.author?.restLogin ?? null,
        baseRef: pr.baseRef,
        headRef: pr.headRef,
        reviews: pr.reviews
          .filter((v) => v.state !== "PENDING")
          .map((v) => ({ id: v.id, state: v.state, reviewerLogin: v.reviewer?.restLogin ?? null }))
          .sort((a, b) => a.id - b.id),
      })),
    )
    .sort(
      (a, b) => a.repositoryId - b.repositoryId || Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || a.id - b.id,
    );
}

/**
 * Compares the database with the simulator: the same pull requests (no gap, no duplicate, no extra), each
 * with the same fields and every review. The window is the one the completed backfill recorded.
 */
export async function compareWithGroundTruth(
  databaseUrl: string,
  sim: GitHubSimulator,
  installationId = INSTALLATION_ID,
) {
  const repositories = await repositoryStates(databaseUrl, installationId);
  const since = new Date(Math.min(...repositories.map((r) => r.historySince?.getTime() ?? Number.NaN)));
  const stored = await storedPullRequests(databaseUrl, installationId);
  const expected = expectedPullRequests(sim, since, installationId);
  return { repositories, stored, expected, since };
}
