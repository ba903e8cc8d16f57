import {
  byUpdatedDesc,
  fullName,
  installationRepositories,
  type Dataset,
  type SimAccount,
  type SimPullRequest,
} from "./dataset.js";

export interface TruthActor {
  /** GraphQL's login (bots without `[bot]`). */
  login: string;
  /** The REST and webhook login (bots with `[bot]`). */
  restLogin: string;
  id: number;
  type: "User" | "Bot";
}

export interface TruthReview {
  id: number;
  state: string;
  submittedAt: string;
  /** null: a deleted account. */
  reviewer: TruthActor | null;
}

/** A pull request as pr-sync should store it: the simulator's own fields less those pr-sync never reads. */
export type TruthPullRequest = Omit<SimPullRequest, "nodeId" | "body" | "authorId" | "headSha" | "reviews"> & {
  url: string;
  author: TruthActor | null;
  reviews: TruthReview[];
};

export interface GroundTruth {
  installationId: number;
  account: string;
  repositories: { id: number; fullName: string; pullRequests: TruthPullRequest[] }[];
  members: { userId: number; login: string; name: string | null; role: "admin" | "member" }[];
}

function actor(account: SimAccount | undefined): TruthActor | null {
  if (!account) return null;
  const type = account.type === "Bot" ? "Bot" : "User";
  return {
    login: account.login,
    restLogin: type === "Bot" ? `${account.login}[bot]` : account.login,
    id: account.id,
    type,
  };
}

/** What a correct sync of one installation holds: pull requests updated at or after `since`, with every review, and the members. */
export function computeGroundTruth(data: Dataset, web: string, installationId: number, since: Date): GroundTruth {
  const installation = data.installations.get(installationId);
  if (!installation) throw new Error(`the simulator has no installation ${installationId}`);
  const lookup = (id: number | null) => (id === null ? undefined : data.accounts.get(id));
  return {
    installationId,
    account: data.accounts.get(installation.accountId)?.login ?? "",
    repositories: installationRepositories(data, installation).map((repository) => ({
      id: repository.id,
      fullName: fullName(data, repository),
      pullRequests: repository.pullRequests
        .filter((pr) => Date.parse(pr.updatedAt) >= since.getTime())
        .sort(byUpdatedDesc)
        .map(({ nodeId: _nodeId, body: _body, headSha: _headSha, authorId, reviews, ...fields }) => ({
          ...fields,
          url: `${web}/${fullName(data, repository)}/pull/${fields.number}`,
          author: actor(lookup(authorId)),
          reviews: reviews.map((r) => ({
            id: r.id,
            state: r.state,
            submittedAt: r.submittedAt,
            reviewer: actor(lookup(r.authorId)),
          })),
        })),
    })),
    members: (data.memberships.get(installation.accountId) ?? []).map((m) => {
      const account = data.accounts.get(m.userId);
      return { userId: m.userId, login: account?.login ?? "", name: account?.name ?? null, role: m.role };
    }),
  };
}
