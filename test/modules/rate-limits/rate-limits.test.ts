import { createRateLimiter } from "../../../src/modules/rate-limits/rate-limits.usecases.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";

describe("the rate limiter in PostgreSQL", () => {
  let database: TestDatabase;
  let now = new Date("2024-02-01T12:00:00Z");
  const clock = () => now;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("limits hits per key within a window and says how long to wait", async () => {
    const limiter = createRateLimiter({ db: database.db, bucket: "a", limit: 2, windowMs: 60_000, now: clock });
    const start = now;
    expect(await limiter.hit("ip")).toBeNull();
    expect(await limiter.hit("ip")).toBeNull();
    now = new Date(start.getTime() + 15_000);
    expect(await limiter.blocked("ip")).toBe(45);
    expect(await limiter.hit("ip")).toBe(45);
    expect(await limiter.hit("other")).toBeNull();
    now = new Date(start.getTime() + 60_000);
    expect(await limiter.blocked("ip")).toBeNull();
    expect(await limiter.hit("ip")).toBeNull();
  });

  it("shares one count between two limiters on the same database, as two instances would", async () => {
    const options = { db: database.db, bucket: "shared", limit: 10, windowMs: 60_000, now: clock };
    const first = createRateLimiter(options);
    const second = createRateLimiter(options);
    const waits = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? first : second).hit("203.0.113.9")),
    );
    expect(waits.filter((w) => w === null)).toHaveLength(10);
  });
});
