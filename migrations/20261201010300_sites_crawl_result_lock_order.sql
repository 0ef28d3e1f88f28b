-- sites.record_crawl_result takes its crawl job's row lock first, so concurrent results of one crawl
-- queue on it instead of deadlocking (see the comment in the function). Results of one crawl are
-- recorded one at a time; fetching and extraction, the slow part, stay concurrent. Same signature, so
-- the grants stay.

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
begin
  -- Lock order: the job row first, for every result of this job. Before, a result updated its frontier
  -- row, then the job's counts, then inserted the links it found; a concurrent result whose own URL was
  -- among those links held that frontier row and waited for the job row: deadlock (40P01), and the page
  -- was recorded as failed. Found on PostgreSQL 17 with the crawler's 4 requests in flight.
  select * into j from sites.content_refresh_jobs where id = job for update;
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
