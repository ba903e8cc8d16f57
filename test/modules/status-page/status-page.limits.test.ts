import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { ADMIN_TOKEN, Browser, statusEnv } from "./status-page.support.js";

describe("status page limits and cookies behind https", () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({
      database,
      env: { ...statusEnv, PUBLIC_URL: "https://pr-sync.example.com" },
      start: { runJobs: false },
    });
  });

  afterAll(async () => {
    await app.stop();
    await database.drop();
  });

  it("marks the session cookie Secure when PUBLIC_URL is https", async () => {
    const res = await new Browser(app.url).signInAsOperator();
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("prsync_session="))!;
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
  });

  it("answers 429 with Retry-After once sign-in attempts exceed the limit", async () => {
    const browser = new Browser(app.url);
    const csrf = await browser.csrf("/status/sign-in");
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      statuses.push((await browser.post("/status/sign-in", { _csrf: csrf, token: `guess-${i}-xxxxxxxxxxxx` })).status);
    }
    expect(statuses.slice(0, 19).every((s) => s === 401)).toBe(true);
    const limited = await browser.post("/status/sign-in", { _csrf: csrf, token: ADMIN_TOKEN });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("answers 429 with Retry-After once the API is called too often", async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    let last: Response | undefined;
    for (let i = 0; i < 121; i++) last = await fetch(`${app.url}/api/installations`, { headers: auth });
    expect(last!.status).toBe(429);
    expect(await last!.json()).toMatchObject({ error: "RATE_LIMITED" });
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
