-- Sites: the crawler's state in the database, so a crawl survives any one Edge invocation. A job
-- (content_refresh_jobs) owns a frontier of URLs; each invocation leases the job, claims a batch of
-- URLs, records each result in one transaction, and hands the rest to the next tick. A crashed
-- invocation's URLs return to the queue when their lease expires; finished URLs are never fetched
-- again in the same job. Service role only.

create table private.crawl_frontier (
  job_id uuid not null references sites.content_refresh_jobs (id) on delete cascade,
  url text not null,
  depth integer not null check (depth >= 0),
  status text not null default 'queued' check (status in ('queued', 'fetching', 'done', 'failed', 'skipped')),
  outcome text,
  attempts integer not null default 0,
  redirects integer not null default 0 check (redirects >= 0),
  next_attempt_at timestamptz not null default now(),
  lease_until timestamptz,
  discovered_from text,
  updated_at timestamptz not null default now(),
  primary key (job_id, url)
);
comment on table private.crawl_frontier is 'URLs of a crawl job: queued, being fetched (leased), or finished with an outcome.';
create index crawl_frontier_ready_idx on private.crawl_frontier (job_id, next_attempt_at) where status = 'queued';
create index crawl_frontier_leased_idx on private.crawl_frontier (job_id, lease_until) where status = 'fetching';

create function private.crawl_counts_zero()
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select '{"pages_fetched": 0, "not_modified": 0, "unchanged": 0, "changed": 0, "failed": 0, "skipped_robots": 0,
           "skipped_non_html": 0, "skipped_too_large": 0, "redirects": 0, "retries": 0, "chunks_enqueued": 0, "urls_queued": 0}'::jsonb;
$$;

-- Adds delta's numbers to the job's metadata.counts.
create function private.bump_crawl_counts(job uuid, delta jsonb)
returns void
language sql
set search_path = ''
as $$
  update sites.content_refresh_jobs j
  set metadata = jsonb_set(j.metadata, '{counts}', (
    select jsonb_object_agg(k, coalesce((j.metadata -> 'counts' ->> k)::bigint, 0) + coalesce((delta ->> k)::bigint, 0))
    from jsonb_object_keys(coalesce(j.metadata -> 'counts', '{}') || delta) k))
  where j.id = job;
$$;

-- Starts a crawl of a domain (or returns the one already open).
create function sites.start_crawl(target_domain uuid, max_pages integer default 500, max_depth integer default 5)
returns sites.content_refresh_jobs
language plpgsql
set search_path = ''
as $$
declare
  job sites.content_refresh_jobs;
begin
  select * into job from sites.content_refresh_jobs j where j.domain_id = target_domain and j.status in ('pending', 'running');
  if job.id is not null then
    return job;
  end if;
  insert into sites.content_refresh_jobs (domain_id, job_type, metadata)
  values (target_domain, 'crawl', jsonb_build_object('limits', jsonb_build_object('max_pages', max_pages, 'max_depth', max_depth),
                                                      'counts', private.crawl_counts_zero()))
  on conflict (domain_id) where status in ('pending', 'running') do nothing
  returning * into job;
  if job.id is null then
    select * into job from sites.content_refresh_jobs j where j.domain_id = target_domain and j.status in ('pending', 'running');
  end if;
  return job;
end;
$$;
comment on function sites.start_crawl(uuid, integer, integer) is 'Opens a crawl job for a domain (one open job per domain). Service role.';

-- Starts a job for every active domain whose scrape_frequency says it is due.
create function sites.start_due_crawls()
returns setof uuid
language sql
set search_path = ''
as $$
  select (sites.start_crawl(d.id)).id
  from sites.domains d
  where d.active
    and (d.last_scraped_at is null or d.last_scraped_at < now() - case d.scrape_frequency
          when 'daily' then interval '1 day' when 'monthly' then interval '1 month' else interval '7 days' end)
    and not exists (select 1 from sites.content_refresh_jobs j where j.domain_id = d.id and j.status in ('pending', 'running'));
$$;
comment on function sites.start_due_crawls() is 'Opens crawl jobs for active domains that are due (daily, weekly, monthly since last_scraped_at). Service role.';

-- Takes the job for one invocation until lease_until; null when another invocation holds it or the
-- job is finished.
create function sites.lease_crawl_job(job uuid, lease_seconds integer)
returns sites.content_refresh_jobs
language sql
set search_path = ''
as $$
  update sites.content_refresh_jobs j
  set status = 'running', started_at = coalesce(j.started_at, now()), lease_until = now() + make_interval(secs => lease_seconds)
  where j.id = job and j.status in ('pending', 'running') and (j.lease_until is null or j.lease_until < now())
  returning *;
$$;

create function sites.release_crawl_job(job uuid)
returns void
language sql
set search_path = ''
as $$
  update sites.content_refresh_jobs set lease_until = null where id = job;
$$;

-- Jobs with work to do and no live lease.
create function sites.crawl_jobs_ready(max_jobs integer default 10)
returns setof uuid
language sql
stable
set search_path = ''
as $$
  select j.id from sites.content_refresh_jobs j
  where j.status in ('pending', 'running') and (j.lease_until is null or j.lease_until < now())
  order by j.created_at
  limit max_jobs;
$$;

-- Discovery results: robots.txt, sitemaps and crawl delay, kept with the job and learned per domain.
create function sites.note_crawl_discovery(job uuid, origin text, robots_txt text, sitemaps jsonb, crawl_delay_seconds numeric, skipped_robots integer default 0)
returns void
language sql
set search_path = ''
as $$
  select private.bump_crawl_counts(job, jsonb_build_object('skipped_robots', skipped_robots));
  update sites.content_refresh_jobs j
  set metadata = j.metadata || jsonb_build_object('discovered', true, 'origin', origin, 'robots_txt', robots_txt, 'sitemaps', sitemaps,
                                                  'crawl_delay_seconds', crawl_delay_seconds)
  where j.id = job;
  insert into sites.domain_patterns (domain_id, pattern_type, pattern, confidence, sample_count)
  select j.domain_id, 'robots', jsonb_build_object('robots_txt', robots_txt, 'sitemaps', sitemaps, 'crawl_delay_seconds', crawl_delay_seconds), 1, 1
  from sites.content_refresh_jobs j where j.id = job
  on conflict (domain_id, pattern_type) do update
    set pattern = excluded.pattern, sample_count = sites.domain_patterns.sample_count + 1
    where sites.domain_patterns.pattern is distinct from excluded.pattern;
$$;

-- Adds URLs to the frontier up to the job's max_pages; returns how many were new.
create function sites.enqueue_crawl_urls(job uuid, urls jsonb)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  room integer;
  added integer;
begin
  select (j.metadata -> 'limits' ->> 'max_pages')::integer - (select count(*) from private.crawl_frontier f where f.job_id = job)
  into room
  from sites.content_refresh_jobs j where j.id = job for update;
  if room is null or room <= 0 then
    return 0;
  end if;
  insert into private.crawl_frontier (job_id, url, depth, redirects, discovered_from)
  select job, u ->> 'url', (u ->> 'depth')::integer, coalesce((u ->> 'redirects')::integer, 0), u ->> 'from'
  from (select distinct on (u ->> 'url') u, ord from jsonb_array_elements(urls) with ordinality as x(u, ord) order by u ->> 'url', ord) d
  where (u ->> 'depth')::integer <= (select (j.metadata -> 'limits' ->> 'max_depth')::integer from sites.content_refresh_jobs j where j.id = job)
  order by ord
  limit room
  on conflict do nothing;
  get diagnostics added = row_count;
  perform private.bump_crawl_counts(job, jsonb_build_object('urls_queued', added));
  return added;
end;
$$;

-- Claims up to n ready URLs, with what the last crawl stored for a conditional request.
create function sites.claim_crawl_urls(job uuid, n integer, lease_seconds integer)
returns table (url text, depth integer, attempts integer, redirects integer, etag text, last_modified timestamptz)
language plpgsql
set search_path = ''
as $$
#variable_conflict use_column
begin
  update private.crawl_frontier f set status = 'queued', lease_until = null
  where f.job_id = job and f.status = 'fetching' and f.lease_until < now();
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

-- Records one URL's result in one transaction. result:
--   {url, outcome: fetched | not_modified | redirected | failed | retry | skipped_robots | skipped_non_html | skipped_too_large,
--    retry_at?, http_status?, error?, etag?, last_modified?, skipped_robots? (links refused by robots),
--    page?: {title, markdown, html, description, language, canonical, content_type, content_hash, metadata},
--    chunks?: [{text, heading}], links?: [{url, text, internal, rel}], structured?: [{type, schemaType, data, confidence, source}],
--    platform?: {platform, confidence, evidence}, enqueue?: [{url, depth}]}
-- An unchanged page (equal content hash) writes no page rows and enqueues no embeddings. For a 304
-- the answer carries known_links, the page's stored internal links, for the crawler to follow.
create function sites.record_crawl_result(job uuid, result jsonb)
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
begin
  select * into j from sites.content_refresh_jobs where id = job;
  if j.id is null or j.status not in ('pending', 'running') then
    return jsonb_build_object('recorded', false, 'reason', 'job is not open');
  end if;

  if result_outcome = 'retry' then
    update private.crawl_frontier set status = 'queued', lease_until = null, attempts = attempts + 1,
      next_attempt_at = coalesce((result ->> 'retry_at')::timestamptz, now()), outcome = 'retry', updated_at = now()
    where job_id = job and url = page_url;
    perform private.bump_crawl_counts(job, delta || '{"retries": 1}');
    return jsonb_build_object('recorded', true, 'outcome', result_outcome);
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
      select j.domain_id, page_url, s ->> 'type', s -> 'data', jsonb_build_object('source', s ->> 'source', 'type', s ->> 'schemaType'),
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
        values (j.domain_id, 'platform', result -> 'platform' ->> 'platform', jsonb_build_object('evidence', result -> 'platform' -> 'evidence'),
                (result -> 'platform' ->> 'confidence')::double precision, 1)
        on conflict (domain_id, pattern_type) do update set
          platform = case when excluded.confidence >= dp.confidence then excluded.platform else dp.platform end,
          pattern = case when excluded.confidence >= dp.confidence then excluded.pattern else dp.pattern end,
          confidence = greatest(dp.confidence, excluded.confidence),
          sample_count = dp.sample_count + 1;
      end if;

      select d.business_id into business from sites.domains d where d.id = j.domain_id;
      if business is not null then
        insert into sites.business_usage as u (business_id, period_start, pages_crawled)
        values (business, date_trunc('month', now())::date, 1)
        on conflict (business_id, period_start) do update set pages_crawled = u.pages_crawled + 1;
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
    outcome = result_outcome, lease_until = null, updated_at = now()
  where job_id = job and url = page_url;
  perform private.bump_crawl_counts(job, delta);
  if result ? 'enqueue' then
    perform sites.enqueue_crawl_urls(job, result -> 'enqueue');
  end if;
  return jsonb_build_object('recorded', true, 'outcome', result_outcome, 'chunks_enqueued', chunk_changes, 'known_links', known_links);
end;
$$;
comment on function sites.record_crawl_result(uuid, jsonb) is 'Records one fetched URL of a crawl job atomically (page, content, hash, links, extractions, passages, platform, usage, counts, new URLs). Service role.';

-- Completes the job when its frontier is exhausted; returns the job's status.
create function sites.finish_crawl_if_done(job uuid)
returns text
language plpgsql
set search_path = ''
as $$
declare
  j sites.content_refresh_jobs;
begin
  select * into j from sites.content_refresh_jobs where id = job for update;
  if j.status not in ('pending', 'running') then
    return j.status;
  end if;
  if exists (select 1 from private.crawl_frontier f where f.job_id = job and f.status in ('queued', 'fetching')) then
    return j.status;
  end if;
  update sites.content_refresh_jobs set status = 'completed', completed_at = now(), lease_until = null where id = job;
  update sites.domains set last_scraped_at = now(),
    last_content_refresh = case when (j.metadata -> 'counts' ->> 'changed')::integer > 0 then now() else last_content_refresh end
  where id = j.domain_id;
  return 'completed';
end;
$$;

-- Ends a job as failed or cancelled; its unfinished URLs are dropped.
create function sites.end_crawl(job uuid, final_status text, message text default null)
returns text
language plpgsql
set search_path = ''
as $$
begin
  if final_status not in ('failed', 'cancelled') then
    raise exception 'end_crawl ends a job as failed or cancelled' using errcode = '22023';
  end if;
  update sites.content_refresh_jobs set status = final_status, completed_at = now(), lease_until = null, error_message = message
  where id = job and status in ('pending', 'running');
  if not found then
    return (select status from sites.content_refresh_jobs where id = job);
  end if;
  delete from private.crawl_frontier where job_id = job and status in ('queued', 'fetching');
  return final_status;
end;
$$;

do $$
declare
  f text;
begin
  foreach f in array array['private.crawl_counts_zero()', 'private.bump_crawl_counts(uuid, jsonb)',
    'sites.start_crawl(uuid, integer, integer)', 'sites.start_due_crawls()', 'sites.lease_crawl_job(uuid, integer)',
    'sites.release_crawl_job(uuid)', 'sites.crawl_jobs_ready(integer)', 'sites.note_crawl_discovery(uuid, text, text, jsonb, numeric, integer)',
    'sites.enqueue_crawl_urls(uuid, jsonb)', 'sites.claim_crawl_urls(uuid, integer, integer)', 'sites.record_crawl_result(uuid, jsonb)',
    'sites.finish_crawl_if_done(uuid)', 'sites.end_crawl(uuid, text, text)'] loop
    execute format('revoke all on function %s from public', f);
    if f like 'sites.%' then
      execute format('grant execute on function %s to service_role', f);
    end if;
  end loop;
end;
$$;

-- Every minute: start due crawls and advance open ones (each invocation within its time budget).
select private.schedule_function('sites-crawl', '* * * * *', 'scrape/tick', '{}');
