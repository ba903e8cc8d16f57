import nock from "nock";
import pino from "pino";
import { Probot } from "probot";
import { createTokenWarmer } from "../../src/github/token-warmer.js";
import { createOctokitClass, defaultOctokitOptions } from "../../src/github/octokit.js";
import { APP_ID, testPrivateKey } from "../support/app.js";
import { GITHUB_HOST } from "../support/github-nock.js";
import { waitFor } from "../support/wait.js";

const API = `${GITHUB_HOST}/api/v3`;

function newProbot() {
  return new Probot({
    appId: APP_ID,
    privateKey: testPrivateKey(),
    baseUrl: API,
    log: pino({ level: "silent" }),
    Octokit: createOctokitClass({ ...defaultOctokitOptions, retries: 0 }),
  });
}

/** Answers token requests for `installationId` (after 50 ms, as GitHub takes a while), counting them. */
function tokenEndpoint(installationId: number, status = 201) {
  const seen = { requests: 0 };
  nock(GITHUB_HOST)
    .post(`/api/v3/app/installations/${installationId}/access_tokens`)
    .times(5)
    .delay(50)
    .reply(() => {
      seen.requests += 1;
      return status === 201
        ? [201, { token: `ghs_${installationId}`, expires_at: new Date(Date.now() + 3_600_000).toISOString() }]
        : [status, { message: "Not Found" }];
    });
  return seen;
}

describe("creating installation tokens ahead of the jobs that need them", () => {
  afterEach(() => {
    nock.cleanAll();
  });

  it("creates each installation's token once, and a job's client then finds it in Probot's cache", async () => {
    const probot = newProbot();
    const first = tokenEndpoint(7);
    const second = tokenEndpoint(8);
    const warmer = createTokenWarmer({ probot, log: pino({ level: "silent" }) });

    warmer.warm([7, 8, 7]);
    warmer.warm([8]);
    await waitFor(() => first.requests === 1 && second.requests === 1, { what: "both tokens" });

    const repository = nock(GITHUB_HOST)
      .get("/api/v3/repos/octo-org/api")
      .matchHeader("authorization", "token ghs_7")
      .reply(200, { id: 1 });
    const octokit = await probot.auth(7);
    await octokit.request("GET /repos/{owner}/{repo}", { owner: "octo-org", repo: "api" });
    expect(repository.isDone()).toBe(true);
    // Warmed already: neither asking again nor the job's own request created another token.
    warmer.warm([7, 8]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect([first.requests, second.requests]).toEqual([1, 1]);
  });

  it("asks again for a token GitHub refused only after a minute, however often its jobs come up", async () => {
    const probot = newProbot();
    const refused = tokenEndpoint(9, 404);
    let clock = Date.now();
    const warmer = createTokenWarmer({ probot, log: pino({ level: "silent" }), now: () => clock });

    warmer.warm([9]);
    await waitFor(() => refused.requests === 1, { what: "the refused token request" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    warmer.warm([9]);
    warmer.warm([9]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(refused.requests).toBe(1);

    clock += 61_000;
    warmer.warm([9]);
    await waitFor(() => refused.requests === 2, { what: "a second try a minute later" });
  });

  it("creates at most `parallel` tokens at once", async () => {
    const probot = newProbot();
    let inFlight = 0;
    let most = 0;
    const ids = [21, 22, 23, 24, 25];
    for (const id of ids) {
      nock(GITHUB_HOST)
        .post(`/api/v3/app/installations/${id}/access_tokens`)
        .reply(201, async () => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 40));
          inFlight -= 1;
          return { token: `ghs_${id}`, expires_at: new Date(Date.now() + 3_600_000).toISOString() };
        });
    }
    const warmer = createTokenWarmer({ probot, log: pino({ level: "silent" }), parallel: 2 });
    warmer.warm(ids);
    await waitFor(() => nock.pendingMocks().length === 0 && inFlight === 0, { what: "every token" });
    expect(most).toBe(2);
  });
});
