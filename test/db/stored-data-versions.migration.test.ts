import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { runMigrations } from "../../src/db/migrate.js";
import { migrationsDir } from "../../src/paths.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

/** A copy of the committed migrations that stops before `tag`: the schema a deployment had before it. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pr-sync-migrations-"));
  cpSync(migrationsDir, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  if (at < 0) throw new Error(`no migration ${tag}`);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return dir;
}

describe("migrations 0003 and 0004 on a database that already holds pull requests", () => {
  let database: TestDatabase;
  let before: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    before = migrationsBefore("0003_stored_data_versions");
  });

  afterAll(async () => {
    rmSync(before, { recursive: true, force: true });
    await database.drop();
  });

  it("counts the stored pull requests and recomputes first-review times under the peer-review rule", async () => {
    const { pool } = database;
    await migrate(drizzle(pool), { migrationsFolder: before });
    await pool.query(`
      INSERT INTO installations (id, account_login, account_id, account_type) VALUES (1, 'acme', 1, 'Organization');
      INSERT INTO repositories (id, installation_id, full_name) VALUES (11, 1, 'acme/api'), (12, 1, 'acme/web');
      INSERT INTO pull_requests (id, repository_id, number, title, author_login, author_id, state, created_at, updated_at,
                                 base_ref, head_ref, url, first_review_at)
      VALUES (101, 11, 1, 'a', 'alice', 1, 'open', '2026-11-01+00', '2026-11-01+00', 'main', 'a', 'u', '2026-11-01 01:00+00'),
             (102, 11, 2, 'b', 'bob', 2, 'open', '2026-11-01+00', '2026-11-01+00', 'main', 'b', 'u', '2026-11-01 02:00+00'),
             (103, 12, 1, 'c', 'carol', 3, 'open', '2026-11-01+00', '2026-11-01+00', 'main', 'c', 'u', NULL);
      -- On 101 the first review is alice's own, recognised by login (no reviewer id); carol's comes later.
      INSERT INTO reviews (id, pull_request_id, reviewer_login, reviewer_id, state, submitted_at)
      VALUES (1, 101, 'alice', NULL, 'COMMENTED', '2026-11-01 01:00+00'),
             (2, 101, 'carol', 3, 'APPROVED', '2026-11-01 05:00+00'),
             (3, 102, 'alice', 1, 'APPROVED', '2026-11-01 02:00+00');
    `);

    await runMigrations(pool);

    // Migration 0004 moved the counts into striped rows, summed on read.
    const repositories = await pool.query<{ id: string; pull_request_count: number }>(
      `SELECT repository_id AS id, sum(pull_request_count)::int AS pull_request_count
         FROM repository_data_counts GROUP BY 1 ORDER BY 1`,
    );
    expect(repositories.rows.map((r) => [Number(r.id), r.pull_request_count])).toEqual([
      [11, 2],
      [12, 1],
    ]);
    const firstReviews = await pool.query<{ id: string; first_review_at: Date | null }>(
      "SELECT id, first_review_at FROM pull_requests ORDER BY id",
    );
    expect(firstReviews.rows.map((r) => [Number(r.id), r.first_review_at?.toISOString() ?? null])).toEqual([
      [101, new Date("2026-11-01T05:00:00Z").toISOString()],
      [102, new Date("2026-11-01T02:00:00Z").toISOString()],
      [103, null],
    ]);
  });
});
