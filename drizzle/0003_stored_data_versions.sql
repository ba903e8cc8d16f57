ALTER TABLE "repositories" ADD COLUMN "data_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "repositories" ADD COLUMN "pull_request_count" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- Every write or delete of pull requests or reviews raises data_version of the repositories it touched, once
-- per statement, and keeps pull_request_count, so no write path can forget either. A trigger with transition
-- tables serves one event, hence one trigger per event.
CREATE FUNCTION pr_sync_pull_requests_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE repositories r SET data_version = data_version + 1, pull_request_count = pull_request_count + c.n
      FROM (SELECT repository_id, count(*) AS n FROM new_rows GROUP BY 1) c WHERE r.id = c.repository_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE repositories r SET data_version = data_version + 1, pull_request_count = pull_request_count - c.n
      FROM (SELECT repository_id, count(*) AS n FROM old_rows GROUP BY 1) c WHERE r.id = c.repository_id;
  ELSE
    UPDATE repositories r SET data_version = data_version + 1, pull_request_count = pull_request_count + c.n
      FROM (SELECT repository_id, sum(n) AS n
              FROM (SELECT repository_id, 1 AS n FROM new_rows UNION ALL SELECT repository_id, -1 FROM old_rows) moves
             GROUP BY 1) c
     WHERE r.id = c.repository_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION pr_sync_reviews_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE repositories SET data_version = data_version + 1
     WHERE id IN (SELECT p.repository_id FROM old_rows c JOIN pull_requests p ON p.id = c.pull_request_id);
  ELSE
    UPDATE repositories SET data_version = data_version + 1
     WHERE id IN (SELECT p.repository_id FROM new_rows c JOIN pull_requests p ON p.id = c.pull_request_id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER pull_requests_inserted AFTER INSERT ON pull_requests
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pr_sync_pull_requests_changed();
--> statement-breakpoint
CREATE TRIGGER pull_requests_updated AFTER UPDATE ON pull_requests
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pr_sync_pull_requests_changed();
--> statement-breakpoint
CREATE TRIGGER pull_requests_deleted AFTER DELETE ON pull_requests
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pr_sync_pull_requests_changed();
--> statement-breakpoint
CREATE TRIGGER reviews_inserted AFTER INSERT ON reviews
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pr_sync_reviews_changed();
--> statement-breakpoint
CREATE TRIGGER reviews_updated AFTER UPDATE ON reviews
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pr_sync_reviews_changed();
--> statement-breakpoint
CREATE TRIGGER reviews_deleted AFTER DELETE ON reviews
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pr_sync_reviews_changed();
--> statement-breakpoint
UPDATE repositories r SET pull_request_count = (SELECT count(*) FROM pull_requests p WHERE p.repository_id = r.id);
--> statement-breakpoint
-- A review is the author's own when the ids match, or the logins match where an id is missing. Stored
-- first_review_at counted such login matches as peer reviews; recompute it where the rules can differ so the
-- stored time, the exports, the BI views and the insights agree.
UPDATE pull_requests AS pr
   SET first_review_at = (
     SELECT min(r.submitted_at) FROM reviews r
      WHERE r.pull_request_id = pr.id
        AND r.submitted_at IS NOT NULL
        AND NOT COALESCE(r.reviewer_id = pr.author_id, r.reviewer_login = pr.author_login, false))
 WHERE pr.author_id IS NULL
    OR EXISTS (SELECT 1 FROM reviews r WHERE r.pull_request_id = pr.id AND r.reviewer_id IS NULL);
