-- sites.crawl_report ran with its owner's rights (a SECURITY DEFINER view: `supabase db advisors`
-- ERROR security_definer_view), filtering rows in its WHERE clause. Now it runs with the caller's
-- rights like every other view clients read, and the rows are filtered by RLS on the private frontier
-- table: a signed-in user reads the frontier rows of crawls of their own domains, nothing else. The
-- private schema is not exposed over REST, so this grant reaches clients only through the view.
alter table private.crawl_frontier enable row level security;

create policy crawl_frontier_owner_select on private.crawl_frontier
  for select to authenticated
  using (exists (
    select 1 from sites.content_refresh_jobs j join sites.domains d on d.id = j.domain_id
    where j.id = crawl_frontier.job_id and d.user_id = (select auth.uid())));
grant select on private.crawl_frontier to authenticated, service_role;

create or replace view sites.crawl_report with (security_invoker = true, security_barrier = true) as
select f.job_id, j.domain_id, f.url,
  case
    when f.status = 'queued' and f.outcome = 'retry' then 'retrying'
    when f.status in ('queued', 'fetching') then f.status
    when f.outcome in ('changed', 'unchanged') then 'fetched'
    when f.outcome = 'not_modified' then 'not_modified'
    when f.outcome = 'redirected' then 'redirected'
    when f.status = 'failed' then 'failed'
    else 'skipped'
  end as result,
  f.outcome, f.http_status, f.detail, f.attempts, f.depth, f.discovered_from, f.updated_at
from private.crawl_frontier f
join sites.content_refresh_jobs j on j.id = f.job_id;
comment on view sites.crawl_report is 'Per-URL report of the owner''s crawls: result (fetched, not_modified, redirected, failed, skipped, queued, fetching, retrying), outcome (changed, unchanged, not_modified, redirected, failed, skipped_robots, skipped_non_html, skipped_too_large, skipped_quota), http_status, detail (why). Runs with the caller''s rights: owners see their own domains'' crawls only (RLS on the frontier and the jobs).';
revoke all on sites.crawl_report from public, anon;
grant select on sites.crawl_report to authenticated, service_role;
