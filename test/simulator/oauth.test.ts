import { IDS, startGitHubSimulator, type GitHubSimulator } from "../../simulator/index.js";
import { rest } from "./helpers.js";

let sim: GitHubSimulator;

beforeAll(async () => {
  sim = await startGitHubSimulator({ seed: 2, now: new Date("2025-03-01T12:00:00Z"), pullRequestsPerRepository: 5 });
});
afterAll(() => sim.stop());

async function signIn(): Promise<Record<string, unknown>> {
  const authorize = await fetch(
    `${sim.url}/login/oauth/authorize?client_id=${sim.clientId}&redirect_uri=${encodeURIComponent("http://127.0.0.1:9/callback")}&state=xyz`,
    { redirect: "manual" },
  );
  expect(authorize.status).toBe(302);
  const location = new URL(authorize.headers.get("location")!);
  expect(location.origin + location.pathname).toBe("http://127.0.0.1:9/callback");
  expect(location.searchParams.get("state")).toBe("xyz");
  const exchange = await fetch(`${sim.url}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      code: location.searchParams.get("code")!,
    }),
  });
  return (await exchange.json()) as Record<string, unknown>;
}

describe("OAuth sign-in", () => {
  it("signs in an organization admin and lists only the installations that user can reach", async () => {
    const token = await signIn();
    expect(token).toEqual({
      access_token: expect.stringMatching(/^ghu_/) as unknown,
      expires_in: 28_800,
      refresh_token: expect.stringMatching(/^ghr_/) as unknown,
      refresh_token_expires_in: 15_897_600,
      token_type: "bearer",
      scope: "",
    });
    const user = await rest(sim, String(token.access_token), "/user");
    expect(user.body).toMatchObject({ login: "acme-dev-001", id: 20_001, type: "User" });
    const installations = await rest(sim, String(token.access_token), "/user/installations");
    const body = installations.body as { total_count: number; installations: { id: number }[] };
    expect(body.total_count).toBe(1);
    expect(body.installations.map((i) => i.id)).toEqual([IDS.installations[0]]);
  });

  it("lets a configured user in who sees every installation they belong to", async () => {
    sim.setOAuthUser("octo-dev");
    const token = await signIn();
    const installations = await rest(sim, String(token.access_token), "/user/installations");
    expect((installations.body as { installations: { id: number }[] }).installations.map((i) => i.id)).toEqual([
      IDS.installations[0],
      IDS.installations[2],
    ]);
  });

  it("refuses a reused code and wrong client credentials the way GitHub does", async () => {
    const exchange = (body: Record<string, string>) =>
      fetch(`${sim.url}/login/oauth/access_token`, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(await exchange({ client_id: sim.clientId, client_secret: sim.clientSecret, code: "nope" })).toMatchObject({
      error: "bad_verification_code",
    });
    expect(await exchange({ client_id: sim.clientId, client_secret: "wrong", code: "nope" })).toMatchObject({
      error: "incorrect_client_credentials",
    });
  });
});
