import pg from "pg";
import type { GitHubSimulator } from "../../simulator/index.js";
import { WEBHOOK_PATH } from "../../src/start.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import { startChildApp, type ChildApp } from "./support/child-process.js";
import {
  compareWithGroundTruth,
  INSTALLATION_ID,
  repositoryStates,
  simulatorEnv,
  startSmallSimulator,
} from "./support/ground-truth.js";
import { waitForSyncComplete } from "./support/sync-run.js";

// The job's lock lifetime stays at its production length: only the dead worker's missing lock can free the job.
const START = {
  octokit: { retries: 1, retryAfterBaseMs: 10 },
  processEveryMs: 200,
  retryBaseMs: 50,
  tuning: { lockLifetimeMs: 5 * 60_000, pauseJitterMs: 50, sweepMs: 300, deadWorkerGraceMs: 300 },
};

async function syncJobOwner(databaseUrl: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ owner: string | null }>(
      "SELECT last_modified_by AS owner FROM agenda_jobs WHERE name = 'repository.sync' AND locked_at IS NOT NULL",
    );
    return rows[0]?.owner ?? null;
  } finally {
    await client.end();
  }
}

const ADMIN_TOKEN = "fleet-test-admin-token-0123456789";
const ownerPid = (owner: string) => Number(owner.split(":").at(-1));

describe("a worker that dies mid-sync, with another worker alive", () => {
  let database: TestDatabase;
  let sim: GitHubSimulator;
  const children: ChildApp[] = [];
  const env = () =>
    simulatorEnv(sim, {
      DATABASE_URL: database.url,
      PORT: "0",
      HOST: "127.0.0.1",
      BACKFILL_DAYS: "30",
      LOG_LEVEL: "info",
      ADMIN_TOKEN,
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startSmallSimulator({
      pullRequestsPerRepository: 200,
      pullRequestsWithManyReviews: 0,
      faults: { graphqlMaxFirst: 10, latencyMs: 100 },
    });
  });
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill("SIGKILL");
    await sim.stop();
    await database.drop();
  });

  it("has its sync taken over by the surviving worker, long before the job's lock would expire, with no gap or duplicate", async () => {
    const [a, b] = [await startChildApp(env(), START), await startChildApp(env(), START)] as [ChildApp, ChildApp];
    children.push(a, b);
    sim.setWebhookUrl(`${a.url}${WEBHOOK_PATH}`);
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    await waitFor(async () => ((await repositoryStates(database.url))[0]?.pagesFetched ?? 0) >= 2, { what: "page 2" });

    const owner = (await syncJobOwner(database.url))!;
    expect(owner).toMatch(/^pr-sync-worker:\d+:/);
    const [victim, survivor] = ownerPid(owner) === a.process.pid ? [a, b] : [b, a];
    expect(ownerPid(owner)).toBe(victim.process.pid);
    victim.process.kill("SIGKILL");
    await victim.exited;
    const [atKill] = await repositoryStates(database.url);

    // Well within the five-minute lock lifetime: the survivor noticed the missing worker lock.
    await waitForSyncComplete(database.url, 60_000);
    expect(survivor.lines.some((l) => l.msg === "released the jobs of workers that died")).toBe(true);
    const resumed = survivor.lines.filter((l) => l.msg === "sync started");
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).toMatchObject({ resumed: true });
    expect(atKill!.pagesFetched).toBeGreaterThanOrEqual(2);
    const { stored, expected } = await compareWithGroundTruth(database.url, sim);
    expect(stored).toEqual(expected);
  });

  it("never takes a live worker's sync away from it, however long its page takes", async () => {
    // Each page now takes four times as long as the grace after which a silent dead worker's job is freed.
    sim.setFaults({ latencyMs: 1_200 });
    const live = children.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
    expect(live).toHaveLength(1);
    const before = live[0]!.lines.length;
    const [repository] = await repositoryStates(database.url);
    const answer = await fetch(`${live[0]!.url}/api/repositories/${repository!.id}/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "backfill" }),
    });
    expect(answer.status).toBe(202);
    const owner = await waitFor(() => syncJobOwner(database.url), { what: "a worker to lock the sync" });
    const second = await startChildApp(env(), START);
    children.push(second);
    await waitFor(
      async () => {
        const [state] = await repositoryStates(database.url);
        return state?.status === "syncing" && state.pagesFetched >= 3;
      },
      { what: "three slow pages", timeoutMs: 30_000 },
    );
    expect(await syncJobOwner(database.url)).toBe(owner);
    sim.setFaults({ latencyMs: 100 });
    await waitForSyncComplete(database.url, 60_000);

    const after = [...live[0]!.lines.slice(before), ...second.lines];
    expect(after.filter((l) => l.msg === "sync started")).toHaveLength(1);
    expect(after.filter((l) => l.msg === "released the jobs of workers that died")).toEqual([]);
    const { stored, expected } = await compareWithGroundTruth(database.url, sim);
    expect(stored).toEqual(expected);
  });
});
