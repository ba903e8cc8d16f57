import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import type pg from "pg";
import * as schema from "./schema.js";

/** Drizzle over the process's pool; `$client` is the pool itself. */
export type Database = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export function createDatabase(pool: pg.Pool): Database {
  return drizzle(pool, { schema });
}

export type DbTransaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the database or an open transaction: repository functions accept both. */
export type DbExecutor = Database | DbTransaction;
