/** The simulator's world: accounts, installations, repositories, pull requests and reviews, all mutable. */

export type AccountType = "User" | "Bot" | "Organization";

export interface SimAccount {
  id: number;
  login: string;
  name: string | null;
  type: AccountType;
  nodeId: string;
  siteAdmin?: boolean;
}

export interface SimMembership {
  userId: number;
  role: "admin" | "member";
}

export interface SimInstallation {
  id: number;
  accountId: number;
  repositorySelection: "all" | "selected";
  repositoryIds: number[];
  suspended: boolean;
  deleted: boolean;
  createdAt: string;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";

export interface SimReview {
  id: number;
  nodeId: string;
  /** null: the reviewer's account was deleted (GraphQL author null, REST ghost). */
  authorId: number | null;
  state: ReviewState;
  body: string;
  submittedAt: string;
}

export interface SimPullRequest {
  id: number;
  nodeId: string;
  number: number;
  title: string;
  body: string;
  /** null: the author's account was deleted. */
  authorId: number | null;
  state: "open" | "closed";
  draft: boolean;
  merged: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  additions: number;
  deletions: number;
  changedFiles: number;
  baseRef: string;
  headRef: string;
  headSha: string;
  reviews: SimReview[];
}

export interface SimRepository {
  id: number;
  nodeId: string;
  name: string;
  ownerId: number;
  private: boolean;
  createdAt: string;
  pullRequests: SimPullRequest[];
}

export interface Dataset {
  now: Date;
  accounts: Map<number, SimAccount>;
  installations: Map<number, SimInstallation>;
  repositories: Map<number, SimRepository>;
  /** Organization id → its members in the order GitHub lists them. */
  memberships: Map<number, SimMembership[]>;
  /** Pull request id → where it lives, for node(id:) and webhooks. */
  pullRequestIndex: Map<number, { repository: SimRepository; pullRequest: SimPullRequest }>;
  /** Ids handed out to new objects; above every generated id. */
  nextId: { value: number };
}

export const GHOST: SimAccount = {
  id: 10137,
  login: "ghost",
  name: "Deleted user",
  type: "User",
  nodeId: "MDQ6VXNlcjEwMTM3",
};

export function findAccountByLogin(data: Dataset, login: string): SimAccount | undefined {
  const lower = login.toLowerCase();
  for (const account of data.accounts.values()) if (account.login.toLowerCase() === lower) return account;
  return undefined;
}

export function findRepository(data: Dataset, owner: string, name: string): SimRepository | undefined {
  const account = findAccountByLogin(data, owner);
  if (!account) return undefined;
  const lower = name.toLowerCase();
  for (const repository of data.repositories.values())
    if (repository.ownerId === account.id && repository.name.toLowerCase() === lower) return repository;
  return undefined;
}

export function ownerOf(data: Dataset, repository: SimRepository): SimAccount {
  const owner = data.accounts.get(repository.ownerId);
  if (!owner) throw new Error(`repository ${repository.id} has no owner`);
  return owner;
}

export function fullName(data: Dataset, repository: SimRepository): string {
  return `${ownerOf(data, repository).login}/${repository.name}`;
}

/** Repositories an installation can see, by id order. */
export function installationRepositories(data: Dataset, installation: SimInstallation): SimRepository[] {
  if (installation.repositorySelection === "all")
    return [...data.repositories.values()].filter((r) => r.ownerId === installation.accountId);
  return installation.repositoryIds.flatMap((id) => {
    const repository = data.repositories.get(id);
    return repository ? [repository] : [];
  });
}

export function installationForAccount(data: Dataset, accountId: number): SimInstallation | undefined {
  for (const installation of data.installations.values())
    if (installation.accountId === accountId && !installation.deleted) return installation;
  return undefined;
}

/** Pull requests most recently updated first, ties by number (GitHub's UPDATED_AT DESC order is stable this way). */
export function byUpdatedDesc(a: SimPullRequest, b: SimPullRequest): number {
  return b.updatedAt.localeCompare(a.updatedAt) || b.number - a.number;
}

export function nextId(data: Dataset): number {
  data.nextId.value += 1;
  return data.nextId.value;
}
