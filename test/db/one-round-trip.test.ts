import { sql } from "drizzle-orm";
import { runAsOneTransaction } from "../../src/db/one-round-trip.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

describe("runAsOneTransaction", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    await database.pool.query(`CREATE TABLE samples (
      id int PRIMARY KEY, label text, tags text[], ids bigint[], at timestamptz, flag boolean, doc jsonb, amount numeric)`);
  });
  afterAll(() => database.drop());
  beforeEach(() => database.pool.query("TRUNCATE samples"));

  const row = {
    label: `it's a "quote", a back\\slash, $1 and $$dollars$$, ünïcödé 🚀`,
    tags: ["a,b", 'with "quotes"', "back\\slash", "{braces}", "", "NULL", null],
    ids: [1, 9007199254740991],
    at: new Date("2026-11-30T10:47:49.123Z"),
    flag: false,
    doc: { nested: ["x", 1, null], text: "it's" },
    amount: 12.5,
  };
  const insert = (id: number, values: typeof row) =>
    sql`INSERT INTO samples (id, label, tags, ids, at, flag, doc, amount)
        VALUES (${id}, ${values.label}, ${sql.param(values.tags)}::text[], ${sql.param(values.ids)}::bigint[], ${values.at}, ${values.flag},
                ${JSON.stringify(values.doc)}::jsonb, ${values.amount})`;
  const stored = async (id: number) =>
    (await database.pool.query("SELECT label, tags, ids, at, flag, doc, amount FROM samples WHERE id = $1", [id]))
      .rows[0] as Record<string, unknown> | undefined;

  it("writes every value exactly as a bound parameter would: quotes, backslashes, dollars, arrays, dates, JSON", async () => {
    await runAsOneTransaction(database.pool, [insert(1, row)]);
    await database.db.execute(insert(2, row));
    const inlined = await stored(1);
    expect(inlined).toEqual(await stored(2));
    expect(inlined).toEqual({
      ...row,
      ids: row.ids.map(String),
      amount: "12.5",
    });
  });

  it("runs all statements or none, each seeing the ones before it", async () => {
    await runAsOneTransaction(database.pool, [
      insert(1, row),
      undefined,
      sql`UPDATE samples SET amount = amount * 2 WHERE id = ${1}`,
    ]);
    expect((await stored(1))?.amount).toBe("25.0");

    await expect(
      runAsOneTransaction(database.pool, [insert(2, row), sql`UPDATE samples SET amount = 1 / (amount - amount)`]),
    ).rejects.toThrow(/division by zero/);
    expect(await stored(2)).toBeUndefined();
    expect((await stored(1))?.amount).toBe("25.0");
    // The connection went back to the pool usable, not inside an aborted transaction.
    await runAsOneTransaction(database.pool, [insert(3, row)]);
    expect(await stored(3)).toBeDefined();
  });

  it("answers the rows of the last statement, and none when every statement is left out", async () => {
    await expect(
      runAsOneTransaction(database.pool, [insert(1, row), sql`SELECT id, flag FROM samples WHERE id = ${1}`]),
    ).resolves.toEqual([{ id: 1, flag: false }]);
    await expect(runAsOneTransaction(database.pool, [undefined, undefined])).resolves.toEqual([]);
  });
});
