import { createPool, openConnections } from "../../src/db/pool.js";
import { startTestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";

describe("a process's connections to PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  /** Connections PostgreSQL has open to this test's database, besides the test's own pool. */
  const backends = async (applicationName: string) => {
    const { rows } = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
      [applicationName],
    );
    return rows[0]!.n;
  };

  it("keep `min` open while idle, and close the others once idle", async () => {
    const url = new URL(database.url);
    url.searchParams.set("application_name", "pool-min-test");
    const pool = createPool(url.toString(), { min: 2, idleTimeoutMs: 200 });
    try {
      await openConnections(pool, 5);
      expect(await backends("pool-min-test")).toBe(5);
      await waitFor(async () => (await backends("pool-min-test")) === 2, {
        what: "the idle connections above min closed",
      });
      // Well past the idle timeout, the kept ones are still open.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(pool.totalCount).toBe(2);
      expect(await backends("pool-min-test")).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it("are opened at start and stay open in a web process between webhooks, past the pool's ten idle seconds", async () => {
    // A web process runs no jobs, so between webhooks nothing uses its connections (a worker's queue polls).
    const app = await startTestApp({ database, env: { PR_SYNC_ROLE: "web" } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      // This test's own pool is down to the connection asking, its other ones closed after ten idle seconds too.
      const { rows } = await database.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      );
      expect(rows[0]!.n).toBeGreaterThanOrEqual(5);
    } finally {
      await app.stop();
    }
  }, 30_000);
});
