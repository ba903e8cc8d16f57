import { Agent, request } from "node:http";
import type { IncomingMessage } from "node:http";
import { clientAddress } from "../../src/http/client-address.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { ADMIN_TOKEN, Browser, insertInstallation, statusEnv } from "../modules/status-page/status-page.support.js";

const ORG = 606;

describe("hardening of the HTTP surface", () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    await insertInstallation(database, ORG, "hard-org");
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
  });

  afterAll(async () => {
    await app.stop();
    await database.drop();
  });

  it("sends X-Content-Type-Options: nosniff with JSON answers", async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const path of ["/api/installations", "/health", "/api/installations/999999", "/nowhere"]) {
      const res = await fetch(`${app.url}${path}`, { headers: auth });
      expect({ path, nosniff: res.headers.get("x-content-type-options") }).toEqual({ path, nosniff: "nosniff" });
    }
  });

  it("shows no notice, and never [object Object], for a notice key that is not one of its own", async () => {
    const browser = new Browser(app.url);
    await browser.signInAsOperator();
    for (const notice of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const html = await (await browser.fetch(`/status/installations/${ORG}?notice=${notice}`)).text();
      expect({ notice, objectShown: html.includes("[object") }).toEqual({ notice, objectShown: false });
    }
  });

  it("closes the keep-alive connection cleanly with connection: close after refusing an oversized API body", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { port } = new URL(app.url);
    const answer = await new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: "127.0.0.1",
          port,
          method: "PUT",
          path: `/api/installations/${ORG}/recipients`,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        },
        (res: IncomingMessage) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      // Chunked, under the 64 KB request cap, over the API's 16 KB body limit.
      req.end(JSON.stringify({ emails: "x".repeat(40 * 1024) }));
    });
    agent.destroy();
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe("close");
    expect(JSON.parse(answer.body)).toMatchObject({ error: "PAYLOAD_TOO_LARGE" });
  });

  it("limits failed Bearer checks on /metrics with the one token limiter, then refuses even the right token", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer wrong-${i}` } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    const right = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    // The same limiter guards the API's Bearer check and the operator sign-in form.
    const api = await fetch(`${app.url}/api/installations`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(api.status).toBe(429);
  });
});

describe("operator sessions and ADMIN_TOKEN rotation", () => {
  it("ends operator sessions when ADMIN_TOKEN changes, even with the same SESSION_SECRET", async () => {
    const database = await createTestDatabase();
    try {
      const first = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
      const browser = new Browser(first.url);
      await browser.signInAsOperator();
      expect((await browser.fetch("/status")).status).toBe(200);
      const cookie = browser.cookies.get("prsync_session")!;
      await first.stop();
      const rotated = "rotated-operator-token-0123456789";
      const second = await startTestApp({
        database,
        env: { ...statusEnv, ADMIN_TOKEN: rotated },
        start: { runJobs: false },
      });
      try {
        const page = await fetch(`${second.url}/status`, {
          headers: { cookie: `prsync_session=${cookie}` },
          redirect: "manual",
        });
        expect(page.status).toBe(303);
        expect(page.headers.get("location")).toBe("/status/sign-in");
        const fresh = new Browser(second.url);
        await fresh.signInAsOperator(rotated);
        expect((await fresh.fetch("/status")).status).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      await database.drop();
    }
  });
});

describe("the client address behind proxies", () => {
  const req = (remote: string, forwarded?: string) =>
    ({
      socket: { remoteAddress: remote },
      headers: forwarded ? { "x-forwarded-for": forwarded } : {},
    }) as unknown as IncomingMessage;

  it("ignores X-Forwarded-For unless TRUST_PROXY says proxies stand in front", () => {
    expect(clientAddress(req("10.0.0.1", "203.0.113.7"), 0)).toBe("10.0.0.1");
  });

  it("takes the entry TRUST_PROXY hops from the right, so a client cannot choose its own bucket", () => {
    expect(clientAddress(req("10.0.0.1", "203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientAddress(req("10.0.0.1", "1.1.1.1, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientAddress(req("10.0.0.1", "1.1.1.1, 203.0.113.7, 10.0.0.2"), 2)).toBe("203.0.113.7");
    expect(clientAddress(req("10.0.0.1"), 1)).toBe("10.0.0.1");
  });
});
