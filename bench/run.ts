/**
 * `npm run bench` (or `npm run bench -- --quick`): measures pr-sync and the naive REST approach against the
 * local GitHub simulator, prints a table and writes bench/results.json; the full run then measures the fleet
 * cases (scheduling floor, crash recovery, fairness, fleet catch-up) into bench/fleet-results.json. `--fleet`
 * runs only those, `--fleet --quick` a small version of them, and `--cases=fairness,catch-up` only the ones named. It reports; it never fails on a target.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres.js";
import { dataPath, projectRoot } from "../src/paths.js";
import { freePort } from "../scripts/free-port.js";
import { FLEET_CASES, formatFleetReport, runFleetBench, type FleetCase } from "./fleet.js";
import { runBench } from "./harness.js";
import { formatReport } from "./report.js";

async function freshDatabase(serverUrl: string, name = "pr_sync_bench"): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const fleetOnly = process.argv.includes("--fleet");
  // --cases=fairness,catch-up: only those fleet cases.
  const cases = process.argv
    .find((a) => a.startsWith("--cases="))
    ?.slice("--cases=".length)
    .split(",")
    .map((name) => {
      if (!(FLEET_CASES as readonly string[]).includes(name))
        throw new Error(`unknown fleet case "${name}"; the cases are ${FLEET_CASES.join(", ")}`);
      return name as FleetCase;
    });
  const server = process.env.BENCH_DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: dataPath("./data", "bench-postgres"),
        port: await freePort(),
        onLog: () => {},
      });
  const serverUrl = process.env.BENCH_DATABASE_URL ?? server!.url;
  const progress = (line: string) => console.error(line);
  const write = (name: string, results: object) => {
    const file = join(projectRoot, "bench", name);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`written to ${file}`);
  };
  try {
    if (!fleetOnly) {
      const databaseUrl = await freshDatabase(serverUrl);
      const results = await runBench({ quick, databaseUrl, progress });
      console.log(`\n${formatReport(results)}\n`);
      write("results.json", results);
    }
    if (fleetOnly || !quick) {
      const fleet = await runFleetBench({
        quick,
        ...(cases ? { cases } : {}),
        freshDatabase: (name) => freshDatabase(serverUrl, name),
        progress,
      });
      console.log(`\n${formatFleetReport(fleet)}\n`);
      write("fleet-results.json", fleet);
    }
  } finally {
    await server?.stop();
  }
}

main().catch((error: unknown) => {
  // embedded-postgres rejects without a reason when the server does not start (say, a data dir in use).
  console.error(error ?? "the bench's embedded PostgreSQL did not start; its data is in data/bench-postgres");
  process.exit(1);
});
