-- Read-only views for BI tools (Metabase, Grafana, notebooks). Their column names are a stable
-- interface: add columns at the end, never rename or drop one. They join tables, so PostgreSQL
-- refuses writes through them.
CREATE VIEW "pr_sync_repositories" AS
SELECT r.installation_id,
       i.account_login,
       r.id AS repository_id,
       r.full_name AS repository,
       r.private,
       r.archived,
       r.active,
       r.status AS sync_status,
       r.last_synced_at,
       r.history_since
  FROM repositories r
  JOIN installations i ON i.id = r.installation_id;
--> statement-breakpoint
CREATE VIEW "pr_sync_pull_requests" AS
SELECT r.installation_id,
       i.account_login,
       p.repository_id,
       r.full_name AS repository,
       p.id AS pull_request_id,
       p.number,
       p.title,
       p.author_login,
       p.author_type,
       p.state,
       p.draft,
       p.merged,
       p.created_at,
       p.updated_at,
       p.closed_at,
       p.merged_at,
       p.first_review_at,
       (extract(epoch FROM (p.merged_at - p.created_at)) / 3600.0)::float8 AS cycle_hours,
       p.additions,
       p.deletions,
       p.changed_files,
       p.base_ref,
       p.head_ref,
       p.url
  FROM pull_requests p
  JOIN repositories r ON r.id = p.repository_id
  JOIN installations i ON i.id = r.installation_id;
--> statement-breakpoint
CREATE VIEW "pr_sync_reviews" AS
SELECT r.installation_id,
       i.account_login,
       p.repository_id,
       r.full_name AS repository,
       p.id AS pull_request_id,
       p.number AS pull_request_number,
       p.author_login AS pull_request_author_login,
       v.id AS review_id,
       v.reviewer_login,
       v.state,
       v.submitted_at
  FROM reviews v
  JOIN pull_requests p ON p.id = v.pull_request_id
  JOIN repositories r ON r.id = p.repository_id
  JOIN installations i ON i.id = r.installation_id;
