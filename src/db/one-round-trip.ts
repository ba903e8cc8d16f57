import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import { prepareValue } from "pg/lib/utils.js";

const MARK = "\uE000";

/** Renders each parameter as a mark around its index, so that no `$` in the statement text is ever mistaken for one. */
class MarkedParamsDialect extends PgDialect {
  override escapeParam(num: number): string {
    return `${MARK}${num}${MARK}`;
  }
}
const dialect = new MarkedParamsDialect();

/** A value as node-postgres would send it, as a quoted literal: arrays, dates and JSON written the same way. */
function literal(value: unknown): string {
  const prepared = prepareValue(value) as string | Buffer | null;
  if (prepared === null) return "NULL";
  if (Buffer.isBuffer(prepared)) return `'\\x${prepared.toString("hex")}'::bytea`;
  return pg.escapeLiteral(prepared);
}

/** A statement with its values written into it as literals. */
export function inlineStatement(statement: SQL): string {
  const { sql, params } = dialect.sqlToQuery(statement);
  return sql.replace(/\uE000(\d+)\uE000/g, (_, index: string) => literal(params[Number(index)]));
}

/**
 * Runs statements (an undefined one is left out) as one transaction in a single round trip and answers the rows
 * of the last. PostgreSQL runs the statements of one simple query as one implicit transaction, all or none,
 * each statement seeing the ones before it. Row locks are then held only while PostgreSQL works: a transaction
 * of several round trips keeps them while this process is between two statements, and a webhook writing one
 * of those rows waits all that time.
 */
export async function runAsOneTransaction<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  pool: pg.Pool,
  statements: (SQL | undefined)[],
): Promise<Row[]> {
  const text = statements.flatMap((statement) => (statement ? [inlineStatement(statement)] : [])).join(";\n");
  if (!text) return [];
  const answer = (await pool.query(text)) as unknown as pg.QueryResult<Row> | pg.QueryResult<Row>[];
  // Several statements answer with one result each.
  const last = Array.isArray(answer) ? answer.at(-1) : answer;
  return last?.rows ?? [];
}
