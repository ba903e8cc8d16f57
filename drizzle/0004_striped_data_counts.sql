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
-- Each statement adds one to the data version and the moves to the pull-request count of every repository it
-- touched, in this connection's stripe, in repository order (two writers sharing a stripe then never wait on
-- each other in a circle). A deleted pull request's repository may be going too (a cascade): skip it.
CREATE OR REPLACE FUNCTION pr_sync_pull_requests_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO repository_data_counts AS c (repository_id, stripe, data_version, pull_request_count)
    SELECT repository_id, pg_backend_pid() % 16, 1, count(*) FROM new_rows GROUP BY 1 ORDER BY 1
    ON CONFLICT (repository_id, stripe) DO UPDATE
       SET data_version = c.data_version + 1, pull_request_count = c.pull_request_count + excluded.pull_request_count;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO repository_data_counts AS c (repository_id, stripe, data_version, pull_request_count)
    SELECT o.repository_id, pg_backend_pid() % 16, 1, -count(*) FROM old_rows o
     WHERE EXISTS (SELECT 1 FROM repositories r WHERE r.id = o.repository_id)
     GROUP BY 1 ORDER BY 1
    ON CONFLICT (repository_id, stripe) DO UPDATE
       SET data_version = c.data_version + 1, pull_request_count = c.pull_request_count + excluded.pull_request_count;
  ELSE
    INSERT INTO repository_data_counts AS c (repository_id, stripe, data_version, pull_request_count)
    SELECT repository_id, pg_backend_pid() % 16, 1, sum(move)
      FROM (SELECT repository_id, 1 AS move FROM new_rows UNION ALL SELECT repository_id, -1 FROM old_rows) moves
     GROUP BY 1 ORDER BY 1
    ON CONFLICT (repository_id, stripe) DO UPDATE
       SET data_version = c.data_version + 1, pull_request_count = c.pull_request_count + excluded.pull_request_count;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION pr_sync_reviews_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO repository_data_counts AS c (repository_id, stripe, data_version)
    SELECT p.repository_id, pg_backend_pid() % 16, 1 FROM old_rows x JOIN pull_requests p ON p.id = x.pull_request_id
     GROUP BY 1 ORDER BY 1
    ON CONFLICT (repository_id, stripe) DO UPDATE SET data_version = c.data_version + 1;
  ELSE
    INSERT INTO repository_data_counts AS c (repository_id, stripe, data_version)
    SELECT p.repository_id, pg_backend_pid() % 16, 1 FROM new_rows x JOIN pull_requests p ON p.id = x.pull_request_id
     GROUP BY 1 ORDER BY 1
    ON CONFLICT (repository_id, stripe) DO UPDATE SET data_version = c.data_version + 1;
  END IF;
  RETURN NULL;
END $$;
