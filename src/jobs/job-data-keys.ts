import type pg from "pg";
import { LOCK_KEYS, withAdvisoryLock } from "../db/advisory-lock.js";
import type { AnyJobDefinition } from "./job-definition.js";

const FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;

/** `data->>'field'` as SQL text; the field comes from a job definition, never from a request. */
function dataKey(field: string): string {
  if (!FIELD.test(field)) throw new Error(`pr-sync: "${field}" cannot name a job data field`);
  return `data->>'${field}'`;
}

/** The data fields jobs are looked up by: each definition's uniqueness key and admission group. */
export function lookupFields(definitions: AnyJobDefinition[]): string[] {
  const fields = definitions.flatMap((d) => [d.uniqueBy, d.admission?.groupBy]);
  return [...new Set(fields.filter((field): field is string => field !== undefined))];
}

/**
 * An index on (name, data->>field) for each field jobs are looked up by. Without them, admitting the next sync
 * of an installation read every queued sync: 7 ms per sync with 10,000 queued, the largest cost of a daily
 * catch-up. The lookups pass the field as a parameter, which PostgreSQL plans with its value (each is an
 * unnamed statement), so they match these indexes. Created once, under the schema lock so that instances
 * starting together do not race.
 */
export async function ensureDataKeyIndexes(pool: pg.Pool, table: string, fields: string[]): Promise<void> {
  if (fields.length === 0) return;
  await withAdvisoryLock(pool, LOCK_KEYS.schema, async (client) => {
    for (const field of fields) {
      const index = `${table}_by_${field.toLowerCase()}`;
      // Looked up first: CREATE INDEX IF NOT EXISTS would hold up the queue's writes while it checks.
      const { rows } = await client.query<{ found: string | null }>("SELECT to_regclass($1) AS found", [index]);
      if (!rows[0]?.found) await client.query(`CREATE INDEX ${index} ON ${table} (name, (${dataKey(field)}))`);
    }
  });
}
