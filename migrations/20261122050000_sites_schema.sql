-- Sites domain schema (seed 003_d5af4a63e5b7d4b5.txt): the crawled-website tenants (customers,
-- configs, domains), crawl output, embeddings, chat, privacy and the multi-tenant business tables.
-- Tenancy: a signed-in user owns customers (auth_user_id), domains (user_id) and businesses
-- (owner_user_id); everything else hangs off one of those and is readable by that owner only. The
-- crawler, the chat widget and the privacy flow write as the service role. Store credentials are
-- sealed (AES-256-GCM, functions/_shared/secrets.ts) and no client role can read them.

-- Businesses (multi-tenant accounts: limits and usage) ------------------------------------------------

create table sites.businesses (
  id uuid primary key default gen_random_uuid(),
  owner_user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  name text not null check (length(btrim(name)) > 0),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  plan text not null default 'free' check (plan in ('free', 'pro', 'enterprise')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table sites.businesses is 'Multi-tenant business accounts: the unit that owns domains for usage and limits.';
create index businesses_owner_idx on sites.businesses (owner_user_id);

create table sites.business_configs (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null unique references sites.businesses (id) on delete cascade,
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  limits jsonb not null default '{"messages_per_month": 1000, "tokens_per_month": 2000000, "pages_per_month": 5000}'::jsonb
    check (jsonb_typeof(limits) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table sites.business_configs is 'Business-specific settings and limits.';
comment on column sites.business_configs.limits is 'Per-period limits: messages_per_month, tokens_per_month, pages_per_month (null or absent = unlimited). The chat widget and crawler stop with a clear error when one is reached.';

create table sites.business_usage (
  id uuid primary key default gen_random_uuid(),
  business_id uuid not null references sites.businesses (id) on delete cascade,
  period_start date not null,
  messages integer not null default 0 check (messages >= 0),
  tokens bigint not null default 0 check (tokens >= 0),
  pages_crawled integer not null default 0 check (pages_crawled >= 0),
  embedding_requests integer not null default 0 check (embedding_requests >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (business_id, period_start)
);
comment on table sites.business_usage is 'Usage per business per period (calendar month, period_start = its first day): chat messages, model tokens, pages crawled.';

-- Core business tables ----------------------------------------------------------------------------------

create table sites.customers (
  id uuid primary key default gen_random_uuid(),
  auth_user_id uuid default auth.uid() references auth.users (id) on delete cascade,
  email text unique not null check (email ~ '^[^@\s]+@[^@\s]+$'),
  name text,
  company_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table sites.customers is 'Customer (site owner) records, linked to the Auth user who manages them.';
create index customers_auth_user_idx on sites.customers (auth_user_id);

create table sites.customer_configs (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references sites.customers (id) on delete cascade,
  domain text not null check (domain ~ '^[a-z0-9.-]+(:[0-9]+)?$'),
  business_name text,
  business_description text,
  primary_color text not null default '#000000' check (primary_color ~ '^#[0-9a-fA-F]{6}$'),
  welcome_message text,
  suggested_questions jsonb not null default '[]'::jsonb check (jsonb_typeof(suggested_questions) = 'array'),
  woocommerce_url text check (woocommerce_url ~ '^https?://'),
  woocommerce_consumer_key text check (woocommerce_consumer_key is null or (
    (woocommerce_consumer_key::jsonb ->> 'alg') = 'A256GCM' and woocommerce_consumer_key::jsonb ? 'iv' and woocommerce_consumer_key::jsonb ? 'ct')),
  woocommerce_consumer_secret text check (woocommerce_consumer_secret is null or (
    (woocommerce_consumer_secret::jsonb ->> 'alg') = 'A256GCM' and woocommerce_consumer_secret::jsonb ? 'iv' and woocommerce_consumer_secret::jsonb ? 'ct')),
  encrypted_credentials jsonb check (encrypted_credentials is null or (
    encrypted_credentials ->> 'alg' = 'A256GCM' and encrypted_credentials ? 'iv' and encrypted_credentials ? 'ct')),
  owned_domains text[] not null default '{}',
  rate_limit integer not null default 10 check (rate_limit between 1 and 10000),
  allowed_origins text[] not null default array['*'],
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint idx_customer_configs_domain unique (domain)
);
comment on table sites.customer_configs is 'Chat widget settings and store integration of one site (by domain).';
comment on column sites.customer_configs.woocommerce_consumer_key is 'Sealed (AES-256-GCM JSON {alg, iv, ct}); plaintext is refused. Service role only.';
comment on column sites.customer_configs.woocommerce_consumer_secret is 'Sealed like woocommerce_consumer_key. Service role only.';
comment on column sites.customer_configs.encrypted_credentials is 'Other integration credentials, sealed. Service role only.';
comment on column sites.customer_configs.rate_limit is 'Chat requests per minute, per session and per IP.';
comment on column sites.customer_configs.allowed_origins is 'Origins the widget may be embedded on (CORS); ''*'' = any.';
create index customer_configs_customer_idx on sites.customer_configs (customer_id);
create index idx_customer_configs_active_woo on sites.customer_configs (domain) where active and woocommerce_url is not null;

create table sites.domains (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  business_id uuid references sites.businesses (id) on delete set null,
  domain text unique not null check (domain ~ '^[a-z0-9.-]+(:[0-9]+)?$'),
  name text,
  description text,
  last_scraped_at timestamptz,
  last_content_refresh timestamptz,
  scrape_frequency text not null default 'weekly' check (scrape_frequency in ('daily', 'weekly', 'monthly')),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table sites.domains is 'Websites registered for crawling. The crawler starts a job when scrape_frequency says one is due since last_scraped_at.';
comment on column sites.domains.domain is 'Host (lowercase, optional :port), e.g. shop.example.com.';
comment on column sites.domains.business_id is 'Business whose usage and limits this domain counts towards.';
comment on column sites.domains.last_scraped_at is 'When the last crawl completed. Written by the crawler.';
create index domains_user_idx on sites.domains (user_id);
create index domains_business_idx on sites.domains (business_id);
create index domains_due_idx on sites.domains (last_scraped_at nulls first) where active;

-- Content and scraping ------------------------------------------------------------------------------------

create table sites.scraped_pages (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  url text not null,
  title text,
  content text,
  html text,
  metadata jsonb not null default '{}'::jsonb,
  status text not null default 'pending' check (status in ('pending', 'scraped', 'failed', 'skipped')),
  error_message text,
  scraped_at timestamptz,
  last_modified timestamptz,
  created_at timestamptz not null default now(),
  constraint idx_scraped_pages_domain unique (domain_id, url)
);
comment on table sites.scraped_pages is 'Raw scraped pages, one per normalised URL and domain.';
comment on column sites.scraped_pages.content is 'Main content as markdown.';
comment on column sites.scraped_pages.metadata is 'etag, status_code, content_type, description, language, canonical, bytes, depth.';
comment on column sites.scraped_pages.last_modified is 'The server''s Last-Modified, for conditional requests.';
create index idx_scraped_pages_url on sites.scraped_pages (url);
create index idx_scraped_pages_last_scraped on sites.scraped_pages (scraped_at desc);
create index idx_scraped_pages_metadata_gin on sites.scraped_pages using gin (metadata);
create index idx_scraped_pages_domain_scraped on sites.scraped_pages (domain_id, scraped_at desc);
-- The seed's "recently active pages (last 7 days)" cannot be a partial index (now() is not immutable);
-- pages that were scraped successfully, by recency, serve the same queries.
create index idx_scraped_pages_active on sites.scraped_pages (domain_id, scraped_at desc) where status = 'scraped';

create table sites.website_content (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  url text not null,
  title text,
  content text,
  summary text,
  content_type text,
  content_hash text,
  metadata jsonb not null default '{}'::jsonb,
  scraped_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (domain_id, url)
);
comment on table sites.website_content is 'Processed content of each page: markdown, summary (meta description), type and content hash.';
comment on column sites.website_content.content_hash is 'SHA-256 of the extracted content; equal hash = unchanged page.';
create index idx_website_content_url on sites.website_content (url);
create index website_content_stale_idx on sites.website_content (domain_id, scraped_at);

create table sites.structured_extractions (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  url text not null,
  extract_type text not null check (extract_type in ('faq', 'product', 'organization', 'contact', 'article', 'breadcrumb', 'other')),
  extracted_data jsonb not null,
  schema_used jsonb,
  confidence_score double precision check (confidence_score between 0 and 1),
  extracted_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table sites.structured_extractions is 'Structured data found on pages (JSON-LD, microdata): FAQ, products, organization/contact, with a confidence.';
comment on column sites.structured_extractions.schema_used is '{"source": "json-ld" | "microdata", "type": schema.org type}.';
create index structured_extractions_domain_type_idx on sites.structured_extractions (domain_id, extract_type, extracted_at desc);
create index structured_extractions_url_idx on sites.structured_extractions (domain_id, url);

create table sites.content_refresh_jobs (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  job_type text not null check (job_type in ('crawl', 'refresh')),
  status text not null default 'pending' check (status in ('pending', 'running', 'completed', 'failed', 'cancelled')),
  started_at timestamptz,
  completed_at timestamptz,
  error_message text,
  metadata jsonb not null default '{}'::jsonb,
  lease_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table sites.content_refresh_jobs is 'Crawl jobs. metadata.counts: pages_fetched, not_modified, unchanged, changed, failed, skipped_robots, skipped_non_html, skipped_too_large, chunks_enqueued; metadata.limits: max_pages, max_depth.';
comment on column sites.content_refresh_jobs.lease_until is 'While a crawler invocation works on the job; an expired lease lets the next tick resume it.';
create index content_refresh_jobs_domain_idx on sites.content_refresh_jobs (domain_id, created_at desc);
create unique index content_refresh_jobs_one_open on sites.content_refresh_jobs (domain_id) where status in ('pending', 'running');

create table sites.content_hashes (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  url text not null,
  content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  last_changed_at timestamptz not null default now(),
  change_count integer not null default 0,
  unique (domain_id, url)
);
comment on table sites.content_hashes is 'Change detection and de-duplication: the content hash of every URL, when it was last seen and last changed.';
create index content_hashes_hash_idx on sites.content_hashes (domain_id, content_hash);

create table sites.page_content_references (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  source_page_id uuid not null references sites.scraped_pages (id) on delete cascade,
  source_url text not null,
  target_url text not null,
  anchor_text text,
  is_internal boolean not null,
  rel text,
  created_at timestamptz not null default now()
);
comment on table sites.page_content_references is 'Links found on each page: target, anchor text, internal or external. Replaced when the page changes.';
create index page_content_references_source_idx on sites.page_content_references (source_page_id);
create index page_content_references_target_idx on sites.page_content_references (domain_id, target_url);

create table sites.domain_patterns (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  pattern_type text not null check (pattern_type in ('platform', 'robots', 'sitemap')),
  platform text check (platform in ('woocommerce', 'shopify', 'wordpress', 'generic')),
  pattern jsonb not null default '{}'::jsonb,
  confidence double precision not null default 0 check (confidence between 0 and 1),
  sample_count integer not null default 0,
  learned_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (domain_id, pattern_type)
);
comment on table sites.domain_patterns is 'What the crawler learned about a site: its platform (WooCommerce, Shopify, WordPress) with evidence, its robots rules and sitemaps.';

-- AI and embeddings ---------------------------------------------------------------------------------------------

create table sites.page_embeddings (
  id uuid primary key default gen_random_uuid(),
  page_id uuid not null references sites.scraped_pages (id) on delete cascade,
  domain_id uuid not null references sites.domains (id) on delete cascade,
  chunk_index integer not null check (chunk_index >= 0),
  chunk_text text not null,
  embedding extensions.vector(1536),
  fts tsvector generated always as (to_tsvector('english', chunk_text)) stored,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  unique (page_id, chunk_index)
);
comment on table sites.page_embeddings is 'Passages of crawled pages with their embeddings (filled by the embedding pipeline), for retrieval.';
comment on column sites.page_embeddings.domain_id is 'The page''s domain, copied for tenant-scoped search.';
comment on column sites.page_embeddings.metadata is 'url, title, heading of the passage.';
create index idx_page_embeddings_metadata_gin on sites.page_embeddings using gin (metadata);
create index page_embeddings_domain_idx on sites.page_embeddings (domain_id);
create index page_embeddings_fts_idx on sites.page_embeddings using gin (fts);

create table sites.ai_optimized_content (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  source_content_id uuid references sites.website_content (id) on delete cascade,
  url text not null,
  content_type text not null,
  raw_content text,
  raw_html text,
  optimized_title text,
  optimized_summary text,
  optimized_content text,
  key_points jsonb not null default '[]'::jsonb,
  topics jsonb not null default '[]'::jsonb,
  meta_title text,
  meta_description text,
  keywords text[],
  structured_data jsonb not null default '{}'::jsonb,
  readability_score real,
  content_quality_score real,
  seo_score real,
  ai_model_used text,
  processing_version text,
  processing_tokens integer check (processing_tokens >= 0),
  processing_cost numeric(10, 4) check (processing_cost >= 0),
  processed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table sites.ai_optimized_content is 'AI-enhanced versions of website content with quality, readability and SEO scores.';
create index ai_optimized_content_domain_idx on sites.ai_optimized_content (domain_id);
create index ai_optimized_content_source_idx on sites.ai_optimized_content (source_content_id);

create table sites.training_data (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  domain_id uuid not null references sites.domains (id) on delete cascade,
  type text not null check (type in ('qa', 'instruction', 'correction', 'snippet')),
  input_text text not null,
  output_text text not null,
  metadata jsonb not null default '{}'::jsonb,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table sites.training_data is 'Owner-provided Q&A and instructions for a domain''s assistant; approved rows are used in answers.';
-- The seed's idx_training_data_customer_type: training data has no customer column; by owner and type.
create index idx_training_data_customer_type on sites.training_data (user_id, type);
create index training_data_domain_idx on sites.training_data (domain_id, status);

-- Chat -----------------------------------------------------------------------------------------------------------

create table sites.conversations (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid references sites.customers (id) on delete cascade,
  domain_id uuid not null references sites.domains (id) on delete cascade,
  session_id text,
  visitor_email text check (visitor_email = lower(visitor_email)),
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
comment on table sites.conversations is 'Chat widget conversations of a site''s visitors.';
comment on column sites.conversations.session_id is 'The widget''s session id; a visitor reads their own conversation by it (through the chat function).';
comment on column sites.conversations.visitor_email is 'Lowercased email, once the visitor gave or verified one (privacy requests find data by it).';
create index idx_conversations_created_at on sites.conversations (created_at desc);
create index conversations_domain_idx on sites.conversations (domain_id, created_at desc);
create index conversations_customer_idx on sites.conversations (customer_id);
create index conversations_session_idx on sites.conversations (domain_id, session_id);
create index conversations_email_idx on sites.conversations (domain_id, visitor_email) where visitor_email is not null;

create table sites.messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references sites.conversations (id) on delete cascade,
  role text not null check (role in ('user', 'assistant', 'system')),
  content text not null,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
comment on table sites.messages is 'Messages of a conversation. metadata: tokens, sources (url, title), model.';
create index idx_messages_created_at on sites.messages (created_at desc);
create index idx_messages_conversation_created on sites.messages (conversation_id, created_at);

-- The seed's "alternative structure": views over conversations/messages, not a second copy.
create view sites.chat_sessions with (security_invoker = true) as
select c.id, c.session_id, c.domain_id, c.customer_id, c.visitor_email, c.started_at, c.ended_at, c.metadata, c.created_at,
       (select count(*) from sites.messages m where m.conversation_id = c.id) as message_count,
       (select max(m.created_at) from sites.messages m where m.conversation_id = c.id) as last_message_at
from sites.conversations c;
comment on view sites.chat_sessions is 'Chat session metadata (the seed''s alternative structure), derived from conversations.';

create view sites.chat_messages with (security_invoker = true) as
select m.id, m.conversation_id as session_id, c.session_id as session_key, m.role, m.content, m.metadata, m.created_at
from sites.messages m
join sites.conversations c on c.id = m.conversation_id;
comment on view sites.chat_messages is 'Chat messages (the seed''s alternative structure), derived from messages.';

-- Privacy and compliance ---------------------------------------------------------------------------------------------

create table sites.customer_verifications (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  email text not null check (email = lower(email)),
  purpose text not null check (purpose in ('order_access', 'privacy_request')),
  method text not null check (method in ('email_code', 'order_number')),
  code_hash text check (code_hash ~ '^[0-9a-f]{64}$'),
  order_number text,
  session_id text,
  attempts integer not null default 0 check (attempts >= 0),
  verified_at timestamptz,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
comment on table sites.customer_verifications is 'Verifications of a site visitor''s identity (one-time code sent by email, or email + order number) before customer data is shown or a privacy request is carried out.';
comment on column sites.customer_verifications.code_hash is 'SHA-256 of the one-time code; the code itself is never stored.';
create index customer_verifications_lookup_idx on sites.customer_verifications (domain_id, email, created_at desc);

create table sites.customer_access_logs (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  email text check (email = lower(email)),
  session_id text,
  actor text not null,
  action text not null,
  resource text,
  details jsonb not null default '{}'::jsonb,
  ip_hash text,
  created_at timestamptz not null default now()
);
comment on table sites.customer_access_logs is 'Audit trail: every access to a visitor''s customer data (orders, exports, deletions). Append-only.';
create index customer_access_logs_lookup_idx on sites.customer_access_logs (domain_id, email, created_at desc);

create table sites.customer_data_cache (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  cache_key text not null,
  email text check (email = lower(email)),
  data jsonb not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (domain_id, cache_key)
);
comment on table sites.customer_data_cache is 'Short-lived cache of store data (product searches; a verified visitor''s orders, keyed with their email).';
create index customer_data_cache_expiry_idx on sites.customer_data_cache (expires_at);
create index customer_data_cache_email_idx on sites.customer_data_cache (domain_id, email) where email is not null;

create table sites.privacy_requests (
  id uuid primary key default gen_random_uuid(),
  domain_id uuid not null references sites.domains (id) on delete cascade,
  email text not null check (email = lower(email)),
  request_type text not null check (request_type in ('access', 'delete', 'rectify')),
  regulation text not null default 'gdpr' check (regulation in ('gdpr', 'ccpa')),
  status text not null default 'pending_verification'
    check (status in ('pending_verification', 'verified', 'processing', 'completed', 'rejected')),
  verification_id uuid references sites.customer_verifications (id) on delete set null,
  details jsonb not null default '{}'::jsonb,
  result jsonb,
  due_at timestamptz not null,
  verified_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table sites.privacy_requests is 'GDPR/CCPA requests (access, delete, rectify) of a site''s visitors: verification, due date (30 days GDPR, 45 days CCPA), completion and result.';
create index privacy_requests_domain_idx on sites.privacy_requests (domain_id, status, due_at);
create index privacy_requests_verification_idx on sites.privacy_requests (verification_id);

-- updated_at ----------------------------------------------------------------------------------------------------------------

do $$
declare
  t text;
begin
  foreach t in array array['businesses', 'business_configs', 'business_usage', 'customers', 'customer_configs', 'domains',
    'website_content', 'content_refresh_jobs', 'domain_patterns', 'ai_optimized_content', 'training_data',
    'customer_data_cache', 'privacy_requests'] loop
    execute format('create trigger %I before update on sites.%I for each row execute function private.set_updated_at()',
      'update_' || t || '_updated_at', t);
  end loop;
end;
$$;

-- Embeddings: passages are embedded by the shared pipeline; the documented index name, HNSW.
select private.register_embedding('sites.page_embeddings', 'id', 'chunk_text', 'embedding');
alter index sites.page_embeddings_embedding_hnsw rename to idx_page_embeddings_vector;

-- Ownership helpers (SECURITY DEFINER: a policy must not depend on the caller's own RLS view) ------

create function private.owns_domain(target uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from sites.domains d where d.id = target and d.user_id = (select auth.uid()));
$$;

create function private.owns_customer(target uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from sites.customers c where c.id = target and c.auth_user_id = (select auth.uid()));
$$;

create function private.owns_business(target uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from sites.businesses b where b.id = target and b.owner_user_id = (select auth.uid()));
$$;

-- Row level security and grants -----------------------------------------------------------------------------------------------

do $$
declare
  t text;
begin
  foreach t in array array['businesses', 'business_configs', 'business_usage', 'customers', 'customer_configs', 'domains',
    'scraped_pages', 'website_content', 'structured_extractions', 'content_refresh_jobs', 'content_hashes',
    'page_content_references', 'domain_patterns', 'page_embeddings', 'ai_optimized_content', 'training_data',
    'conversations', 'messages', 'customer_verifications', 'customer_access_logs', 'customer_data_cache', 'privacy_requests'] loop
    execute format('alter table sites.%I enable row level security', t);
    execute format('grant all on sites.%I to service_role', t);
  end loop;
end;
$$;
grant select on sites.chat_sessions, sites.chat_messages to authenticated, service_role;

-- Owner-managed tables.
grant select, insert, update, delete on sites.businesses, sites.business_configs, sites.customers, sites.training_data to authenticated;
grant select on sites.business_usage to authenticated;
grant select (id, user_id, business_id, domain, name, description, last_scraped_at, last_content_refresh, scrape_frequency, active, created_at, updated_at),
      insert (user_id, business_id, domain, name, description, scrape_frequency, active),
      update (business_id, name, description, scrape_frequency, active),
      delete
  on sites.domains to authenticated;
grant select (id, customer_id, domain, business_name, business_description, primary_color, welcome_message, suggested_questions,
              woocommerce_url, owned_domains, rate_limit, allowed_origins, active, created_at, updated_at),
      insert (customer_id, domain, business_name, business_description, primary_color, welcome_message, suggested_questions,
              woocommerce_url, owned_domains, rate_limit, allowed_origins, active),
      update (domain, business_name, business_description, primary_color, welcome_message, suggested_questions,
              woocommerce_url, owned_domains, rate_limit, allowed_origins, active),
      delete
  on sites.customer_configs to authenticated;
-- Written by the crawler, the chat and privacy functions; owners read.
grant select on sites.scraped_pages, sites.website_content, sites.structured_extractions, sites.content_refresh_jobs,
  sites.content_hashes, sites.page_content_references, sites.domain_patterns, sites.page_embeddings, sites.ai_optimized_content,
  sites.conversations, sites.messages, sites.customer_verifications, sites.customer_access_logs, sites.customer_data_cache,
  sites.privacy_requests to authenticated;

create policy "businesses: owner" on sites.businesses for all to authenticated
  using (owner_user_id = (select auth.uid())) with check (owner_user_id = (select auth.uid()));
create policy "business_configs: owner" on sites.business_configs for all to authenticated
  using ((select private.owns_business(business_id))) with check ((select private.owns_business(business_id)));
create policy "business_usage: owner reads" on sites.business_usage for select to authenticated
  using ((select private.owns_business(business_id)));
create policy "customers: owner" on sites.customers for all to authenticated
  using (auth_user_id = (select auth.uid())) with check (auth_user_id = (select auth.uid()));
create policy "customer_configs: owner" on sites.customer_configs for all to authenticated
  using ((select private.owns_customer(customer_id))) with check ((select private.owns_customer(customer_id)));
create policy "domains: owner" on sites.domains for all to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()) and (business_id is null or (select private.owns_business(business_id))));
create policy "training_data: owner" on sites.training_data for all to authenticated
  using (user_id = (select auth.uid()) and (select private.owns_domain(domain_id)))
  with check (user_id = (select auth.uid()) and (select private.owns_domain(domain_id)));

do $$
declare
  t text;
begin
  foreach t in array array['scraped_pages', 'website_content', 'structured_extractions', 'content_refresh_jobs', 'content_hashes',
    'page_content_references', 'domain_patterns', 'page_embeddings', 'ai_optimized_content', 'conversations',
    'customer_verifications', 'customer_access_logs', 'customer_data_cache', 'privacy_requests'] loop
    execute format('create policy %I on sites.%I for select to authenticated using ((select private.owns_domain(domain_id)))',
      t || ': owner of the domain reads', t);
  end loop;
end;
$$;
create policy "messages: owner of the domain reads" on sites.messages for select to authenticated
  using (exists (select 1 from sites.conversations c where c.id = conversation_id));

revoke all on function private.owns_domain(uuid) from public;
revoke all on function private.owns_customer(uuid) from public;
revoke all on function private.owns_business(uuid) from public;
grant execute on function private.owns_domain(uuid), private.owns_customer(uuid), private.owns_business(uuid) to authenticated, service_role;
