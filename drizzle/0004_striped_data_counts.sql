-- Each repository's data version and pull-request count move from its row to striped rows: one per repository
-- and writing connection (backend pid modulo 16), summed on read. The triggers of 0003 updated the repository
-- row, so a webhook for a repository whose sync page was being written waited for that page's commit.
CREATE TABLE "repository_data_counts" (
	"repository_id" bigint NOT NULL,
	"stripe" smallint NOT NULL,
	"data_version" bigint DEFAULT 0 NOT NULL,
	"pull_request_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "repository_data_counts_repository_id_stripe_pk" PRIMARY KEY("repository_id","stripe")
);
--> statement-breakpoint
ALTER TABLE "repository_data_counts" ADD CONSTRAINT "repository_data_counts_repository_id_repositories_id_fk" FOREIGN KEY ("repository_id") REFERENCES "public"."repositories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
INSERT INTO "repository_data_counts" ("repository_id", "stripe", "data_version", "pull_request_count")
SELECT "id", 0, "data_version", "pull_request_count" FROM "repositories";
--> statement-breakpoint
ALTER TABLE "repositories" DROP COLUMN "data_version";--> statement-breakpoint
ALTER TABLE "repositories" DROP COLUMN "pull_request_count";
--> statement-breakpoint
-- Adds one to the data version and the summed moves to the pull-request count of each repository named, in
-- this connection's stripe, in repository order (two writers sharing a stripe then never wait on each other in
-- a circle). A repository being deleted is skipped: its counts go with it.
CREATE FUNCTION pr_sync_count_data(repository_ids bigint[], moves integer[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO repository_data_counts AS c (repository_id, stripe, data_version, pull_request_count)
  SELECT m.repository_id, pg_backend_pid() % 16, 1, sum(m.move)
    FROM unnest(repository_ids, moves) AS m(repository_id, move)
   WHERE EXISTS (SELECT 1 FROM repositories r WHERE r.id = m.repository_id)
   GROUP BY m.repository_id
   ORDER BY m.repository_id
  ON CONFLICT (repository_id, stripe) DO UPDATE
     SET data_version = c.data_version + 1, pull_request_count = c.pull_request_count + excluded.pull_request_count
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION pr_sync_pull_requests_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM pr_sync_count_data(array_agg(repository_id), array_agg(1)) FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pr_sync_count_data(array_agg(repository_id), array_agg(-1)) FROM old_rows;
  ELSE
    PERFORM pr_sync_count_data(array_agg(repository_id), array_agg(move))
       FROM (SELECT repository_id, 1 AS move FROM new_rows UNION ALL SELECT repository_id, -1 FROM old_rows) moves;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION pr_sync_reviews_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pr_sync_count_data(array_agg(p.repository_id), array_agg(0))
       FROM old_rows c JOIN pull_requests p ON p.id = c.pull_request_id;
  ELSE
    PERFORM pr_sync_count_data(array_agg(p.repository_id), array_agg(0))
       FROM new_rows c JOIN pull_requests p ON p.id = c.pull_request_id;
  END IF;
  RETURN NULL;
END $$;
