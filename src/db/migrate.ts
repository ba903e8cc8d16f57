import { migrate } from "drizzle-orm/node-postgres/migrator";
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import { migrationsDir } from "../paths.js";
import { LOCK_KEYS, withAdvisoryLock } from "./advisory-lock.js";

/**
 * Applies the committed migrations. The advisory lock makes two instances starting at once
 * take turns: the second finds everything applied and does nothing.
 */
export async function runMigrations(pool: pg.Pool): Promise<void> {
  await withAdvisoryLock(pool, LOCK_KEYS.schema, (client) =>
    migrate(drizzle(client), { migrationsFolder: migrationsDir }),
  );
}
