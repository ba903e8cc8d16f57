// Plain JavaScript: Jest loads global setup outside its module mapping, so the TypeScript starter that
// `npm start` uses is loaded through tsx. Using it here means the tests start PostgreSQL the way pr-sync
// does, also as root in a folder other users cannot enter (the binaries are relocated for the postgres user).
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { tsImport } from "tsx/esm/api";

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
  const { startEmbeddedPostgres } = await tsImport("../../src/db/embedded-postgres.ts", import.meta.url);
  // A folder that does not exist yet, directly in the world-traversable temp folder: the cluster's owner can reach it.
  const dataDir = join(tmpdir(), `pr-sync-test-pg-${randomBytes(6).toString("hex")}`);
  const server = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off"],
  });
  process.env.TEST_DATABASE_URL = server.url;
  globalThis.__PR_SYNC_TEST_DB__ = {
    stop: async () => {
      await server.stop();
      rmSync(server.dataDir, { recursive: true, force: true });
    },
  };
}
