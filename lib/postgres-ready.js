// Plain JavaScript so that Jest's global setup (loaded without the TypeScript mapping) and src/ share one probe.
import pg from "pg";

/**
 * Resolves once PostgreSQL at `url` accepts a connection; rejects with the last connection error after
 * `timeoutMs`, or at once when `stop()` (checked between attempts) answers a reason to give up.
 */
export async function acceptsConnections(url, { timeoutMs = 60_000, stop = () => undefined } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      const reason = stop();
      if (reason) throw reason;
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
