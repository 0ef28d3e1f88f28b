-- Sites: tenant isolation on every table and view (an owner sees their own rows; another user and
-- anon see none), sealed store credentials unreadable by clients and plaintext refused, owner writes
-- limited to their own rows, the seed's search_embeddings / get_stale_content, and the crawler's
-- frontier bookkeeping (max_pages, unchanged pages write nothing).
begin;
select plan(43);

select tests.create_supabase_user('ann');
select tests.create_supabase_user('ben');

-- Ann's tenant, one row in every table (written as the service would).
create temp table ids as
with b as (insert into sites.businesses (owner_user_id, name, slug) values (tests.get_supabase_uid('ann'), 'Ann Co', 'ann-co') returning id),
     c as (insert into sites.customers (auth_user_id, email, name) values (tests.get_supabase_uid('ann'), 'ann@shop.test', 'Ann') returning id),
     d as (insert into sites.domains (user_id, business_id, domain) select tests.get_supabase_uid('ann'), b.id, 'ann.example.com' from b returning id)
select (select id from b) as business_id, (select id from c) as customer_id, (select id from d) as domain_id;
grant select on ids to anon, authenticated;

insert into sites.business_configs (business_id) select business_id from ids;
insert into sites.business_usage (business_id, period_start, messages) select business_id, date '2026-11-01', 3 from ids;
insert into sites.customer_configs (customer_id, domain, woocommerce_url)
select customer_id, 'ann.example.com', 'https://ann.example.com' from ids;
insert into private.site_credentials (config_id, woocommerce_consumer_key, woocommerce_consumer_secret, encrypted_credentials)
select id, '{"alg":"A256GCM","iv":"aXY=","ct":"Y3Q="}', '{"alg":"A256GCM","iv":"aXY=","ct":"Y3Q="}', '{"alg":"A256GCM","iv":"aXY=","ct":"Y3Q="}'
from sites.customer_configs where domain = 'ann.example.com';
insert into sites.scraped_pages (domain_id, url, title, content, status, scraped_at) select domain_id, 'https://ann.example.com/warranty', 'Warranty', 'Widgets carry a two year warranty.', 'scraped', now() from ids;
insert into sites.website_content (domain_id, url, title, content, content_hash, scraped_at) select domain_id, 'https://ann.example.com/warranty', 'Warranty', 'Widgets carry a two year warranty.', repeat('a', 64), now() - interval '30 days' from ids;
insert into sites.structured_extractions (domain_id, url, extract_type, extracted_data) select domain_id, 'https://ann.example.com/faq', 'faq', '{"questions": []}' from ids;
insert into sites.content_refresh_jobs (domain_id, job_type, status) select domain_id, 'crawl', 'completed' from ids;
insert into private.crawl_frontier (job_id, url, depth, status, outcome, http_status, detail)
select id, 'https://ann.example.com/warranty', 0, 'done', 'unchanged', 200, 'content unchanged since the last crawl' from sites.content_refresh_jobs;
insert into sites.content_hashes (domain_id, url, content_hash) select domain_id, 'https://ann.example.com/warranty', repeat('a', 64) from ids;
insert into sites.page_content_references (domain_id, source_page_id, source_url, target_url, is_internal) select domain_id, (select id from sites.scraped_pages), 'https://ann.example.com/warranty', 'https://ann.example.com/', true from ids;
insert into sites.domain_patterns (domain_id, pattern_type, platform, confidence) select domain_id, 'platform', 'woocommerce', 0.8 from ids;
insert into sites.page_embeddings (page_id, domain_id, chunk_index, chunk_text) select (select id from sites.scraped_pages), domain_id, 0, 'Widgets carry a two year warranty against defects.' from ids;
insert into sites.ai_optimized_content (domain_id, url, content_type) select domain_id, 'https://ann.example.com/warranty', 'page' from ids;
insert into sites.training_data (user_id, domain_id, type, input_text, output_text) select tests.get_supabase_uid('ann'), domain_id, 'qa', 'Warranty?', 'Two years.' from ids;
insert into sites.conversations (customer_id, domain_id, session_id, visitor_email) select customer_id, domain_id, 'sess-1', 'visitor@mail.test' from ids;
insert into sites.messages (conversation_id, role, content) select id, 'user', 'Hello' from sites.conversations;
insert into sites.customer_verifications (domain_id, email, purpose, method, expires_at) select domain_id, 'visitor@mail.test', 'order_access', 'email_code', now() + interval '10 minutes' from ids;
insert into sites.customer_access_logs (domain_id, email, actor, action) select domain_id, 'visitor@mail.test', 'chat', 'orders.read' from ids;
insert into sites.customer_data_cache (domain_id, cache_key, data, expires_at) select domain_id, 'products:widget', '[]', now() + interval '5 minutes' from ids;
insert into sites.privacy_requests (domain_id, email, request_type, due_at) select domain_id, 'visitor@mail.test', 'access', now() + interval '30 days' from ids;
insert into sites.privacy_review_items (request_id, domain_id, conversation_id) select (select id from sites.privacy_requests), domain_id, (select id from sites.conversations) from ids;

-- How many rows of each sites table and view the current role can see (-1: no privilege at all).
create function pg_temp.visible_counts()
returns text[]
language plpgsql
as $$
declare
  r record;
  n bigint;
  out text[] := '{}';
begin
  for r in select c.relname from pg_catalog.pg_class c join pg_catalog.pg_namespace s on s.oid = c.relnamespace
           where s.nspname = 'sites' and c.relkind in ('r', 'v') order by c.relname loop
    begin
      execute format('select count(*) from sites.%I', r.relname) into n;
    exception when insufficient_privilege then
      n := -1;
    end;
    out := out || (r.relname || '=' || n);
  end loop;
  return out;
end;
$$;
grant execute on function pg_temp.visible_counts() to anon, authenticated;

select is(array_length(pg_temp.visible_counts(), 1), 26, 'sites has the 26 documented tables and views');

select tests.authenticate_as('ann');
select is((select array_agg(x) from unnest(pg_temp.visible_counts()) x where x like '%=0' or x like '%=-1'), null,
  'the owner sees her rows in every sites table and view');
select tests.authenticate_as('ben');
select is((select array_agg(x) from unnest(pg_temp.visible_counts()) x where x not like '%=0' and x not like '%=-1'), null,
  'another user sees no row of her tenant in any sites table or view');
select tests.clear_authentication();
select is((select array_agg(x) from unnest(pg_temp.visible_counts()) x where x not like '%=0' and x not like '%=-1'), null,
  'anon sees no row in any sites table or view');
reset role;

-- Sealed credentials: kept in private.site_credentials, which no client reaches.
select tests.authenticate_as('ann');
select throws_ok($$select woocommerce_consumer_key from private.site_credentials$$, '42501', null, 'the owner cannot read the WooCommerce key');
select throws_ok($$select woocommerce_consumer_secret from private.site_credentials$$, '42501', null, 'nor the WooCommerce secret');
select throws_ok($$select encrypted_credentials from private.site_credentials$$, '42501', null, 'nor other credentials');
select throws_ok($$update private.site_credentials set woocommerce_consumer_key = 'ck_plain'$$, '42501', null, 'nor write them');
select is((select count(*)::int from (select * from sites.customer_configs) c), 1, 'but reads the rest of her config, select * included');
select tests.clear_authentication();
select throws_ok($$select woocommerce_consumer_key from private.site_credentials$$, '42501', null, 'anon cannot read the key');
reset role;
select throws_ok($$update private.site_credentials set woocommerce_consumer_key = 'ck_live_plaintext'$$, null, null, 'a plaintext key is refused even for the service');
select throws_ok($$update private.site_credentials set encrypted_credentials = '{"token": "plain"}'$$, '23514', null, 'plaintext credentials are refused');
select is((select count(*)::int from private.site_credentials), 1, 'and the sealed ones stay');

-- Owner writes stay inside the tenant.
select tests.authenticate_as('ben');
update sites.domains set name = 'hijacked';
delete from sites.customers;
reset role;
select is((select count(*)::int from sites.customers where name = 'Ann'), 1, 'another user cannot delete her customer');
select is((select name from sites.domains), null, 'another user cannot rename her domain');
select tests.authenticate_as('ben');
select throws_ok($$insert into sites.domains (user_id, domain) values (tests.get_supabase_uid('ann'), 'planted.example.com')$$, '42501', null, 'nobody creates a domain for someone else');
select throws_ok($$insert into sites.customer_configs (customer_id, domain) select customer_id, 'planted.example.com' from ids$$, '42501', null, 'nor a config under her customer');
select throws_ok($$insert into sites.training_data (user_id, domain_id, type, input_text, output_text) select tests.get_supabase_uid('ben'), domain_id, 'qa', 'x', 'y' from ids$$,
  '42501', null, 'nor training data on her domain');
select throws_ok($$insert into sites.domains (user_id, business_id, domain) select tests.get_supabase_uid('ben'), business_id, 'ben.example.com' from ids$$,
  '42501', null, 'nor attach a domain to her business');
select throws_ok($$update sites.domains set last_scraped_at = now()$$, '42501', null, 'crawler fields are not client-writable');
select throws_ok($$insert into sites.scraped_pages (domain_id, url) select domain_id, 'x' from ids$$, '42501', null, 'crawl output is written by the service only');
reset role;

-- The seed's functions, as the caller.
select tests.authenticate_as('ann');
select is((select count(*)::int from search_embeddings('warranty widgets', 'ann.example.com', 5)), 1, 'search_embeddings (unqualified, as the seed shows) finds her passage');
select is((select count(*)::int from get_stale_content('ann.example.com', interval '7 days')), 1, 'get_stale_content lists her stale page');
select tests.authenticate_as('ben');
select is((select count(*)::int from search_embeddings('warranty widgets', 'ann.example.com', 5)), 0, 'another user finds nothing in her domain');
select is((select count(*)::int from get_stale_content('ann.example.com', interval '7 days')), 0, 'nor her stale content');
select throws_ok($$select sites.start_crawl((select domain_id from ids))$$, '42501', null, 'clients cannot drive the crawler');
reset role;

-- Crawler bookkeeping.
create temp table job as select id from sites.start_crawl((select domain_id from ids), 3, 2);
select is((select id from sites.start_crawl((select domain_id from ids))), (select id from job), 'one open crawl per domain');
select is(sites.enqueue_crawl_urls((select id from job), '[{"url": "https://ann.example.com/", "depth": 0}, {"url": "https://ann.example.com/a", "depth": 1},
  {"url": "https://ann.example.com/deep", "depth": 3}, {"url": "https://ann.example.com/b", "depth": 1}, {"url": "https://ann.example.com/c", "depth": 1}]'), 3,
  'the frontier keeps to max_pages and max_depth');
select is((select count(*)::int from sites.claim_crawl_urls((select id from job), 10, 60)), 3, 'claimed URLs are leased');
select is((select count(*)::int from sites.claim_crawl_urls((select id from job), 10, 60)), 0, 'a leased URL is not handed out twice');
select is(sites.record_crawl_result((select id from job), '{"url": "https://ann.example.com/", "outcome": "fetched", "etag": "\"x\"",
  "page": {"title": "Home", "markdown": "Hello", "content_hash": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, "chunks": [{"text": "Hello"}]}') ->> 'outcome', 'changed',
  'a new page is recorded as changed');
select is(sites.record_crawl_result((select id from job), '{"url": "https://ann.example.com/warranty", "outcome": "fetched",
  "page": {"title": "Warranty", "markdown": "same", "content_hash": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}') ->> 'outcome', 'unchanged',
  'a page with its stored hash is unchanged');
select is((select content from sites.website_content where url = 'https://ann.example.com/warranty'), 'Widgets carry a two year warranty.', 'and nothing of it is rewritten');
select is(sites.finish_crawl_if_done((select id from job)), 'pending', 'the job stays open while URLs are leased');

-- The crawl report (sites.crawl_report): the owner's rows only.
select sites.record_crawl_result((select id from job), '{"url": "https://ann.example.com/a", "outcome": "failed", "http_status": 500, "error": "HTTP 500 after 4 attempts", "retries": 3}');
select tests.authenticate_as('ann');
select is((select count(*)::int from sites.crawl_report), 4, 'the owner sees every URL of her crawls in the report');
select results_eq($$select result, outcome, http_status, detail from sites.crawl_report where url like '%/a'$$,
  $$values ('failed', 'failed', 500, 'HTTP 500 after 4 attempts')$$, 'with its result, HTTP status and why');
select tests.authenticate_as('ben');
select is((select count(*)::int from sites.crawl_report), 0, 'another user sees nothing of her crawl report');
reset role;
set local role anon;
select throws_ok($$select count(*) from sites.crawl_report$$, '42501', null, 'anon cannot read crawl reports');
reset role;
select is((select (metadata -> 'counts' ->> 'retries')::int from sites.content_refresh_jobs where id = (select id from job)), 3, 'retries inside a fetch are counted');

-- Plan and limits are the platform's: the owner cannot lift the crawl caps and quotas herself.
select tests.authenticate_as('ann');
select throws_ok($$update sites.businesses set plan = 'enterprise'$$, '42501', null, 'the owner cannot change her plan');
select throws_ok($$update sites.business_configs set limits = '{"pages_per_month": 1000000000}'$$, '42501', null, 'nor raise her limits');
select lives_ok($$update sites.businesses set name = 'Ann Company'; update sites.business_configs set settings = '{"tone": "warm"}'$$, 'she still renames her business and edits its settings');
select throws_ok($$insert into sites.businesses (owner_user_id, name, slug, plan) values (tests.get_supabase_uid('ann'), 'Ann Two', 'ann-two', 'enterprise')$$, '42501', null,
  'nor opens a business on a plan of her choosing');
reset role;

select * from finish();
rollback;
