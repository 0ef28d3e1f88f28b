-- Sites crawler (issue 17, points 7 and 8): quotas and a per-URL crawl report.
--   * pages_per_month (sites.business_configs.limits) is enforced across the month's crawls: every URL
--     the crawler requests counts in sites.business_usage.pages_crawled (before, only changed pages
--     did), a step claims no more URLs than the month has left, and a crawl that runs out ends as
--     failed with metadata.stop_reason = 'quota_exceeded' and error_message saying so; the URLs it
--     could not fetch stay in its report as skipped (outcome skipped_quota).
--   * max_pages of a crawl is capped by the plan of the domain's business (free 500, pro 5000,
--     enterprise 50000; a domain without a business: free); the request is kept as
--     metadata.limits.requested_max_pages.
--   * counts.retries counts every retry: those slept through inside a fetch (result.retries) and
--     those handed back to the frontier.
--   * sites.crawl_report: one row per URL of the owner's crawls (fetched, not modified, unchanged,
--     failed, skipped, redirected, queued), with the HTTP status and why.

alter table private.crawl_frontier
  add column http_status integer,
  add column detail text;
comment on column private.crawl_frontier.http_status is 'HTTP status of the last answer for this URL (null: no answer: refused, timed out, not requested).';
comment on column private.crawl_frontier.detail is 'Why the URL ended as it did (the error, the skip reason, the redirect target, or what was stored).';

-- Largest max_pages of one crawl per plan.
create function private.plan_max_pages(plan sites.business_plan)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case plan when 'enterprise' then 50000 when 'pro' then 5000 else 500 end;
$$;
comment on function private.plan_max_pages(sites.business_plan) is 'Largest max_pages of one crawl for a business plan (free 500, pro 5000, enterprise 50000).';

-- Pages the domain's business may still crawl this month (null: no limit), counting URLs in flight.
create function private.crawl_pages_left(target_domain uuid)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  business uuid;
  quota integer;
  used integer;
  in_flight integer;
begin
  select d.business_id into business from sites.domains d where d.id = target_domain;
  if business is null then
    return null;
  end if;
  select (c.limits ->> 'pages_per_month')::integer into quota from sites.business_configs c where c.business_id = business;
  if quota is null then
    return null;
  end if;
  -- One business's claims queue here, so two crawls of the month cannot both take its last pages.
  insert into sites.business_usage (business_id, period_start) values (business, date_trunc('month', now())::date)
  on conflict (business_id, period_start) do nothing;
  select u.pages_crawled into used from sites.business_usage u
  where u.business_id = business and u.period_start = date_trunc('month', now())::date for update;
  select count(*) into in_flight from private.crawl_frontier f
  join sites.content_refresh_jobs j on j.id = f.job_id
  join sites.domains d on d.id = j.domain_id
  where d.business_id = business and f.status = 'fetching';
  return greatest(quota - used - in_flight, 0);
end;
$$;

-- Starts a crawl of a domain (or returns the one already open); max_pages capped by the plan.
create or replace function sites.start_crawl(target_domain uuid, max_pages integer default 500, max_depth integer default 5)
returns sites.content_refresh_jobs
language plpgsql
set search_path = ''
as $$
declare
  job sites.content_refresh_jobs;
  cap integer;
begin
  select * into job from sites.content_refresh_jobs j where j.domain_id = target_domain and j.status in ('pending', 'running');
  if job.id is not null then
    return job;
  end if;
  select private.plan_max_pages(coalesce(b.plan, 'free')) into cap
  from sites.domains d left join sites.businesses b on b.id = d.business_id where d.id = target_domain;
  insert into sites.content_refresh_jobs (domain_id, job_type, metadata)
  values (target_domain, 'crawl', jsonb_build_object(
    'limits', jsonb_build_object('max_pages', least(max_pages, coalesce(cap, 500)), 'max_depth', max_depth, 'requested_max_pages', max_pages),
    'counts', private.crawl_counts_zero()))
  on conflict (domain_id) where status in ('pending', 'running') do nothing
  returning * into job;
  if job.id is null then
    select * into job from sites.content_refresh_jobs j where j.domain_id = target_domain and j.status in ('pending', 'running');
  end if;
  return job;
end;
$$;
comment on function sites.start_crawl(uuid, integer, integer) is 'Opens a crawl job for a domain (one open job per domain); max_pages is capped by the plan of the domain''s business (free 500, pro 5000, enterprise 50000). Service role.';

-- Claims up to n ready URLs (no more than the month's pages_per_month has left), with what the last
-- crawl stored for a conditional request.
create or replace function sites.claim_crawl_urls(job uuid, n integer, lease_seconds integer)
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
  where f.job_id = job and f.status = 'fetching' and f.lease_until < now();
  select j.domain_id into target_domain from sites.content_refresh_jobs j where j.id = job;
  pages_left := private.crawl_pages_left(target_domain);
  if pages_left is not null then
    n := least(n, pages_left);
  end if;
  return query
  with ready as (
    select f.url from private.crawl_frontier f
    where f.job_id = job and f.status = 'queued' and f.next_attempt_at <= now()
    order by f.depth, f.next_attempt_at, f.url
    limit n
    for update skip locked
  ), claimed as (
    update private.crawl_frontier f set status = 'fetching', lease_until = now() + make_interval(secs => lease_seconds), updated_at = now()
    from ready r where f.job_id = job and f.url = r.url
    returning f.url, f.depth, f.attempts, f.redirects
  )
  select c.url, c.depth, c.attempts, c.redirects, p.metadata ->> 'etag', p.last_modified
  from claimed c
  join sites.content_refresh_jobs j on j.id = job
  left join sites.scraped_pages p on p.domain_id = j.domain_id and p.url = c.url and p.status = 'scraped';
end;
$$;

-- Completes the job when its frontier is exhausted; ends it as failed (stop_reason quota_exceeded)
-- when URLs are left but the month's pages_per_month is spent. Returns the job's status.
create or replace function sites.finish_crawl_if_done(job uuid)
returns text
language plpgsql
set search_path = ''
as $$
declare
  j sites.content_refresh_jobs;
  quota integer;
begin
  select * into j from sites.content_refresh_jobs where id = job for update;
  if j.status not in ('pending', 'running') then
    return j.status;
  end if;
  if exists (select 1 from private.crawl_frontier f where f.job_id = job and f.status = 'fetching') then
    return j.status;
  end if;
  if exists (select 1 from private.crawl_frontier f where f.job_id = job and f.status = 'queued') then
    if private.crawl_pages_left(j.domain_id) is distinct from 0 then
      return j.status;
    end if;
    select (c.limits ->> 'pages_per_month')::integer into quota
    from sites.domains d join sites.business_configs c on c.business_id = d.business_id where d.id = j.domain_id;
    update private.crawl_frontier set status = 'skipped', outcome = 'skipped_quota', updated_at = now(),
      detail = format('pages_per_month limit of %s reached', quota)
    where job_id = job and status = 'queued';
    update sites.content_refresh_jobs set status = 'failed', completed_at = now(), lease_until = null,
      error_message = format('quota_exceeded: the pages_per_month limit of %s pages is reached for %s', quota, to_char(now(), 'YYYY-MM')),
      metadata = metadata || '{"stop_reason": "quota_exceeded"}'
    where id = job;
    return 'failed';
  end if;
  update sites.content_refresh_jobs set status = 'completed', completed_at = now(), lease_until = null where id = job;
  update sites.domains set last_scraped_at = now(),
    last_content_refresh = case when (j.metadata -> 'counts' ->> 'changed')::integer > 0 then now() else last_content_refresh end
  where id = j.domain_id;
  return 'completed';
end;
$$;

create or replace function sites.record_crawl_result(job uuid, result jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  j sites.content_refresh_jobs;
  page_url text := result ->> 'url';
  result_outcome text := result ->> 'outcome';
  page jsonb := result -> 'page';
  previous_hash text;
  page_row uuid;
  chunk_changes integer := 0;
  delta jsonb := jsonb_build_object('skipped_robots', coalesce((result ->> 'skipped_robots')::integer, 0));
  business uuid;
  known_links jsonb;
  -- Retries made inside the fetch (429 / 5xx / connection errors slept through) before this result.
  fetch_retries integer := coalesce((result ->> 'retries')::integer, 0);
  why text := coalesce(result ->> 'detail', result ->> 'error');
begin
  -- Lock order: the job row first, for every result of this job. Before, a result updated its frontier
  -- row, then the job's counts, then inserted the links it found; a concurrent result whose own URL was
  -- among those links held that frontier row and waited for the job row: deadlock (40P01), and the page
  -- was recorded as failed. Found on PostgreSQL 17 with the crawler's 4 requests in flight.
  select * into j from sites.content_refresh_jobs where id = job for update;
  if j.id is null or j.status not in ('pending', 'running') then
    return jsonb_build_object('recorded', false, 'reason', 'job is not open');
  end if;

  delta := delta || jsonb_build_object('retries', fetch_retries);

  if result_outcome = 'retry' then
    update private.crawl_frontier set status = 'queued', lease_until = null, attempts = attempts + 1,
      next_attempt_at = coalesce((result ->> 'retry_at')::timestamptz, now()), outcome = 'retry', updated_at = now(),
      http_status = (result ->> 'http_status')::integer, detail = coalesce(why, 'retry at ' || (result ->> 'retry_at'))
    where job_id = job and url = page_url;
    perform private.bump_crawl_counts(job, delta || jsonb_build_object('retries', fetch_retries + 1));
    return jsonb_build_object('recorded', true, 'outcome', result_outcome);
  end if;

  -- Every URL the crawler requested counts against the business's pages_per_month.
  if result ->> 'http_status' is not null or result_outcome = 'failed' then
    select d.business_id into business from sites.domains d where d.id = j.domain_id;
    if business is not null then
      insert into sites.business_usage as u (business_id, period_start, pages_crawled)
      values (business, date_trunc('month', now())::date, 1)
      on conflict (business_id, period_start) do update set pages_crawled = u.pages_crawled + 1;
    end if;
  end if;

  if result_outcome = 'fetched' then
    select h.content_hash into previous_hash from sites.content_hashes h where h.domain_id = j.domain_id and h.url = page_url;
    if previous_hash is not distinct from page ->> 'content_hash' then
      result_outcome := 'unchanged';
      -- Only the validators may move (a new ETag for the same content), so the next crawl gets 304s.
      update sites.scraped_pages p set metadata = p.metadata || jsonb_build_object('etag', result ->> 'etag'),
        last_modified = (result ->> 'last_modified')::timestamptz
      where p.domain_id = j.domain_id and p.url = page_url
        and (p.metadata ->> 'etag' is distinct from result ->> 'etag' or p.last_modified is distinct from (result ->> 'last_modified')::timestamptz);
    else
      result_outcome := 'changed';
      insert into sites.scraped_pages as p (domain_id, url, title, content, html, metadata, status, error_message, scraped_at, last_modified)
      values (j.domain_id, page_url, page ->> 'title', page ->> 'markdown', page ->> 'html',
              coalesce(page -> 'metadata', '{}') || jsonb_build_object('etag', result ->> 'etag', 'status_code', (result ->> 'http_status')::integer),
              'scraped', null, now(), (result ->> 'last_modified')::timestamptz)
      on conflict (domain_id, url) do update set title = excluded.title, content = excluded.content, html = excluded.html,
        metadata = excluded.metadata, status = 'scraped', error_message = null, scraped_at = excluded.scraped_at,
        last_modified = excluded.last_modified
      returning p.id into page_row;

      insert into sites.website_content as c (domain_id, url, title, content, summary, content_type, content_hash, metadata, scraped_at)
      values (j.domain_id, page_url, page ->> 'title', page ->> 'markdown', page ->> 'description', page ->> 'content_type',
              page ->> 'content_hash', jsonb_build_object('language', page ->> 'language', 'canonical', page ->> 'canonical'), now())
      on conflict (domain_id, url) do update set title = excluded.title, content = excluded.content, summary = excluded.summary,
        content_type = excluded.content_type, content_hash = excluded.content_hash, metadata = excluded.metadata, scraped_at = excluded.scraped_at;

      insert into sites.content_hashes as h (domain_id, url, content_hash)
      values (j.domain_id, page_url, page ->> 'content_hash')
      on conflict (domain_id, url) do update set content_hash = excluded.content_hash, last_seen_at = now(), last_changed_at = now(),
        change_count = h.change_count + 1;

      delete from sites.page_content_references where source_page_id = page_row;
      insert into sites.page_content_references (domain_id, source_page_id, source_url, target_url, anchor_text, is_internal, rel)
      select j.domain_id, page_row, page_url, l ->> 'url', nullif(l ->> 'text', ''), (l ->> 'internal')::boolean, l ->> 'rel'
      from jsonb_array_elements(coalesce(result -> 'links', '[]')) l;

      delete from sites.structured_extractions where domain_id = j.domain_id and url = page_url;
      insert into sites.structured_extractions (domain_id, url, extract_type, extracted_data, schema_used, confidence_score, extracted_at)
      select j.domain_id, page_url, (s ->> 'type')::sites.extract_type, s -> 'data', jsonb_build_object('source', s ->> 'source', 'type', s ->> 'schemaType'),
             (s ->> 'confidence')::double precision, now()
      from jsonb_array_elements(coalesce(result -> 'structured', '[]')) s;

      -- Passages: only new or changed chunk texts change rows (and so get embedding jobs).
      with incoming as (
        select (ord - 1)::integer as chunk_index, c ->> 'text' as chunk_text,
               jsonb_build_object('url', page_url, 'title', page ->> 'title', 'heading', c ->> 'heading') as metadata
        from jsonb_array_elements(coalesce(result -> 'chunks', '[]')) with ordinality as x(c, ord)
      ), written as (
        insert into sites.page_embeddings as e (page_id, domain_id, chunk_index, chunk_text, metadata)
        select page_row, j.domain_id, i.chunk_index, i.chunk_text, i.metadata from incoming i
        on conflict (page_id, chunk_index) do update set chunk_text = excluded.chunk_text, metadata = excluded.metadata
        where e.chunk_text is distinct from excluded.chunk_text or e.metadata is distinct from excluded.metadata
        returning e.chunk_index
      )
      select count(*) into chunk_changes from written;
      delete from sites.page_embeddings e
      where e.page_id = page_row and e.chunk_index >= jsonb_array_length(coalesce(result -> 'chunks', '[]'));

      if coalesce((result -> 'platform' ->> 'platform'), 'generic') <> 'generic' then
        insert into sites.domain_patterns as dp (domain_id, pattern_type, platform, pattern, confidence, sample_count)
        values (j.domain_id, 'platform', (result -> 'platform' ->> 'platform')::sites.site_platform, jsonb_build_object('evidence', result -> 'platform' -> 'evidence'),
                (result -> 'platform' ->> 'confidence')::double precision, 1)
        on conflict (domain_id, pattern_type) do update set
          platform = case when excluded.confidence >= dp.confidence then excluded.platform else dp.platform end,
          pattern = case when excluded.confidence >= dp.confidence then excluded.pattern else dp.pattern end,
          confidence = greatest(dp.confidence, excluded.confidence),
          sample_count = dp.sample_count + 1;
      end if;

    end if;
    delta := delta || jsonb_build_object('pages_fetched', 1, result_outcome, 1, 'chunks_enqueued', chunk_changes);
  elsif result_outcome = 'not_modified' then
    delta := delta || '{"pages_fetched": 1, "not_modified": 1}';
    -- A 304 has no body: the links to follow are the ones stored when the page last changed.
    select coalesce(jsonb_agg(distinct r.target_url), '[]') into known_links
    from sites.page_content_references r
    join sites.scraped_pages p on p.id = r.source_page_id
    where p.domain_id = j.domain_id and p.url = page_url and r.is_internal and coalesce((p.metadata ->> 'nofollow')::boolean, false) = false;
  elsif result_outcome = 'failed' then
    delta := delta || '{"failed": 1}';
    update sites.scraped_pages set status = 'failed', error_message = result ->> 'error'
    where domain_id = j.domain_id and url = page_url;
  elsif result_outcome = 'redirected' then
    delta := delta || '{"redirects": 1}';
  elsif result_outcome in ('skipped_robots', 'skipped_non_html', 'skipped_too_large') then
    delta := delta || jsonb_build_object(result_outcome, 1);
  else
    raise exception 'unknown crawl outcome %', result_outcome using errcode = '22023';
  end if;

  update private.crawl_frontier set status = case when result_outcome = 'failed' then 'failed' when result_outcome like 'skipped%' then 'skipped' else 'done' end,
    outcome = result_outcome, lease_until = null, updated_at = now(), http_status = (result ->> 'http_status')::integer,
    detail = coalesce(why, case result_outcome
      when 'skipped_robots' then case when result ->> 'http_status' is null then 'disallowed by robots.txt' else 'noindex' end
      when 'unchanged' then 'content unchanged since the last crawl'
      when 'not_modified' then 'not modified since the last crawl (304)'
      when 'changed' then 'content stored'
      else null end)
  where job_id = job and url = page_url;
  perform private.bump_crawl_counts(job, delta);
  if result ? 'enqueue' then
    perform sites.enqueue_crawl_urls(job, result -> 'enqueue');
  end if;
  return jsonb_build_object('recorded', true, 'outcome', result_outcome, 'chunks_enqueued', chunk_changes, 'known_links', known_links);
end;
$$;
comment on function sites.record_crawl_result(uuid, jsonb) is 'Records one fetched URL of a crawl job atomically (page, content, hash, links, extractions, passages, platform, usage, counts, new URLs, the URL''s report line). Service role.';

-- The owner's crawl report: one row per URL of each crawl of their domains. The frontier is private;
-- this view reads it as its owner and shows a signed-in user the rows of their own domains only
-- (anon nothing; the service role and the database owner all).
create view sites.crawl_report with (security_barrier = true) as
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
join sites.content_refresh_jobs j on j.id = f.job_id
where current_user not in ('anon', 'authenticated')
   or exists (select 1 from sites.domains d where d.id = j.domain_id and d.user_id = (select auth.uid()));
comment on view sites.crawl_report is 'Per-URL report of the owner''s crawls: result (fetched, not_modified, redirected, failed, skipped, queued, fetching, retrying), outcome (changed, unchanged, not_modified, redirected, failed, skipped_robots, skipped_non_html, skipped_too_large, skipped_quota), http_status, detail (why). Owners see their own domains'' crawls only.';
revoke all on sites.crawl_report from public, anon;
grant select on sites.crawl_report to authenticated, service_role;

revoke all on function private.plan_max_pages(sites.business_plan) from public;
revoke all on function private.crawl_pages_left(uuid) from public;
