import { WEBHOOK_PATH } from "../../src/start.js";
import { waitFor } from "../support/wait.js";
import { compareWithGroundTruth, INSTALLATION_ID, repositoryStates } from "./support/ground-truth.js";
import { createKillWorld, type KillWorld } from "./support/kill-world.js";
import { waitForSyncComplete } from "./support/sync-run.js";

describe("pr-sync killed mid-backfill", () => {
  let world: KillWorld;
  beforeAll(async () => {
    world = await createKillWorld();
  });
  afterAll(() => world.close());

  it("resumes from its cursor after SIGKILL at a random page as soon as it restarts, and completes with no gap or duplicate", async () => {
    const { database, sim } = world;
    const first = await world.startApp();
    sim.setWebhookUrl(`${first.url}${WEBHOOK_PATH}`);
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);

    const killAtPage = 2 + Math.floor(Math.random() * 5);
    await waitFor(async () => ((await repositoryStates(database.url))[0]?.pagesFetched ?? 0) >= killAtPage, {
      what: `page ${killAtPage}`,
    });
    first.process.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    const [atKill] = await repositoryStates(database.url);
    expect(atKill).toMatchObject({ status: "syncing" });
    expect(atKill!.cursor).not.toBeNull();
    expect(atKill!.pagesFetched).toBeGreaterThanOrEqual(killAtPage);

    const second = await world.startApp();
    sim.setWebhookUrl(`${second.url}${WEBHOOK_PATH}`);
    await waitForSyncComplete(database.url, 30_000);

    const started = second.lines.filter((l) => l.msg === "sync started");
    expect(started[0]).toMatchObject({ resumed: true, cursor: JSON.parse(atKill!.cursor!) as object });
    const { stored, expected } = await compareWithGroundTruth(database.url, sim);
    expect(stored).toEqual(expected);
    expect(expected.length).toBeGreaterThan(50);
    second.process.kill("SIGKILL");
    await second.exited;
  });
});
