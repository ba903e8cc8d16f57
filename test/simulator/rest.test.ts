import { createServer, type Server } from "node:http";
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { generateDataset } from "../../simulator/generate.js";
import { HOSTILE_TITLES, IDS, startGitHubSimulator, type GitHubSimulator } from "../../simulator/index.js";
import { installationToken, rest } from "./helpers.js";

const NOW = new Date("2025-03-01T12:00:00Z");
let sim: GitHubSimulator;
let token: string;

beforeAll(async () => {
  sim = await startGitHubSimulator({ seed: 5, now: NOW, pullRequestsPerRepository: 250 });
  token = await installationToken(sim, IDS.installations[0]);
});
afterAll(() => sim.stop());
beforeEach(() => sim.clearFaults());

const nextLink = (link: string | null) => /<([^>]+)>; rel="next"/.exec(link ?? "")?.[1];

describe("REST", () => {
  it("pages every pull request through Link headers, 100 a page, without the detail-only fields", async () => {
    let path: string | undefined = "/repos/acme-corp/web/pulls?state=all&per_page=100";
    const numbers: number[] = [];
    const links: (string | null)[] = [];
    while (path) {
      const page = await rest(sim, token, path);
      expect(page.status).toBe(200);
      const items = page.body as Record<string, unknown>[];
      numbers.push(...items.map((p) => p.number as number));
      for (const field of ["additions", "deletions", "changed_files", "merged"])
        expect(items[0]).not.toHaveProperty(field);
      links.push(page.headers.get("link"));
      const next = nextLink(page.headers.get("link"));
      path = next ? next.slice(`${sim.url}/api/v3`.length) : undefined;
    }
    expect(numbers).toEqual(Array.from({ length: 250 }, (_, i) => 250 - i));
    expect(links[0]).toBe(
      `<${sim.url}/api/v3/repos/acme-corp/web/pulls?state=all&per_page=100&page=2>; rel="next", <${sim.url}/api/v3/repos/acme-corp/web/pulls?state=all&per_page=100&page=3>; rel="last"`,
    );
    expect(links[2]).toBe(
      `<${sim.url}/api/v3/repos/acme-corp/web/pulls?state=all&per_page=100&page=2>; rel="prev", <${sim.url}/api/v3/repos/acme-corp/web/pulls?state=all&per_page=100&page=1>; rel="first"`,
    );
  });

  it("gives the counts and merged flag only on a single pull request, and ghost for a deleted author", async () => {
    const repository = [...sim.data.repositories.values()].find(
      (r) => r.name === "web" && r.ownerId === IDS.organizations[0],
    )!;
    const orphan = repository.pullRequests.find((p) => p.authorId === null)!;
    const { body } = await rest(sim, token, `/repos/acme-corp/web/pulls/${orphan.number}`);
    expect(body).toMatchObject({
      number: orphan.number,
      merged: orphan.merged,
      additions: orphan.additions,
      deletions: orphan.deletions,
      changed_files: orphan.changedFiles,
      user: { login: "ghost", id: 10_137, type: "User" },
    });
    const botPull = repository.pullRequests.find((p) => p.authorId === IDS.dependabot)!;
    const bot = await rest(sim, token, `/repos/acme-corp/web/pulls/${botPull.number}`);
    expect((bot.body as { user: unknown }).user).toMatchObject({ login: "dependabot[bot]", type: "Bot" });
  });

  it("answers a matching If-None-Match with 304 that leaves the budget alone", async () => {
    const first = await rest(sim, token, "/repos/acme-corp/web/pulls/1/reviews");
    const remaining = Number(first.headers.get("x-ratelimit-remaining"));
    const again = await rest(sim, token, "/repos/acme-corp/web/pulls/1/reviews", {
      "if-none-match": first.headers.get("etag")!,
    });
    expect(again.status).toBe(304);
    expect(Number(again.headers.get("x-ratelimit-remaining"))).toBe(remaining);
    const changed = await rest(sim, token, "/repos/acme-corp/web/pulls/1/reviews", { "if-none-match": 'W/"other"' });
    expect(changed.status).toBe(200);
    expect(Number(changed.headers.get("x-ratelimit-remaining"))).toBe(remaining - 1);
  });

  it("lists only issues updated since a date, each pull request marked with a pull_request key", async () => {
    const since = "2025-02-25T00:00:00Z";
    const { body } = await rest(sim, token, `/repos/acme-corp/web/issues?since=${since}&state=all&per_page=100`);
    const issues = body as { number: number; updated_at: string; pull_request: { url: string } }[];
    const repository = [...sim.data.repositories.values()].find(
      (r) => r.name === "web" && r.ownerId === IDS.organizations[0],
    )!;
    const expected = repository.pullRequests.filter((p) => p.updatedAt >= since).map((p) => p.number);
    expect(issues.map((i) => i.number).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(issues[0]!.pull_request.url).toBe(`${sim.url}/api/v3/repos/acme-corp/web/pulls/${issues[0]!.number}`);
  });

  it("filters organization members by role and hides other organizations' data with 404", async () => {
    const admins = await rest(sim, token, "/orgs/acme-corp/members?role=admin");
    expect((admins.body as { login: string }[]).map((m) => m.login)).toEqual([
      "acme-dev-001",
      "acme-dev-002",
      "acme-dev-003",
    ]);
    expect((await rest(sim, token, "/orgs/globex/members")).status).toBe(404);
    expect((await rest(sim, token, "/repos/globex/api/pulls")).status).toBe(404);
  });

  it("sends rate-limit headers on every answer, keeps GET /rate_limit free and answers exhaustion with 403", async () => {
    const other = await installationToken(sim, IDS.installations[1]);
    sim.setRateLimit({ installationId: IDS.installations[1], resource: "core", limit: 5_000, remaining: 1 });
    const last = await rest(sim, other, "/installation/repositories");
    expect(last.status).toBe(200);
    expect(last.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(last.headers.get("x-ratelimit-used")).toBe("5000");
    expect(last.headers.get("x-ratelimit-resource")).toBe("core");
    const refused = await rest(sim, other, "/repos/globex/api/pulls");
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      message: `API rate limit exceeded for installation ID ${IDS.installations[1]}.`,
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
    });
    const limits = await rest(sim, other, "/rate_limit");
    expect(limits.status).toBe(200);
    expect((limits.body as { resources: { core: unknown } }).resources.core).toMatchObject({
      limit: 5_000,
      remaining: 0,
      used: 5_000,
    });
  });

  it("injects secondary limits with retry-after and server errors for the next requests", async () => {
    sim.setFaults({ secondaryLimitNext: 1, retryAfterSeconds: 30, serverErrorsNext: 1, serverErrorStatus: 503 });
    const secondary = await rest(sim, token, "/installation/repositories");
    expect(secondary.status).toBe(403);
    expect(secondary.headers.get("retry-after")).toBe("30");
    expect((secondary.body as { message: string }).message).toMatch(/^You have exceeded a secondary rate limit/);
    expect((await rest(sim, token, "/installation/repositories")).status).toBe(503);
    expect((await rest(sim, token, "/installation/repositories")).status).toBe(200);
  });
});

describe("generated data and webhooks", () => {
  it("generates the same world from the same seed, with history over 60 days, hostile titles, bots and deleted users", () => {
    const options = { seed: 11, now: NOW, pullRequestsPerRepository: 100 };
    const one = generateDataset(options);
    expect(generateDataset(options)).toEqual(one);
    expect(generateDataset({ ...options, seed: 12 })).not.toEqual(one);
    const pulls = [...one.repositories.values()].flatMap((r) => r.pullRequests);
    const oldest = Math.min(...pulls.map((p) => Date.parse(p.createdAt)));
    expect((NOW.getTime() - oldest) / 86_400_000).toBeGreaterThan(58);
    expect(pulls.filter((p) => Date.parse(p.updatedAt) < NOW.getTime() - 30 * 86_400_000).length).toBeGreaterThan(100);
    expect(pulls.map((p) => p.title)).toEqual(expect.arrayContaining(HOSTILE_TITLES));
    expect(HOSTILE_TITLES[2]).toHaveLength(1_000);
    expect(pulls.some((p) => p.authorId === null)).toBe(true);
    expect(pulls.some((p) => p.authorId === IDS.dependabot)).toBe(true);
    expect(pulls.filter((p) => p.reviews.length > 100)).toHaveLength(2);
    expect([...one.installations.keys()]).toEqual([...IDS.installations]);
  });

  it("delivers signed pull_request webhooks for simulated activity and reflects them in the ground truth", async () => {
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    sim.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/github/webhooks`);
    try {
      const before = Date.now() - 1_000;
      const result = await sim.simulateActivity({ repository: "acme-corp/web", count: 5 });
      expect(result.changes).toHaveLength(5);
      expect(result.deliveries.every((d) => d.status === 202)).toBe(true);
      const pullRequestDeliveries = received.filter((r) => r.headers["x-github-event"] === "pull_request");
      expect(pullRequestDeliveries).toHaveLength(5);
      for (const delivery of received) {
        const expected = `sha256=${createHmac("sha256", sim.webhookSecret).update(delivery.body).digest("hex")}`;
        expect(delivery.headers["x-hub-signature-256"]).toBe(expected);
        expect(delivery.headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
        const payload = JSON.parse(delivery.body) as {
          installation: { id: number };
          repository: { full_name: string };
        };
        expect(payload.installation.id).toBe(IDS.installations[0]);
        expect(payload.repository.full_name).toBe("acme-corp/web");
      }
      const truth = sim.groundTruth({ installationId: IDS.installations[0], since: new Date(before) });
      const web = truth.repositories.find((r) => r.fullName === "acme-corp/web")!;
      expect(web.pullRequests.map((p) => p.number).sort()).toEqual(result.changes.map((c) => c.number).sort());
      expect(truth.members).toHaveLength(121);

      received.length = 0;
      await sim.sendInstallationCreated(IDS.installations[0]);
      const created = JSON.parse(received[0]!.body) as { action: string; repositories: { full_name: string }[] };
      expect(received[0]!.headers["x-github-event"]).toBe("installation");
      expect(created.action).toBe("created");
      expect(created.repositories.map((r) => r.full_name)).toEqual([
        "acme-corp/api",
        "acme-corp/web",
        "acme-corp/mobile",
      ]);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
