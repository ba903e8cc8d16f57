import pg from "pg";
import { WEBHOOK_PATH } from "../../src/start.js";
import { waitFor } from "../support/wait.js";
import { compareWithGroundTruth, INSTALLATION_ID, repositoryStates } from "./support/ground-truth.js";
import { createKillWorld, type KillWorld } from "./support/kill-world.js";
import { waitForSyncComplete } from "./support/sync-run.js";

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
  let world: KillWorld;
  // Live workers look for dead ones every 300 ms.
  const startWorker = () => world.startApp({ env: { ADMIN_TOKEN }, tuning: { sweepMs: 300 } });
  beforeAll(async () => {
    world = await createKillWorld();
  });
  afterAll(() => world.close());

  it("has its sync taken over by the surviving worker, long before the job's lock would expire, with no gap or duplicate", async () => {
    const { database, sim } = world;
    const [a, b] = [await startWorker(), await startWorker()];
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
    const { database, sim } = world;
    sim.setFaults({ latencyMs: 1_200 });
    const live = world.live();
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
    const second = await startWorker();
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
