import {
  ORGANIZATION_MEMBERS_QUERY,
  PULL_REQUEST_REVIEWS_QUERY,
  PULL_REQUESTS_QUERY,
} from "../../src/github/queries.js";
import { IDS, startGitHubSimulator, type GitHubSimulator } from "../../simulator/index.js";
import { graphql, installationToken } from "./helpers.js";

let sim: GitHubSimulator;
let token: string;

beforeAll(async () => {
  sim = await startGitHubSimulator({ seed: 3, now: new Date("2025-03-01T12:00:00Z"), pullRequestsPerRepository: 80 });
  token = await installationToken(sim, IDS.installations[0]);
});
afterAll(() => sim.stop());
beforeEach(() => sim.clearFaults());

const costOf = async (query: string) => {
  const { body } = await graphql(sim, token, query);
  return body;
};

describe("GraphQL", () => {
  it("rejects a query that does not match GitHub's schema without charging for it", async () => {
    const invalid = '{ repository(owner: "acme-corp", name: "api") { stars } }';
    const { status, body } = await graphql(sim, token, invalid);
    expect(status).toBe(200);
    expect(body).toEqual({
      errors: [{ locations: [{ line: 1, column: 49 }], message: 'Cannot query field "stars" on type "Repository".' }],
    });
    expect(sim.requestLog.at(-1)).toMatchObject({ kind: "graphql", cost: 0, charged: false });
  });

  it("charges GitHub's points: requests to fill every connection, summed over nesting, divided by 100, at least 1", async () => {
    const cost = async (selection: string) =>
      (
        (await costOf(`{ rateLimit { cost } repository(owner: "acme-corp", name: "api") { ${selection} } }`)) as {
          data: { rateLimit: { cost: number } };
        }
      ).data.rateLimit.cost;
    expect(await cost("databaseId")).toBe(1);
    expect(await cost("pullRequests(first: 50) { nodes { reviews(first: 100) { totalCount } } }")).toBe(1);
    expect(await cost("pullRequests(first: 100) { nodes { reviews(first: 100) { totalCount } } }")).toBe(1);
    expect(
      await cost(
        "pullRequests(first: 100) { nodes { reviews(first: 100) { nodes { comments(first: 40) { totalCount } } } } }",
      ),
    ).toBe(101);
  });

  it("refuses first above 100, a missing first, and more than 500,000 nodes, the way GitHub words it", async () => {
    const over = await costOf(
      `{ repository(owner: "acme-corp", name: "api") { pullRequests(first: 101) { totalCount } } }`,
    );
    expect(over.errors).toEqual([
      expect.objectContaining({
        type: "EXCESSIVE_PAGINATION",
        message: "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.",
      }),
    ]);
    const missing = await costOf(`{ repository(owner: "acme-corp", name: "api") { pullRequests { totalCount } } }`);
    expect(missing.errors).toEqual([
      expect.objectContaining({
        type: "MISSING_PAGINATION_BOUNDARIES",
        message: "You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.",
      }),
    ]);
    const huge = await costOf(
      `{ repository(owner: "acme-corp", name: "api") { pullRequests(first: 100) { nodes { reviews(first: 100) { nodes { comments(first: 100) { totalCount } } } } } } }`,
    );
    expect(huge.errors).toEqual([
      {
        type: "MAX_NODE_LIMIT_EXCEEDED",
        message:
          "By the time this query traverses to the comments connection, it is requesting up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000.",
      },
    ]);
  });

  it("pages pull requests by update time with nested reviews, then the rest of a 100+ review thread by node id", async () => {
    const seen: number[] = [];
    let after: string | null = null;
    let threadWithMore: { id: string; databaseId: number; reviews: { pageInfo: { endCursor: string } } } | undefined;
    do {
      const { body } = await graphql(sim, token, PULL_REQUESTS_QUERY, {
        owner: "acme-corp",
        name: "api",
        first: 30,
        after,
      });
      const page = (body.data as { repository: { pullRequests: PullRequestPage } }).repository.pullRequests;
      seen.push(...page.nodes.map((n) => n.number));
      threadWithMore ??= page.nodes.find((n) => n.reviews.pageInfo.hasNextPage);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    const repository = [...sim.data.repositories.values()].find(
      (r) => r.name === "api" && r.ownerId === IDS.organizations[0],
    )!;
    const expected = [...repository.pullRequests]
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.number - a.number)
      .map((p) => p.number);
    expect(seen).toEqual(expected);

    const { body } = await graphql(sim, token, PULL_REQUEST_REVIEWS_QUERY, {
      id: threadWithMore!.id,
      after: threadWithMore!.reviews.pageInfo.endCursor,
    });
    const rest = (body.data as { node: { reviews: { nodes: unknown[]; pageInfo: { hasNextPage: boolean } } } }).node
      .reviews;
    const total = sim.data.pullRequestIndex.get(Number(threadWithMore!.databaseId))!.pullRequest.reviews.length;
    expect(total).toBeGreaterThan(100);
    expect(rest.nodes).toHaveLength(Math.min(100, total - 100));
    expect(rest.pageInfo.hasNextPage).toBe(total > 200);
  });

  it("lists pull requests in the order of the moment: ones changed since the last listing come first", async () => {
    const firstPage = async () => {
      const { body } = await graphql(sim, token, PULL_REQUESTS_QUERY, { owner: "acme-corp", name: "web", first: 100 });
      return (body.data as { repository: { pullRequests: PullRequestPage } }).repository.pullRequests.nodes.map(
        (n) => n.number,
      );
    };
    const before = await firstPage();
    const { changes } = await sim.simulateActivity({
      repository: "acme-corp/web",
      count: 5,
      newShare: 0,
      deliver: false,
    });
    const after = await firstPage();
    const changed = new Set(changes.map((c) => c.number));
    expect(new Set(after.slice(0, changed.size))).toEqual(changed);
    expect(after.slice(changed.size)).toEqual(
      before.filter((n) => !changed.has(n)).slice(0, after.length - changed.size),
    );
  });

  it("shows deleted authors as null and bots as Bot without the [bot] suffix", async () => {
    const { body } = await graphql(sim, token, PULL_REQUESTS_QUERY, { owner: "acme-corp", name: "api", first: 80 });
    const authors = (body.data as { repository: { pullRequests: PullRequestPage } }).repository.pullRequests.nodes.map(
      (n) => n.author,
    );
    expect(authors).toContainEqual(null);
    expect(authors).toContainEqual({ __typename: "Bot", login: "dependabot", databaseId: IDS.dependabot });
  });

  it("lists organization members with their role and the total", async () => {
    const { body } = await graphql(sim, token, ORGANIZATION_MEMBERS_QUERY, { login: "acme-corp" });
    const members = (body.data as { organization: { membersWithRole: MembersPage } }).organization.membersWithRole;
    expect(members.totalCount).toBe(121);
    expect(members.edges).toHaveLength(100);
    expect(members.edges[0]).toEqual({
      role: "ADMIN",
      node: { databaseId: 20_001, login: "acme-dev-001", name: expect.anything() as unknown },
    });
    expect(members.edges.filter((e) => e.role === "ADMIN")).toHaveLength(3);
    expect(members.pageInfo.hasNextPage).toBe(true);
  });

  it("answers an exhausted budget with HTTP 200, RATE_LIMITED and graphql rate-limit headers", async () => {
    const other = await installationToken(sim, IDS.installations[1]);
    sim.setRateLimit({ installationId: IDS.installations[1], resource: "graphql", remaining: 0 });
    const { status, headers, body } = await graphql(
      sim,
      other,
      `
        {
          rateLimit {
            remaining
          }
        }
      `,
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      errors: [
        { type: "RATE_LIMITED", message: `API rate limit exceeded for installation ID ${IDS.installations[1]}.` },
      ],
    });
    expect(headers.get("x-ratelimit-remaining")).toBe("0");
    expect(headers.get("x-ratelimit-resource")).toBe("graphql");
    expect(Number(headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
  });

  it("times out pages larger than the injected limit with GitHub's 502 so page shrinking can be tested", async () => {
    sim.setFaults({ graphqlMaxFirst: 25 });
    const big = await graphql(sim, token, PULL_REQUESTS_QUERY, { owner: "acme-corp", name: "api", first: 50 });
    expect(big.status).toBe(502);
    expect((big.body.errors as { message: string }[])[0]!.message).toMatch(
      /^Something went wrong while executing your query/,
    );
    const small = await graphql(sim, token, PULL_REQUESTS_QUERY, { owner: "acme-corp", name: "api", first: 25 });
    expect(small.status).toBe(200);
  });
});

interface PullRequestPage {
  pageInfo: { hasNextPage: boolean; endCursor: string };
  nodes: {
    id: string;
    databaseId: number;
    number: number;
    author: unknown;
    reviews: { pageInfo: { hasNextPage: boolean; endCursor: string } };
  }[];
}
interface MembersPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean };
  edges: { role: string; node: { databaseId: number; login: string; name: string | null } }[];
}
