/**
 * `npm run bench:views` (or `-- --quick`): the people-facing pages and the CSV export on their own,
 * in a fresh pr-sync process: export time and peak memory by size, the installation page and the
 * insights page of an installation with 1,000 repositories. Prints JSON; never fails on a target.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import pg from "pg";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres.js";
import { dataPath } from "../src/paths.js";
import { freePort } from "../scripts/free-port.js";
import { startPrSyncProcess } from "./pr-sync-handle.js";
import { measureViews } from "./views-load.js";

async function freshDatabase(serverUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS pr_sync_bench_views WITH (FORCE)");
  await admin.query("CREATE DATABASE pr_sync_bench_views");
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = "/pr_sync_bench_views";
  return url.toString();
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const server = await startEmbeddedPostgres({
    dataDir: dataPath("./data", "bench-postgres"),
    port: await freePort(),
    onLog: () => {},
  });
  try {
    const databaseUrl = await freshDatabase(server.url);
    const adminToken = randomBytes(16).toString("hex");
    const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs1",
      format: "pem",
    });
    const app = await startPrSyncProcess({
      databaseUrl,
      env: {
        PORT: "0",
        HOST: "127.0.0.1",
        APP_ID: "1",
        PRIVATE_KEY: String(privateKey),
        WEBHOOK_SECRET: "bench",
        GHE_HOST: "127.0.0.1:9",
        GHE_PROTOCOL: "http",
        ADMIN_TOKEN: adminToken,
        SESSION_SECRET: randomBytes(32).toString("hex"),
        LOG_LEVEL: "warn",
      },
    });
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const loadAtStart = loadavg()[0]!;
    try {
      const result = await measureViews({
        pool,
        app,
        adminToken,
        repositories: quick ? 100 : 1_000,
        insightsPullRequests: quick ? 2_000 : 30_000,
        exportSizes: quick ? [1_000, 10_000] : [10_000, 100_000],
        requests: quick ? 10 : 50,
      });
      console.log(JSON.stringify({ quick, ...result, load: [loadAtStart, loadavg()[0]] }, null, 2));
    } finally {
      await pool.end();
      await app.stop();
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
