import { Webhooks, createNodeMiddleware } from "@octokit/webhooks";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isWebhookTarget } from "../../src/http/webhook-path.js";
import { WEBHOOK_PATH } from "../../src/start.js";
import { startTestApp, WEBHOOK_SECRET, type TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { rawRequest, type RawAnswer } from "../support/raw-http.js";
import { TARGETS, WEBHOOK_VARIANTS } from "../support/webhook-targets.js";

/** A request with a raw target (no URL normalisation on our side), optionally streaming a chunked body. */
function send(
  url: string,
  target: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; chunkedBytes?: number } = {},
): Promise<RawAnswer> {
  return rawRequest({ port: Number(new URL(url).port), target, ...options });
}

describe("the request guard", () => {
  it("takes exactly the targets @octokit/webhooks' own middleware takes as deliveries", async () => {
    const webhooks = new Webhooks({ secret: "x" });
    const middleware = createNodeMiddleware(webhooks, { path: WEBHOOK_PATH });
    const server: Server = createServer((req, res) => {
      // Missing webhook headers: the middleware answers 400 for its own path, or hands over to us.
      void middleware(req, res, () => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const target of TARGETS) {
        const answer = await send(url, target, { headers: { "content-type": "application/json" }, body: "{}" });
        expect({ target, taken: answer.status !== 404 }).toEqual({
          target,
          taken: isWebhookTarget(target, WEBHOOK_PATH),
        });
      }
    } finally {
      server.close();
    }
    expect(WEBHOOK_VARIANTS.length).toBeGreaterThan(10);
  });
});

describe("bodies sent to pr-sync", () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ database, start: { runJobs: false } });
  });
  afterAll(async () => {
    await app.stop();
    await database.drop();
  });

  it("refuses a chunked body without a length with 413 on every webhook target, reading none of it", async () => {
    for (const target of WEBHOOK_VARIANTS) {
      const answer = await send(app.url, target, {
        headers: { "content-type": "application/json", "x-github-event": "push" },
        chunkedBytes: 8 * 1024 * 1024,
      });
      expect({ target, status: answer.status, connection: answer.headers.connection }).toEqual({
        target,
        status: 413,
        connection: "close",
      });
    }
  });

  it("refuses a declared length over 25 MB with 413 on every webhook target", async () => {
    for (const target of WEBHOOK_VARIANTS) {
      const { status: answer } = await rawRequest({
        port: Number(new URL(app.url).port),
        target,
        headers: { "content-type": "application/json", "content-length": String(26 * 1024 * 1024) },
      });
      expect({ target, answer }).toEqual({ target, answer: 413 });
    }
  });

  it("refuses a body over 64 KB on any other route with 413 before reading it", async () => {
    const answer = await send(app.url, "/status/sign-in", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: Buffer.alloc(200 * 1024, 0x61),
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
  });

  it("logs an unsigned 1 MB delivery by id, event and size only, adding a few hundred bytes of log", async () => {
    const body = JSON.stringify({ action: "opened", filler: "x".repeat(1024 * 1024) });
    const before = app.logs.join("\n").length;
    const answer = await send(app.url, "/api/github/webhooks/", {
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "unsigned-1",
        "x-hub-signature-256": "sha256=" + "0".repeat(64),
      },
      body,
    });
    expect(answer.status).toBe(400);
    const added = app.logs.join("\n").length - before;
    expect(added).toBeLessThan(1_000);
    const line = app.logs.find((l) => l.includes("unsigned-1"));
    expect(JSON.parse(line!)).toMatchObject({ delivery: "unsigned-1", event: "pull_request", bytes: body.length });
  });

  it("still takes a signed delivery", async () => {
    const res = await app.sendWebhook("star", { action: "created" }, { secret: WEBHOOK_SECRET });
    expect(res.status).toBe(200);
  });
});
