import { RequestLanes } from "../../src/github/request-lanes.js";

/** A task that stays in flight until released, noting when it started. */
function heldTask(log: { started: string[]; at: Map<string, number> }) {
  const releases = new Map<string, () => void>();
  const task = (name: string) =>
    new Promise<string>((resolve) => {
      log.started.push(name);
      log.at.set(name, Date.now());
      releases.set(name, () => resolve(name));
    });
  const release = (name: string) => releases.get(name)!();
  return { task, release };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("request lanes (plugin-throttling's Bottleneck.Group, in memory)", () => {
  it("runs at most maxConcurrent requests of one key at once, the next as soon as one ends, other keys apart", async () => {
    const lanes = new RequestLanes({ maxConcurrent: 2, minTime: 0 });
    const log = { started: [] as string[], at: new Map<string, number>() };
    const { task, release } = heldTask(log);

    const done = ["a1", "a2", "a3"].map((name) => lanes.key("a").schedule({}, task, name));
    const other = lanes.key("b").schedule({}, task, "b1");
    await tick();
    expect(log.started).toEqual(["a1", "a2", "b1"]);

    release("a1");
    await expect(done[0]).resolves.toBe("a1");
    await tick();
    expect(log.started).toEqual(["a1", "a2", "b1", "a3"]);
    for (const name of ["a2", "a3", "b1"]) release(name);
    await expect(Promise.all([...done, other])).resolves.toEqual(["a1", "a2", "a3", "b1"]);
  });

  it("starts requests of one key at least minTime apart, also after the lane was idle", async () => {
    const lanes = new RequestLanes({ maxConcurrent: 10, minTime: 40 });
    const starts: number[] = [];
    const quick = () => {
      starts.push(Date.now());
      return Promise.resolve();
    };
    await Promise.all([lanes.key("a").schedule({}, quick), lanes.key("a").schedule({}, quick)]);
    await lanes.key("a").schedule({}, quick);

    expect(starts).toHaveLength(3);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(39);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(39);
  });

  it("lets a retried request (weight 0, priority 0) go first and beyond the places", async () => {
    const lanes = new RequestLanes({ maxConcurrent: 1, minTime: 0 });
    const log = { started: [] as string[], at: new Map<string, number>() };
    const { task, release } = heldTask(log);

    const first = lanes.key("a").schedule({}, task, "first");
    const queued = lanes.key("a").schedule({}, task, "queued");
    const retried = lanes.key("a").schedule({ weight: 0, priority: 0 }, task, "retried");
    await tick();
    expect(log.started).toEqual(["first", "retried"]);

    for (const name of ["first", "retried"]) release(name);
    await tick();
    release("queued");
    await expect(Promise.all([first, queued, retried])).resolves.toEqual(["first", "queued", "retried"]);
  });

  it("passes a failed request's error on and frees its place", async () => {
    const lanes = new RequestLanes({ maxConcurrent: 1, minTime: 0 });
    const failing = lanes.key("a").schedule({}, () => Promise.reject(new Error("GitHub said no")));
    const next = lanes.key("a").schedule({}, () => "answered");

    await expect(failing).rejects.toThrow("GitHub said no");
    await expect(next).resolves.toBe("answered");
  });

  it("drops a key's lane once it is idle and its spacing has passed, so keys seen once do not pile up", async () => {
    // Spacing long enough that a machine busy with other test files still schedules all 50 within it.
    const lanes = new RequestLanes({ maxConcurrent: 10, minTime: 500 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => lanes.key(`installation-${i}`).schedule({}, () => i)));
    expect(lanes.size).toBe(50);

    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(lanes.size).toBe(0);
  });
});
