-- Sites: the closed sets become enums, so clients see them (Database['sites']['Enums'] in
-- types/database.ts) instead of finding them only in CHECK constraints.
--
--   businesses.plan                        sites.business_plan
--   domains.scrape_frequency               sites.scrape_frequency
--   scraped_pages.status                   sites.scraped_page_status
--   structured_extractions.extract_type    sites.extract_type
--   content_refresh_jobs.job_type, status  sites.refresh_job_type, sites.refresh_job_status
--   domain_patterns.pattern_type, platform sites.domain_pattern_type, sites.site_platform
--   training_data.type, status             sites.training_data_type, sites.training_data_status
--   messages.role                          sites.message_role
--   customer_verifications.purpose, method sites.verification_purpose, sites.verification_method
--   privacy_requests.request_type, regulation, status
--                                          sites.privacy_request_type, sites.privacy_regulation,
--                                          sites.privacy_request_status
--
-- Converted in place (values, defaults, NOT NULL kept). The view chat_messages (role) and the two
-- partial indexes on status are re-created as they were. RPC parameters stay text (the functions
-- pass strings); the functions that write these columns from a text value cast it after checking it.
-- An unknown value written directly is refused with 22P02 (invalid_text_representation) instead of
-- 23514.
--
-- Labels are declared in alphabetical order on purpose: an enum sorts and compares by declaration
-- order, so this keeps every ORDER BY, min/max and comparison on these columns exactly as it was with
-- text (the chat function, for one, orders a conversation's messages by created_at, role desc).

create type sites.business_plan as enum ('enterprise', 'free', 'pro');
comment on type sites.business_plan is 'Plan of a business (its usage limits).';
create type sites.scrape_frequency as enum ('daily', 'monthly', 'weekly');
comment on type sites.scrape_frequency is 'How often a domain is re-crawled.';
create type sites.scraped_page_status as enum ('failed', 'pending', 'scraped', 'skipped');
comment on type sites.scraped_page_status is 'Outcome of crawling a page.';
create type sites.extract_type as enum ('article', 'breadcrumb', 'contact', 'faq', 'organization', 'other', 'product');
comment on type sites.extract_type is 'Kind of structured data extracted from a page.';
create type sites.refresh_job_type as enum ('crawl', 'refresh');
comment on type sites.refresh_job_type is 'A full crawl of a domain, or a refresh of known pages.';
create type sites.refresh_job_status as enum ('cancelled', 'completed', 'failed', 'pending', 'running');
comment on type sites.refresh_job_status is 'pending -> running -> completed | failed | cancelled; one pending or running job per domain.';
create type sites.domain_pattern_type as enum ('platform', 'robots', 'sitemap');
comment on type sites.domain_pattern_type is 'What a domain pattern records: the detected platform, the robots.txt rules, the sitemaps.';
create type sites.site_platform as enum ('generic', 'shopify', 'woocommerce', 'wordpress');
comment on type sites.site_platform is 'Platform detected for a site.';
create type sites.training_data_type as enum ('correction', 'instruction', 'qa', 'snippet');
comment on type sites.training_data_type is 'Kind of a training entry for the chat.';
create type sites.training_data_status as enum ('approved', 'pending', 'rejected');
comment on type sites.training_data_status is 'Review state of a training entry; only approved entries are used.';
create type sites.message_role as enum ('assistant', 'system', 'user');
comment on type sites.message_role is 'Author of a chat widget message.';
create type sites.verification_purpose as enum ('order_access', 'privacy_request');
comment on type sites.verification_purpose is 'What a visitor verification unlocks.';
create type sites.verification_method as enum ('email_code', 'order_number');
comment on type sites.verification_method is 'How a visitor proves who they are.';
create type sites.privacy_request_type as enum ('access', 'delete', 'rectify');
comment on type sites.privacy_request_type is 'GDPR/CCPA request kind: access (export), delete (erase), rectify.';
create type sites.privacy_regulation as enum ('ccpa', 'gdpr');
comment on type sites.privacy_regulation is 'Regulation a privacy request is made under (GDPR: 30 days; CCPA: 45 days).';
create type sites.privacy_request_status as enum ('completed', 'pending_verification', 'processing', 'rejected', 'verified');
comment on type sites.privacy_request_status is 'pending_verification -> verified -> processing -> completed, or rejected.';

-- What reads the columns ---------------------------------------------------------------------------
drop view sites.chat_messages;
drop index sites.idx_scraped_pages_active;
drop index sites.content_refresh_jobs_one_open;

-- The columns ----------------------------------------------------------------------------------------
alter table sites.businesses
  drop constraint businesses_plan_check,
  alter column plan drop default,
  alter column plan type sites.business_plan using plan::sites.business_plan,
  alter column plan set default 'free';

alter table sites.domains
  drop constraint domains_scrape_frequency_check,
  alter column scrape_frequency drop default,
  alter column scrape_frequency type sites.scrape_frequency using scrape_frequency::sites.scrape_frequency,
  alter column scrape_frequency set default 'weekly';

alter table sites.scraped_pages
  drop constraint scraped_pages_status_check,
  alter column status drop default,
  alter column status type sites.scraped_page_status using status::sites.scraped_page_status,
  alter column status set default 'pending';

alter table sites.structured_extractions
  drop constraint structured_extractions_extract_type_check,
  alter column extract_type type sites.extract_type using extract_type::sites.extract_type;

alter table sites.content_refresh_jobs
  drop constraint content_refresh_jobs_job_type_check,
  drop constraint content_refresh_jobs_status_check,
  alter column status drop default,
  alter column job_type type sites.refresh_job_type using job_type::sites.refresh_job_type,
  alter column status type sites.refresh_job_status using status::sites.refresh_job_status,
  alter column status set default 'pending';

alter table sites.domain_patterns
  drop constraint domain_patterns_pattern_type_check,
  drop constraint domain_patterns_platform_check,
  alter column pattern_type type sites.domain_pattern_type using pattern_type::sites.domain_pattern_type,
  alter column platform type sites.site_platform using platform::sites.site_platform;

alter table sites.training_data
  drop constraint training_data_type_check,
  drop constraint training_data_status_check,
  alter column status drop default,
  alter column type type sites.training_data_type using type::sites.training_data_type,
  alter column status type sites.training_data_status using status::sites.training_data_status,
  alter column status set default 'pending';

alter table sites.messages
  drop constraint messages_role_check,
  alter column role type sites.message_role using role::sites.message_role;

alter table sites.customer_verifications
  drop constraint customer_verifications_purpose_check,
  drop constraint customer_verifications_method_check,
  alter column purpose type sites.verification_purpose using purpose::sites.verification_purpose,
  alter column method type sites.verification_method using method::sites.verification_method;

alter table sites.privacy_requests
  drop constraint privacy_requests_request_type_check,
  drop constraint privacy_requests_regulation_check,
  drop constraint privacy_requests_status_check,
  alter column regulation drop default,
  alter column status drop default,
  alter column request_type type sites.privacy_request_type using request_type::sites.privacy_request_type,
  alter column regulation type sites.privacy_regulation using regulation::sites.privacy_regulation,
  alter column status type sites.privacy_request_status using status::sites.privacy_request_status,
  alter column regulation set default 'gdpr',
  alter column status set default 'pending_verification';

-- Re-created as they were ------------------------------------------------------------------------------
create index idx_scraped_pages_active on sites.scraped_pages (domain_id, scraped_at desc) where status = 'scraped';
create unique index content_refresh_jobs_one_open on sites.content_refresh_jobs (domain_id) where status in ('pending', 'running');

create view sites.chat_messages with (security_invoker = true) as
select m.id, m.conversation_id as session_id, c.session_id as session_key, m.role, m.content, m.metadata, m.created_at
from sites.messages m
join sites.conversations c on c.id = m.conversation_id;
comment on view sites.chat_messages is 'Chat messages (the seed''s alternative structure), derived from messages.';
grant select on sites.chat_messages to authenticated, service_role;

-- Functions that write these columns from text: the same bodies, with the checked value cast.

create or replace function sites.end_crawl(job uuid, final_status text, message text default null)
returns text
language plpgsql
set search_path = ''
as $$
begin
  if final_status not in ('failed', 'cancelled') then
    raise exception 'end_crawl ends a job as failed or cancelled' using errcode = '22023';
  end if;
  update sites.content_refresh_jobs set status = final_status::sites.refresh_job_status, completed_at = now(), lease_until = null, error_message = message
  where id = job and status in ('pending', 'running');
  if not found then
    return (select status from sites.content_refresh_jobs where id = job);
  end if;
  delete from private.crawl_frontier where job_id = job and status in ('queued', 'fetching');
  return final_status;
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

