import { Probot } from "probot";
import { PULL_REQUESTS_QUERY } from "../../src/github/queries.js";
import { IDS, startGitHubSimulator, type GitHubSimulator } from "../../simulator/index.js";
import { appJwt, rest } from "./helpers.js";

const NOW = new Date("2025-03-01T12:00:00Z");
let sim: GitHubSimulator;

beforeAll(async () => {
  sim = await startGitHubSimulator({ seed: 7, now: NOW, pullRequestsPerRepository: 60 });
});
afterAll(() => sim.stop());
beforeEach(() => sim.clearFaults());

const tokenRequest = (installationId: number, jwt: string) =>
  fetch(`${sim.url}/api/v3/app/installations/${installationId}/access_tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${jwt}` },
  });

describe("app authentication", () => {
  it("lets Probot's own Octokit exchange its JWT for an installation token and run pr-sync's pull-request query", async () => {
    const probot = new Probot({ appId: sim.appId, privateKey: sim.privateKey, baseUrl: `${sim.url}/api/v3` });
    const octokit = await probot.auth(IDS.installations[0]);
    const before = sim.requestLog.length;
    const result = await octokit.graphql<{
      rateLimit: { cost: number; remaining: number; limit: number };
      repository: {
        databaseId: number;
        pullRequests: { nodes: { number: number }[]; pageInfo: { hasNextPage: boolean } };
      };
    }>(PULL_REQUESTS_QUERY, { owner: "acme-corp", name: "api", first: 50 });

    expect(result.rateLimit).toMatchObject({ cost: 1, remaining: 4_999, limit: 5_000 });
    expect(result.repository.databaseId).toBe(500_001);
    expect(result.repository.pullRequests.nodes).toHaveLength(50);
    expect(result.repository.pullRequests.pageInfo.hasNextPage).toBe(true);
    expect(sim.requestLog.slice(before).map((e) => [e.kind, e.method, e.path, e.status, e.cost])).toEqual([
      ["app", "POST", `/api/v3/app/installations/${IDS.installations[0]}/access_tokens`, 201, undefined],
      ["graphql", "POST", "/api/graphql", 200, 1],
    ]);
  });

  it("answers a token request with GitHub's fields and a one-hour expiry", async () => {
    const response = await tokenRequest(IDS.installations[1], appJwt(sim));
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(201);
    expect(Object.keys(body).sort()).toEqual(["expires_at", "permissions", "repository_selection", "token"]);
    expect(body.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    const expiresIn = Date.parse(String(body.expires_at)) - Date.now();
    expect(expiresIn).toBeGreaterThan(3_590_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000);
    expect(body.repository_selection).toBe("all");
  });

  it("rejects an expired JWT, a JWT longer than ten minutes and one signed by another key with 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await tokenRequest(IDS.installations[0], appJwt(sim, { iat: now - 700, exp: now - 60 }));
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { message: string }).message).toMatch(/'Expiration time' claim \('exp'\)/);
    const tooLong = await tokenRequest(IDS.installations[0], appJwt(sim, { iat: now, exp: now + 3_600 }));
    expect(tooLong.status).toBe(401);
    expect(((await tooLong.json()) as { message: string }).message).toBe(
      "'Expiration time' claim ('exp') is too far in the future",
    );
    const other = await startGitHubSimulator({ seed: 7, now: NOW, pullRequestsPerRepository: 1 });
    try {
      const forged = await tokenRequest(IDS.installations[0], appJwt(other));
      expect(forged.status).toBe(401);
      expect(await forged.json()).toEqual({
        message: "A JSON web token could not be decoded",
        documentation_url: "https://docs.github.com/rest",
      });
    } finally {
      await other.stop();
    }
  });

  it("answers 403 for a suspended installation and 404 for a deleted or unknown one", async () => {
    const installation = sim.data.installations.get(IDS.installations[2])!;
    installation.suspended = true;
    const suspended = await tokenRequest(installation.id, appJwt(sim));
    installation.suspended = false;
    expect(suspended.status).toBe(403);
    expect(((await suspended.json()) as { message: string }).message).toBe("This installation has been suspended");
    expect((await tokenRequest(99_999, appJwt(sim))).status).toBe(404);
    installation.deleted = true;
    const deleted = await tokenRequest(installation.id, appJwt(sim));
    installation.deleted = false;
    expect(deleted.status).toBe(404);
  });

  it("answers Bad credentials once a token has expired", async () => {
    const response = await tokenRequest(IDS.installations[0], appJwt(sim));
    const { token } = (await response.json()) as { token: string };
    expect((await rest(sim, token, "/installation/repositories")).status).toBe(200);
    sim.setFaults({ expireTokenOnNextUse: true });
    const expired = await rest(sim, token, "/installation/repositories");
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    expect((await rest(sim, token, "/installation/repositories")).status).toBe(401);
  });

  it("shows the app its installation with GitHub's installation fields", async () => {
    const response = await fetch(`${sim.url}/api/v3/app/installations/${IDS.installations[0]}`, {
      headers: { authorization: `Bearer ${appJwt(sim)}` },
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      id: IDS.installations[0],
      app_id: sim.appId,
      target_type: "Organization",
      target_id: IDS.organizations[0],
      account: { login: "acme-corp", type: "Organization" },
      suspended_at: null,
    });
  });
});
