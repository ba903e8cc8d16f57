import type pg from "pg";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { dataPath } from "../paths.js";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres.js";
import { runMigrations } from "./migrate.js";
import { createPool, openConnections } from "./pool.js";

/** Connections a process opens at start and keeps open while idle. */
const KEPT_CONNECTIONS = 5;

/** Connects to DATABASE_URL (or starts the embedded PostgreSQL) and brings the schema up to date. */
export async function openDatabase(options: {
  config: Config;
  log: Logger;
  databaseUrl?: string;
}): Promise<{ pool: pg.Pool; embedded?: EmbeddedDatabase }> {
  const { config, log } = options;
  let url = options.databaseUrl ?? config.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: dataPath(config.DATA_DIR, "postgres"),
      port: config.EMBEDDED_POSTGRES_PORT,
      onLog: (line) => log.debug({ postgres: line.trim() }, "embedded postgres"),
    });
    url = embedded.url;
    log.info(
      { dataDir: embedded.dataDir, port: config.EMBEDDED_POSTGRES_PORT },
      `embedded PostgreSQL running with its data in ${embedded.dataDir}`,
    );
  }
  const pool = createPool(url, { min: KEPT_CONNECTIONS });
  try {
    await runMigrations(pool);
    await openConnections(pool, KEPT_CONNECTIONS);
  } catch (error) {
    await pool.end().catch(() => {});
    await embedded?.stop().catch(() => {});
    throw error;
  }
  return { pool, embedded };
}
