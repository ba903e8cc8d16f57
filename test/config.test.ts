import { ConfigError, githubApiUrl, loadConfig } from "../src/config.js";

describe("loadConfig", () => {
  it("applies every documented default when the environment is empty", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.BACKFILL_DAYS).toBe(30);
    expect(config.RATE_LIMIT_FLOOR).toBe(100);
    expect(config.SYNC_CRON).toBe("0 4 * * *");
    expect(config.GLOBAL_SYNC_CONCURRENCY).toBe(5);
    expect(config.INSTALLATION_SYNC_CONCURRENCY).toBe(2);
    expect(config.RETENTION_DAYS).toBe(30);
    expect(config.NOTIFY_EMAILS).toEqual([]);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it("names the variable and the expected form when a value is invalid", () => {
    expect(() => loadConfig({ BACKFILL_DAYS: "abc" })).toThrow(
      new ConfigError(['BACKFILL_DAYS must be a whole number from 1 to 365 (got "abc")']),
    );
  });

  it("lists every invalid variable at once and hides secret values", () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: "-1", DATABASE_URL: "mysql://user:hunter2@db/x", NOTIFY_EMAILS: "a@example.com, nope" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      "DATABASE_URL must be a postgres:// or postgresql:// URL (got (hidden))",
      'PORT must be a whole number from 0 to 65535 (got "-1")',
      'NOTIFY_EMAILS must be a comma-separated list of email addresses (got "a@example.com, nope")',
    ]);
    expect((caught as Error).message).not.toContain("hunter2");
  });

  it("parses lists and numbers", () => {
    const config = loadConfig({ NOTIFY_EMAILS: "a@example.com, b@example.org", BACKFILL_DAYS: "90" });
    expect(config.NOTIFY_EMAILS).toEqual(["a@example.com", "b@example.org"]);
    expect(config.BACKFILL_DAYS).toBe(90);
  });

  it("derives the GitHub API base from GHE_HOST in one place", () => {
    expect(githubApiUrl(loadConfig({}))).toBe("https://api.github.com");
    expect(githubApiUrl(loadConfig({ GHE_HOST: "127.0.0.1:8080", GHE_PROTOCOL: "http" }))).toBe(
      "http://127.0.0.1:8080/api/v3",
    );
  });
});
