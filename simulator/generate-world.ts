import { createHash } from "node:crypto";
import type { Dataset, ReviewState, SimAccount, SimMembership, SimRepository, SimReview } from "./dataset.js";
import { encodeNodeId } from "./node-ids.js";
import { IDS } from "./ids.js";

const DAY = 86_400_000;
const WORDS = ["Fix", "Add", "Refactor", "Remove", "Speed up", "Document", "Test", "Rename", "Bump", "Guard"];
const THINGS = ["login flow", "cache", "billing export", "search index", "CI matrix", "webhook retries", "parser"];
const REPOSITORY_NAMES = ["api", "web", "mobile", "infra", "docs", "data", "tools", "sdk"];

/** The world being generated and the counters every new object takes its id from. */
export interface World {
  data: Dataset;
  seed: number;
  random: () => number;
  historyDays: number;
  next: { user: number; repository: number; pullRequest: number; review: number };
}

/** mulberry32: small, fast and the same on every platform. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function pick<T>(world: World, items: readonly T[]): T {
  return items[Math.floor(world.random() * items.length)] as T;
}

export function addAccount(world: World, account: Omit<SimAccount, "nodeId">): SimAccount {
  const full = { ...account, nodeId: encodeNodeId(account.type, account.id) };
  world.data.accounts.set(full.id, full);
  return full;
}

/** `count` new users as members of the organization, the first three admins; logins `<prefix>-dev-001`, … */
export function addMembers(world: World, organization: SimAccount, count: number, prefix: string): SimMembership[] {
  const members: SimMembership[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = world.next.user++;
    const login = `${prefix}-dev-${String(i + 1).padStart(3, "0")}`;
    addAccount(world, { id, login, name: world.random() < 0.8 ? `Developer ${id}` : null, type: "User" });
    members.push({ userId: id, role: i < 3 ? "admin" : "member" });
  }
  world.data.memberships.set(organization.id, members);
  return members;
}

export function makeReview(world: World, members: SimMembership[], at: number): SimReview {
  const id = world.next.review++;
  const roll = world.random();
  const state: ReviewState = roll < 0.5 ? "APPROVED" : roll < 0.65 ? "CHANGES_REQUESTED" : "COMMENTED";
  return {
    id,
    nodeId: encodeNodeId("PullRequestReview", id),
    authorId: world.random() < 0.03 ? null : pick(world, members).userId,
    state: world.random() < 0.03 ? "DISMISSED" : state,
    body: "",
    submittedAt: iso(at),
  };
}

/** The owner's r-th repository with `count` pull requests created evenly over the history. */
export function addRepository(
  world: World,
  options: { owner: SimAccount; ownerIndex: number; r: number; members: SimMembership[]; count: number },
): SimRepository {
  const { owner, ownerIndex, r, members, count } = options;
  const { random, data, historyDays } = world;
  const now = data.now;
  const name = r < REPOSITORY_NAMES.length ? REPOSITORY_NAMES[r]! : `service-${r + 1}`;
  const repositoryId = world.next.repository++;
  const repository: SimRepository = {
    id: repositoryId,
    nodeId: encodeNodeId("Repository", repositoryId),
    name,
    ownerId: owner.id,
    private: r % 2 === 1,
    createdAt: iso(now.getTime() - 400 * DAY),
    pullRequests: [],
  };
  const authorFor = (): number | null => {
    const roll = random();
    if (roll < 0.03) return null;
    if (roll < 0.08) return IDS.dependabot;
    if (roll < 0.1) return IDS.renovate;
    return pick(world, members).userId;
  };
  for (let n = 1; n <= count; n += 1) {
    const created = now.getTime() - historyDays * DAY + ((n - 1 + random()) / count) * historyDays * DAY;
    const span = Math.min(random() * random() * 4 * DAY, now.getTime() - 1_000 - created);
    const updated = created + Math.max(0, span * (span < 4 * DAY ? 1 : random()));
    const age = now.getTime() - created;
    const closed = random() < (age > 5 * DAY ? 0.85 : 0.4);
    const merged = closed && random() < 0.8;
    const reviewCount = (() => {
      const roll = random();
      return roll < 0.3 ? 0 : roll < 0.9 ? 1 + Math.floor(random() * 3) : 4 + Math.floor(random() * 5);
    })();
    const reviews: SimReview[] = [];
    for (let k = 0; k < reviewCount; k += 1)
      reviews.push(makeReview(world, members, created + ((k + 1) / (reviewCount + 1)) * (updated - created)));
    const id = world.next.pullRequest++;
    const pullRequest = {
      id,
      nodeId: encodeNodeId("PullRequest", id),
      number: n,
      title: `${pick(world, WORDS)} ${pick(world, THINGS)} (#${n})`,
      body: "",
      authorId: authorFor(),
      state: closed ? ("closed" as const) : ("open" as const),
      draft: !closed && random() < 0.15,
      merged,
      createdAt: iso(created),
      updatedAt: iso(updated),
      closedAt: closed ? iso(updated) : null,
      mergedAt: merged ? iso(updated) : null,
      additions: Math.floor(random() * 800),
      deletions: Math.floor(random() * 300),
      changedFiles: 1 + Math.floor(random() * 30),
      baseRef: "main",
      headRef: `topic/${ownerIndex}-${r}-${n}`,
      headSha: createHash("sha1").update(`${world.seed}:${id}`).digest("hex"),
      reviews,
    };
    repository.pullRequests.push(pullRequest);
    data.pullRequestIndex.set(id, { repository, pullRequest });
  }
  data.repositories.set(repository.id, repository);
  return repository;
}
