import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDatabase, type Database } from "../../src/db/client.js";
import { runMigrations } from "../../src/db/migrate.js";
import { createPool } from "../../src/db/pool.js";

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  db: Database;
  drop: () => Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error("TEST_DATABASE_URL is not set: run tests through jest (its global setup starts PostgreSQL)");
  return url;
}

/** A new database on the test PostgreSQL, for one test file: migrated, unless a test applies migrations itself. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  const pool = createPool(url.toString());
  if (options.migrated !== false) await runMigrations(pool);
  return {
    url: url.toString(),
    pool,
    db: createDatabase(pool),
    drop: async () => {
      await pool.end();
      const client = new pg.Client({ connectionString: serverUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
