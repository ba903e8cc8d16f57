import type { Dataset, SimMembership } from "./dataset.js";
import { addAccount, addMembers, addRepository, createRandom, iso, makeReview, type World } from "./generate-world.js";
import { FLEET_IDS, IDS } from "./ids.js";

export { FLEET_IDS, IDS } from "./ids.js";

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
  /** Many more organizations, each with its installation: a fleet for scheduling and catch-up figures. */
  fleet?: FleetOptions;
}

/** Organizations `fleet-0001`, `fleet-0002`, … with ids from FLEET_IDS, generated after the rest of the world. */
export interface FleetOptions {
  organizations: number;
  repositoriesPerOrganization: number;
  pullRequestsPerRepository: number;
  /** Members of each (default 3, all admins). */
  membersPerOrganization?: number;
}

export const ORGANIZATION_LOGINS = ["acme-corp", "globex"] as const;
export const USER_ACCOUNT_LOGIN = "octo-dev";

export const HOSTILE_TITLES = [
  "<script>alert(1)</script> & <img src=x onerror=alert(2)>",
  "🚀 Ship it 🎉 — naïve café façade 👩🏽‍💻 「日本語」",
  `Long title ${"lorem ipsum dolor sit amet ".repeat(40)}`.slice(0, 1_000),
];

const DAY = 86_400_000;

/** Builds the deterministic world for a seed: same options, same data, down to every id and date. */
export function generateDataset(options: DatasetOptions = {}): Dataset {
  const seed = options.seed ?? 1;
  const now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const repositoriesPerOrganization = options.repositoriesPerOrganization ?? 3;
  const pullRequestsPerRepository = options.pullRequestsPerRepository ?? 120;
  const membersPerOrganization = options.membersPerOrganization ?? 120;
  const manyReviews = options.pullRequestsWithManyReviews ?? 2;

  const world: World = {
    data: {
      now,
      accounts: new Map(),
      installations: new Map(),
      repositories: new Map(),
      memberships: new Map(),
      pullRequestIndex: new Map(),
      nextId: { value: 900_000_000 },
    },
    seed,
    random: createRandom(seed),
    historyDays: options.historyDays ?? 60,
    next: { user: 20_001, repository: 500_001, pullRequest: 100_000_001, review: 200_000_001 },
  };
  const { data } = world;

  addAccount(world, { id: IDS.dependabot, login: "dependabot", name: null, type: "Bot" });
  addAccount(world, { id: IDS.renovate, login: "renovate", name: null, type: "Bot" });
  const organizations = ORGANIZATION_LOGINS.map((login, i) =>
    addAccount(world, { id: IDS.organizations[i]!, login, name: `${login} Inc.`, type: "Organization" }),
  );
  const userAccount = addAccount(world, { id: IDS.user, login: USER_ACCOUNT_LOGIN, name: "Octo Dev", type: "User" });

  organizations.forEach((organization, index) => {
    const count = index === 0 ? membersPerOrganization : Math.max(5, Math.floor(membersPerOrganization / 10));
    const members = addMembers(world, organization, count, organization.login.split("-")[0]!);
    if (index === 0) members.push({ userId: userAccount.id, role: "member" });
  });

  const owners = [...organizations, userAccount];
  owners.forEach((owner, ownerIndex) => {
    const repositoryCount = owner.type === "User" ? 2 : repositoriesPerOrganization;
    const members = data.memberships.get(owner.id) ?? [{ userId: owner.id, role: "admin" as const }];
    const count = owner.type === "User" ? Math.min(20, pullRequestsPerRepository) : pullRequestsPerRepository;
    for (let r = 0; r < repositoryCount; r += 1) addRepository(world, { owner, ownerIndex, r, members, count });
    if (ownerIndex === 0) markEdgeCases(world, owner.id, members, manyReviews);
  });

  const createdAt = iso(now.getTime() - 200 * DAY);
  owners.forEach((owner, index) => addInstallation(data, IDS.installations[index]!, owner.id, createdAt));
  if (options.fleet) addFleet(world, options.fleet, createdAt);
  return data;
}

/**
 * The first repository of the first organization carries the hostile titles and the 100+ review threads,
 * on its most recent pull requests so any cutoff includes them.
 */
function markEdgeCases(world: World, ownerId: number, members: SimMembership[], manyReviews: number) {
  const first = [...world.data.repositories.values()].find((repo) => repo.ownerId === ownerId);
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
      pullRequest.reviews.push(makeReview(world, members, start + ((k + 1) / (total + 1)) * (end - start)));
  }
}

function addInstallation(data: Dataset, id: number, accountId: number, createdAt: string) {
  data.installations.set(id, {
    id,
    accountId,
    repositorySelection: "all",
    repositoryIds: [],
    suspended: false,
    deleted: false,
    createdAt,
  });
}

function addFleet(world: World, fleet: FleetOptions, createdAt: string) {
  for (let i = 0; i < fleet.organizations; i += 1) {
    const login = `fleet-${String(i + 1).padStart(4, "0")}`;
    const owner = addAccount(world, {
      id: FLEET_IDS.firstOrganization + i,
      login,
      name: `Fleet ${i + 1}`,
      type: "Organization",
    });
    const members = addMembers(world, owner, fleet.membersPerOrganization ?? 3, login);
    for (let r = 0; r < fleet.repositoriesPerOrganization; r += 1)
      addRepository(world, { owner, ownerIndex: 3 + i, r, members, count: fleet.pullRequestsPerRepository });
    addInstallation(world.data, FLEET_IDS.firstInstallation + i, owner.id, createdAt);
  }
}
