-- Sites crawler (issue 17, point 7): heartbeat leases, so a crawl whose worker died resumes within
-- seconds instead of when a lease sized for a whole invocation (budget + 60 s, about 3 minutes)
-- runs out. A step leases its job for a short time under its own holder id and renews the lease
-- (and the leases of the URLs it is fetching) every few seconds while it runs; a lease nobody
-- renewed is taken over by the next step. Lease times are read on the crawler's clock (`at`,
-- default now()), so the crawler's tests move time by hand.

alter table sites.content_refresh_jobs add column lease_holder uuid;
comment on column sites.content_refresh_jobs.lease_holder is 'The crawler step holding the job''s lease (renewed every few seconds until lease_until); null when free.';

drop function sites.lease_crawl_job(uuid, integer);
drop function sites.crawl_jobs_ready(integer);
drop function sites.claim_crawl_urls(uuid, integer, integer);

-- Takes the job for one step until at + lease_seconds, under holder; null when a live lease is
-- held or the job is finished.
create function sites.lease_crawl_job(job uuid, lease_seconds integer, holder uuid default null, at timestamptz default now())
returns sites.content_refresh_jobs
language sql
set search_path = ''
as $$
  update sites.content_refresh_jobs j
  set status = 'running', started_at = coalesce(j.started_at, now()), lease_until = at + make_interval(secs => lease_seconds),
      lease_holder = holder
  where j.id = job and j.status in ('pending', 'running') and (j.lease_until is null or j.lease_until < at)
  returning *;
$$;
comment on function sites.lease_crawl_job(uuid, integer, uuid, timestamptz) is 'Leases an open crawl job to one step (holder) until at + lease_seconds, unless a live lease is held. Service role.';

-- The heartbeat: extends the holder's lease on the job and on the URLs the job is fetching; false
-- when the holder no longer has the job (taken over, finished): the step then stops.
create function sites.renew_crawl_lease(job uuid, holder uuid, lease_seconds integer, at timestamptz default now())
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  update sites.content_refresh_jobs j set lease_until = at + make_interval(secs => lease_seconds)
  where j.id = job and j.lease_holder = holder and j.status in ('pending', 'running');
  if not found then
    return false;
  end if;
  update private.crawl_frontier f set lease_until = at + make_interval(secs => lease_seconds)
  where f.job_id = job and f.status = 'fetching';
  return true;
end;
$$;
comment on function sites.renew_crawl_lease(uuid, uuid, integer, timestamptz) is 'Heartbeat of a crawl step: extends its job lease and its in-flight URL leases to at + lease_seconds; false when the step lost the job. Service role.';

-- Jobs with work to do and no live lease.
create function sites.crawl_jobs_ready(max_jobs integer default 10, at timestamptz default now())
returns setof uuid
language sql
stable
set search_path = ''
as $$
  select j.id from sites.content_refresh_jobs j
  where j.status in ('pending', 'running') and (j.lease_until is null or j.lease_until < at)
  order by j.created_at
  limit max_jobs;
$$;

-- As in 20261202050000, with the URL leases on the crawler's clock.
create function sites.claim_crawl_urls(job uuid, n integer, lease_seconds integer, at timestamptz default now())
returns table (url text, depth integer, attempts integer, redirects integer, etag text, last_modified timestamptz)
language plpgsql
set search_path = ''
as $$
#variable_conflict use_column
declare
  target_domain uuid;
  pages_left integer;
begin
  update private.crawl_frontier f set status = 'queued', lease_until = null
  where f.job_id = job and f.status = 'fetching' and f.lease_until < at;
  select j.domain_id into target_domain from sites.content_refresh_jobs j where j.id = job;
  pages_left := private.crawl_pages_left(target_domain);
  if pages_left is not null then
    n := least(n, pages_left);
  end if;
  return query
  with ready as (
    select f.url from private.crawl_frontier f
    where f.job_id = job and f.status = 'queued' and f.next_attempt_at <= greatest(now(), at)
    order by f.depth, f.next_attempt_at, f.url
    limit n
    for update skip locked
  ), claimed as (
    update private.crawl_frontier f set status = 'fetching', lease_until = at + make_interval(secs => lease_seconds), updated_at = now()
    from ready r where f.job_id = job and f.url = r.url
    returning f.url, f.depth, f.attempts, f.redirects
  )
  select c.url, c.depth, c.attempts, c.redirects, p.metadata ->> 'etag', p.last_modified
  from claimed c
  join sites.content_refresh_jobs j on j.id = job
  left join sites.scraped_pages p on p.domain_id = j.domain_id and p.url = c.url and p.status = 'scraped';
end;
$$;
comment on function sites.claim_crawl_urls(uuid, integer, integer, timestamptz) is 'Claims up to n ready URLs of a crawl job (within the month''s pages_per_month) until at + lease_seconds. Service role.';

-- Frees the job's lease.
create or replace function sites.release_crawl_job(job uuid)
returns void
language sql
set search_path = ''
as $$
  update sites.content_refresh_jobs set lease_until = null, lease_holder = null where id = job;
$$;

do $$
declare
  f text;
begin
  foreach f in array array['sites.lease_crawl_job(uuid, integer, uuid, timestamptz)', 'sites.renew_crawl_lease(uuid, uuid, integer, timestamptz)',
    'sites.crawl_jobs_ready(integer, timestamptz)', 'sites.claim_crawl_urls(uuid, integer, integer, timestamptz)'] loop
    execute format('revoke all on function %s from public', f);
    execute format('grant execute on function %s to service_role', f);
  end loop;
end;
$$;
