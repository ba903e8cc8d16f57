import { createHash } from "node:crypto";
import type {
  Dataset,
  ReviewState,
  SimAccount,
  SimMembership,
  SimPullRequest,
  SimRepository,
  SimReview,
} from "./dataset.js";
import { encodeNodeId } from "./node-ids.js";

/** How big the generated world is. Every value has a default that exercises the app's edge cases. */
export interface DatasetOptions {
  seed?: number;
  /** The simulated present; generated dates lie before it. Default: now, to the second. */
  now?: Date;
  /** Pull requests are created evenly over this many days before `now` (60, so a 30-day cutoff matters). */
  historyDays?: number;
  repositoriesPerOrganization?: number;
  pullRequestsPerRepository?: number;
  /** Members of the first organization (the second has a tenth, at least 5). */
  membersPerOrganization?: number;
  /** Recent pull requests of the first repository that get 100+ reviews. */
  pullRequestsWithManyReviews?: number;
}

/** Stable ids the tests and the demo refer to. */
export const IDS = {
  organizations: [9_001, 9_002],
  user: 9_003,
  installations: [31_001, 31_002, 31_003],
  dependabot: 49_699_333,
  renovate: 29_139_614,
} as const;

export const ORGANIZATION_LOGINS = ["acme-corp", "globex"] as const;
export const USER_ACCOUNT_LOGIN = "octo-dev";

export const HOSTILE_TITLES = [
  "<script>alert(1)</script> & <img src=x onerror=alert(2)>",
  "🚀 Ship it 🎉 — naïve café façade 👩🏽‍💻 「日本語」",
  `Long title ${"lorem ipsum dolor sit amet ".repeat(40)}`.slice(0, 1_000),
];

/** mulberry32: small, fast and the same on every platform. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DAY = 86_400_000;
const WORDS = ["Fix", "Add", "Refactor", "Remove", "Speed up", "Document", "Test", "Rename", "Bump", "Guard"];
const THINGS = ["login flow", "cache", "billing export", "search index", "CI matrix", "webhook retries", "parser"];
const REPOSITORY_NAMES = ["api", "web", "mobile", "infra", "docs", "data", "tools", "sdk"];

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Builds the deterministic world for a seed: same options, same data, down to every id and date. */
export function generateDataset(options: DatasetOptions = {}): Dataset {
  const seed = options.seed ?? 1;
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const historyDays = options.historyDays ?? 60;
  const repositoriesPerOrganization = options.repositoriesPerOrganization ?? 3;
  const pullRequestsPerRepository = options.pullRequestsPerRepository ?? 120;
  const membersPerOrganization = options.membersPerOrganization ?? 120;
  const manyReviews = options.pullRequestsWithManyReviews ?? 2;

  const data: Dataset = {
    now,
    accounts: new Map(),
    installations: new Map(),
    repositories: new Map(),
    memberships: new Map(),
    pullRequestIndex: new Map(),
    nextId: { value: 900_000_000 },
  };
  const addAccount = (account: Omit<SimAccount, "nodeId">) => {
    const full = { ...account, nodeId: encodeNodeId(account.type, account.id) };
    data.accounts.set(full.id, full);
    return full;
  };

  addAccount({ id: IDS.dependabot, login: "dependabot", name: null, type: "Bot" });
  addAccount({ id: IDS.renovate, login: "renovate", name: null, type: "Bot" });
  const organizations = ORGANIZATION_LOGINS.map((login, i) =>
    addAccount({ id: IDS.organizations[i]!, login, name: `${login} Inc.`, type: "Organization" }),
  );
  const userAccount = addAccount({ id: IDS.user, login: USER_ACCOUNT_LOGIN, name: "Octo Dev", type: "User" });

  let nextUserId = 20_001;
  organizations.forEach((organization, index) => {
    const count = index === 0 ? membersPerOrganization : Math.max(5, Math.floor(membersPerOrganization / 10));
    const members: SimMembership[] = [];
    for (let i = 0; i < count; i += 1) {
      const id = nextUserId++;
      const login = `${organization.login.split("-")[0]}-dev-${String(i + 1).padStart(3, "0")}`;
      addAccount({ id, login, name: random() < 0.8 ? `Developer ${id}` : null, type: "User" });
      members.push({ userId: id, role: i < 3 ? "admin" : "member" });
    }
    if (index === 0) members.push({ userId: userAccount.id, role: "member" });
    data.memberships.set(organization.id, members);
  });

  let nextRepositoryId = 500_001;
  let nextPullRequestId = 100_000_001;
  let nextReviewId = 200_000_001;
  const owners = [...organizations, userAccount];
  owners.forEach((owner, ownerIndex) => {
    const repositoryCount = owner.type === "User" ? 2 : repositoriesPerOrganization;
    const members = data.memberships.get(owner.id) ?? [{ userId: owner.id, role: "admin" as const }];
    for (let r = 0; r < repositoryCount; r += 1) {
      const name = r < REPOSITORY_NAMES.length ? REPOSITORY_NAMES[r]! : `service-${r + 1}`;
      const repository: SimRepository = {
        id: nextRepositoryId,
        nodeId: encodeNodeId("Repository", nextRepositoryId),
        name,
        ownerId: owner.id,
        private: r % 2 === 1,
        createdAt: iso(now.getTime() - 400 * DAY),
        pullRequests: [],
      };
      nextRepositoryId += 1;
      const count = owner.type === "User" ? Math.min(20, pullRequestsPerRepository) : pullRequestsPerRepository;
      const authorFor = (): number | null => {
        const roll = random();
        if (roll < 0.03) return null;
        if (roll < 0.08) return IDS.dependabot;
        if (roll < 0.1) return IDS.renovate;
        return pick(members).userId;
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
        for (let k = 0; k < reviewCount; k += 1) {
          reviews.push(makeReview(nextReviewId++, created + ((k + 1) / (reviewCount + 1)) * (updated - created)));
        }
        const id = nextPullRequestId++;
        const pullRequest: SimPullRequest = {
          id,
          nodeId: encodeNodeId("PullRequest", id),
          number: n,
          title: `${pick(WORDS)} ${pick(THINGS)} (#${n})`,
          body: "",
          authorId: authorFor(),
          state: closed ? "closed" : "open",
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
          headSha: createHash("sha1").update(`${seed}:${id}`).digest("hex"),
          reviews,
        };
        repository.pullRequests.push(pullRequest);
        data.pullRequestIndex.set(id, { repository, pullRequest });
      }
      data.repositories.set(repository.id, repository);
    }

    function makeReview(id: number, at: number): SimReview {
      const roll = random();
      const state: ReviewState = roll < 0.5 ? "APPROVED" : roll < 0.65 ? "CHANGES_REQUESTED" : "COMMENTED";
      return {
        id,
        nodeId: encodeNodeId("PullRequestReview", id),
        authorId: random() < 0.03 ? null : pick(members).userId,
        state: random() < 0.03 ? "DISMISSED" : state,
        body: "",
        submittedAt: iso(at),
      };
    }
    // The first repository of the first organization carries the hostile titles and the 100+ review threads,
    // on its most recent pull requests so any cutoff includes them.
    if (ownerIndex === 0) {
      const first = [...data.repositories.values()].find((repo) => repo.ownerId === owner.id);
      const recent = [...(first?.pullRequests ?? [])].reverse();
      HOSTILE_TITLES.forEach((title, i) => {
        if (recent[i]) recent[i].title = title;
      });
      for (let i = 0; i < manyReviews && recent[i + HOSTILE_TITLES.length]; i += 1) {
        const pullRequest = recent[i + HOSTILE_TITLES.length]!;
        const total = 150 + i * 80;
        const start = new Date(pullRequest.createdAt).getTime();
        const end = new Date(pullRequest.updatedAt).getTime();
        pullRequest.reviews = [];
        for (let k = 0; k < total; k += 1)
          pullRequest.reviews.push(makeReview(nextReviewId++, start + ((k + 1) / (total + 1)) * (end - start)));
      }
    }
  });

  const createdAt = iso(now.getTime() - 200 * DAY);
  owners.forEach((owner, index) => {
    const id = IDS.installations[index]!;
    data.installations.set(id, {
      id,
      accountId: owner.id,
      repositorySelection: "all",
      repositoryIds: [],
      suspended: false,
      deleted: false,
      createdAt,
    });
  });
  return data;
}
