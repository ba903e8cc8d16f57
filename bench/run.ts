/**
 * `npm run bench` (or `npm run bench -- --quick`): measures pr-sync and the naive REST approach against the
 * local GitHub simulator, prints a table and writes bench/results.json. It reports; it never fails on a target.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres.js";
import { dataPath, projectRoot } from "../src/paths.js";
import { freePort } from "../scripts/free-port.js";
import { runBench } from "./harness.js";
import { formatReport } from "./report.js";

async function freshDatabase(serverUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS pr_sync_bench WITH (FORCE)");
  await admin.query("CREATE DATABASE pr_sync_bench");
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = "/pr_sync_bench";
  return url.toString();
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const server = process.env.BENCH_DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: dataPath("./data", "bench-postgres"),
        port: await freePort(),
        onLog: () => {},
      });
  try {
    const databaseUrl = await freshDatabase(process.env.BENCH_DATABASE_URL ?? server!.url);
    const results = await runBench({ quick, databaseUrl, progress: (line) => console.error(line) });
    console.log(`\n${formatReport(results)}\n`);
    const file = join(projectRoot, "bench", "results.json");
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`written to ${file}`);
  } finally {
    await server?.stop();
  }
}

main().catch((error: unknown) => {
  // embedded-postgres rejects without a reason when the server does not start (say, a data dir in use).
  console.error(error ?? "the bench's embedded PostgreSQL did not start; its data is in data/bench-postgres");
  process.exit(1);
});
