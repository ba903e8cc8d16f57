import { createFiguresCache } from "../../../src/modules/insights/figures-cache.js";

function counter() {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    compute: (value: string) => () => {
      calls += 1;
      return Promise.resolve(value);
    },
  };
}

describe("the figures cache", () => {
  it("answers the remembered value for the same version and computes again for another", async () => {
    const cache = createFiguresCache();
    const c = counter();
    expect(await cache.get("insights:1", "v1", c.compute("first"))).toBe("first");
    expect(await cache.get("insights:1", "v1", c.compute("unused"))).toBe("first");
    expect(await cache.get("insights:1", "v2", c.compute("second"))).toBe("second");
    expect(await cache.get("insights:1", "v1", c.compute("third"))).toBe("third");
    expect(c.calls).toBe(3);
  });

  it("shares one computation between concurrent lookups of a scope and version", async () => {
    const cache = createFiguresCache();
    let release!: (value: string) => void;
    let calls = 0;
    const slow = () => {
      calls += 1;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const both = Promise.all([cache.get("s", "v", slow), cache.get("s", "v", slow)]);
    release("done");
    expect(await both).toEqual(["done", "done"]);
    expect(calls).toBe(1);
  });

  it("does not remember a failed computation", async () => {
    const cache = createFiguresCache();
    await expect(cache.get("s", "v", () => Promise.reject(new Error("database restarted")))).rejects.toThrow(
      "database restarted",
    );
    expect(await cache.get("s", "v", () => Promise.resolve("recovered"))).toBe("recovered");
  });

  it("forgets the least recently used scope beyond its capacity", async () => {
    const cache = createFiguresCache(2);
    const c = counter();
    await cache.get("a", "v", c.compute("a"));
    await cache.get("b", "v", c.compute("b"));
    await cache.get("a", "v", c.compute("a again")); // a is now the most recent
    await cache.get("c", "v", c.compute("c")); // b goes
    expect(await cache.get("a", "v", c.compute("a recomputed"))).toBe("a");
    expect(await cache.get("b", "v", c.compute("b recomputed"))).toBe("b recomputed");
    expect(c.calls).toBe(4);
  });
});
