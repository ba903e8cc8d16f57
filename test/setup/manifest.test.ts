import { appManifestPath } from "../../src/paths.js";
import { buildManifest, readAppYml } from "../../src/setup/manifest.js";

describe("the GitHub App manifest pr-sync registers", () => {
  const appYml = readAppYml(appManifestPath);

  it("sends webhooks to pr-sync's webhook path at the address the browser used, and signs in and lands on the status page", () => {
    const manifest = buildManifest({ appYml, base: "http://localhost:3000/" });
    expect(manifest).toMatchObject({
      name: "pr-sync",
      url: "http://localhost:3000/status",
      hook_attributes: { url: "http://localhost:3000/api/github/webhooks", active: true },
      redirect_url: "http://localhost:3000/probot/setup",
      callback_urls: ["http://localhost:3000/status/auth/github/callback"],
      setup_url: "http://localhost:3000/status",
      public: false,
    });
  });

  it("registers the smee channel as the hook URL when there is one", () => {
    const manifest = buildManifest({
      appYml,
      base: "https://pr-sync.example.com",
      webhookProxyUrl: "https://smee.io/abc123",
    });
    expect(manifest.hook_attributes.url).toBe("https://smee.io/abc123");
    expect(manifest.callback_urls).toEqual(["https://pr-sync.example.com/status/auth/github/callback"]);
  });

  it("asks for read-only permissions and the events pr-sync handles, and pins no address in app.yml", () => {
    expect(appYml.default_permissions).toEqual({ metadata: "read", pull_requests: "read", members: "read" });
    expect(appYml.default_events).toEqual(["pull_request", "pull_request_review", "repository", "organization"]);
    for (const key of ["url", "hook_attributes", "redirect_url", "callback_urls", "setup_url"])
      expect(appYml).not.toHaveProperty(key);
  });
});
