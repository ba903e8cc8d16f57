import type pg from "pg";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { dataPath } from "../paths.js";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres.js";
import { runMigrations } from "./migrate.js";
import { createPool, openConnections } from "./pool.js";

/**
 * Connections a web process opens at start and keeps open while idle: five for webhooks and pages, and the one
 * its job queue holds to tell the workers of the jobs it queues (LISTEN/NOTIFY). It runs no jobs, so between
 * webhooks nothing else would keep its connections from closing; a process running jobs keeps them busy
 * itself, and there keeping them made the 200-installation bench about 3 s slower (three runs each way; cause
 * not found).
 */
const WEB_KEPT_CONNECTIONS = 6;

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
  const kept = config.PR_SYNC_ROLE === "web" ? WEB_KEPT_CONNECTIONS : 0;
  const pool = createPool(url, { min: kept });
  try {
    await runMigrations(pool);
    await openConnections(pool, kept);
  } catch (error) {
    await pool.end().catch(() => {});
    await embedded?.stop().catch(() => {});
    throw error;
  }
  return { pool, embedded };
}
