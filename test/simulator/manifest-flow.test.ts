import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { IDS, startGitHubSimulator, type GitHubSimulator } from "../../simulator/index.js";

let sim: GitHubSimulator;
let hook: Server;
let hookUrl: string;
const received: { event: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  sim = await startGitHubSimulator({ seed: 3, pullRequestsPerRepository: 5 });
  hook = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({
        event: String(req.headers["x-github-event"]),
        body: JSON.parse(body) as Record<string, unknown>,
      });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", () => resolve()));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/api/github/webhooks`;
});
afterAll(async () => {
  hook.close();
  await sim.stop();
});

const manifest = () => ({
  name: "PR Sync Test",
  url: "http://127.0.0.1:9/status",
  hook_attributes: { url: hookUrl },
  redirect_url: "http://127.0.0.1:9/probot/setup",
  callback_urls: ["http://127.0.0.1:9/status/auth/github/callback"],
  setup_url: "http://127.0.0.1:9/status",
  default_permissions: { metadata: "read" },
});

async function register(path = "/settings/apps/new"): Promise<Record<string, unknown>> {
  const created = await fetch(`${sim.url}${path}?state=s1`, {
    method: "POST",
    body: new URLSearchParams({ manifest: JSON.stringify(manifest()) }),
    redirect: "manual",
  });
  expect(created.status).toBe(302);
  const back = new URL(created.headers.get("location")!);
  expect(back.origin + back.pathname).toBe("http://127.0.0.1:9/probot/setup");
  expect(back.searchParams.get("state")).toBe("s1");
  const code = back.searchParams.get("code")!;
  const conversion = await fetch(`${sim.url}/api/v3/app-manifests/${code}/conversions`, { method: "POST" });
  expect(conversion.status).toBe(201);
  const again = await fetch(`${sim.url}/api/v3/app-manifests/${code}/conversions`, { method: "POST" });
  expect(again.status).toBe(404);
  return (await conversion.json()) as Record<string, unknown>;
}

describe("registering an app from a manifest, installing it and signing in", () => {
  it("answers the new app's credentials once for the code GitHub redirected with", async () => {
    const app = await register(
      `/organizations/${sim.data.accounts.get(IDS.organizations[0])!.login}/settings/apps/new`,
    );
    expect(app).toMatchObject({
      id: expect.any(Number) as unknown,
      slug: "pr-sync-test",
      name: "PR Sync Test",
      html_url: `${sim.url}/apps/pr-sync-test`,
      client_id: expect.stringMatching(/^Iv23/) as unknown,
      client_secret: expect.any(String) as unknown,
      webhook_secret: expect.any(String) as unknown,
      pem: expect.stringContaining("BEGIN RSA PRIVATE KEY") as unknown,
      owner: { login: sim.data.accounts.get(IDS.organizations[0])!.login },
    });
  });

  it("installs from the install page: installation.created to the hook URL, then the browser to setup_url", async () => {
    const app = await register();
    const page = await fetch(`${sim.url}/apps/${String(app.slug)}/installations/new`);
    expect(await page.text()).toContain(`Install on ${sim.data.accounts.get(IDS.organizations[0])!.login}`);
    const installed = await fetch(`${sim.url}/apps/${String(app.slug)}/installations/new`, {
      method: "POST",
      body: new URLSearchParams({ account_id: String(IDS.organizations[0]) }),
      redirect: "manual",
    });
    expect(installed.status).toBe(302);
    const setup = new URL(installed.headers.get("location")!);
    expect(setup.origin + setup.pathname).toBe("http://127.0.0.1:9/status");
    expect(setup.searchParams.get("setup_action")).toBe("install");
    const installationId = Number(setup.searchParams.get("installation_id"));
    expect(received.at(-1)).toMatchObject({
      event: "installation",
      body: { action: "created", installation: { id: installationId, app_slug: "pr-sync-test" } },
    });
  });

  it("refuses a sign-in redirect_uri outside the registered callback URLs, and uses the first one when none is given", async () => {
    const app = await register();
    const authorize = (redirect?: string) =>
      fetch(
        `${sim.url}/login/oauth/authorize?client_id=${String(app.client_id)}${redirect ? `&redirect_uri=${encodeURIComponent(redirect)}` : ""}`,
        { redirect: "manual" },
      );
    const refused = await authorize("http://evil.example/callback");
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("The redirect_uri is not associated with this application.");
    const fallback = await authorize();
    expect(fallback.status).toBe(302);
    expect(fallback.headers.get("location")).toMatch(/^http:\/\/127\.0\.0\.1:9\/status\/auth\/github\/callback\?code=/);
  });
});
