-- Closed sets as enums: every value set a client may write or filter on in an exposed table is a
-- Postgres enum (so types/database.ts lists it under Enums and Constants), none is left only in a
-- CHECK; the columns keep their defaults, an unknown value is refused with 22P02, RPC parameters typed
-- text keep working, and what was re-created around the columns (views with their grants, policies,
-- triggers, partial indexes) is in place.
begin;
select plan(55);

-- The guard: no single-column CHECK of the form col = ANY (ARRAY[...]) left in an exposed schema ----
select is(
  (select array_agg(n.nspname || '.' || c.relname || '.' || con.conname order by n.nspname, c.relname, con.conname)
   from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
   where con.contype = 'c' and cardinality(con.conkey) = 1 and pg_get_constraintdef(con.oid) ~* '= any \(\(?array\['
     and n.nspname = any (string_to_array(current_setting('tests.exposed_schemas'), ','))),
  null::text[],
  'no closed set in an exposed table is kept only as a CHECK (each is an enum)');

-- The values, declared in alphabetical order (sorting and comparisons stay as they were with text) -----
select enum_has_labels('agents', 'agent_status', array['active', 'deleted', 'deploying', 'failed', 'inactive', 'pending'], 'agents.agent_status');
select enum_has_labels('agents', 'agent_runtime_status', array['active', 'pending', 'stopped', 'unhealthy'], 'agents.agent_runtime_status');
select enum_has_labels('agents', 'agent_category',
  array['Content Creation', 'Data Analysis', 'Development', 'Finance', 'General', 'Language', 'Marketing', 'Media', 'Social Media'], 'agents.agent_category');
select enum_has_labels('agents', 'deployment_status', array['cancelled', 'deploying', 'failed', 'pending', 'success'], 'agents.deployment_status');
select enum_has_labels('agents', 'delivery_status', array['delivered', 'failed', 'pending'], 'agents.delivery_status');
select enum_has_labels('agents', 'delivery_failure', array['abandoned', 'connection_failed', 'runtime_error', 'timeout'], 'agents.delivery_failure');
select enum_has_labels('billing', 'price_interval', array['month', 'year'], 'billing.price_interval');
select enum_has_labels('billing', 'dispute_resolution', array['debited', 'held', 'released'], 'billing.dispute_resolution');
select enum_has_labels('billing', 'assignment_state', array['pending', 'active', 'releasing'], 'billing.assignment_state');
select enum_has_labels('billing', 'invoice_status', array['failed', 'paid', 'pending', 'refunded', 'void'], 'billing.invoice_status');
select enum_has_labels('billing', 'credit_entry_kind', array['adjustment', 'purchase', 'refund', 'usage'], 'billing.credit_entry_kind');
select enum_has_labels('billing', 'cluster_status', array['active', 'draining', 'inactive'], 'billing.cluster_status');
select enum_has_labels('cloud', 'message_role', array['assistant', 'system', 'user'], 'cloud.message_role');
select enum_has_labels('public', 'profile_status', array['active', 'deleted', 'suspended'], 'public.profile_status');
select enum_has_labels('sites', 'business_plan', array['enterprise', 'free', 'pro'], 'sites.business_plan');
select enum_has_labels('sites', 'scrape_frequency', array['daily', 'monthly', 'weekly'], 'sites.scrape_frequency');
select enum_has_labels('sites', 'scraped_page_status', array['failed', 'pending', 'scraped', 'skipped'], 'sites.scraped_page_status');
select enum_has_labels('sites', 'extract_type', array['article', 'breadcrumb', 'contact', 'faq', 'organization', 'other', 'product'], 'sites.extract_type');
select enum_has_labels('sites', 'refresh_job_type', array['crawl', 'refresh'], 'sites.refresh_job_type');
select enum_has_labels('sites', 'refresh_job_status', array['cancelled', 'completed', 'failed', 'pending', 'running'], 'sites.refresh_job_status');
select enum_has_labels('sites', 'domain_pattern_type', array['platform', 'robots', 'sitemap'], 'sites.domain_pattern_type');
select enum_has_labels('sites', 'site_platform', array['generic', 'shopify', 'woocommerce', 'wordpress'], 'sites.site_platform');
select enum_has_labels('sites', 'training_data_type', array['correction', 'instruction', 'qa', 'snippet'], 'sites.training_data_type');
select enum_has_labels('sites', 'training_data_status', array['approved', 'pending', 'rejected'], 'sites.training_data_status');
select enum_has_labels('sites', 'message_role', array['assistant', 'system', 'user'], 'sites.message_role');
select enum_has_labels('sites', 'verification_purpose', array['order_access', 'privacy_request'], 'sites.verification_purpose');
select enum_has_labels('sites', 'verification_method', array['email_code', 'order_number'], 'sites.verification_method');
select enum_has_labels('sites', 'privacy_request_type', array['access', 'delete', 'rectify'], 'sites.privacy_request_type');
select enum_has_labels('sites', 'privacy_regulation', array['ccpa', 'gdpr'], 'sites.privacy_regulation');
select enum_has_labels('sites', 'privacy_request_status', array['completed', 'pending_verification', 'processing', 'rejected', 'verified'], 'sites.privacy_request_status');
select enum_has_labels('studio', 'project_status', array['active', 'archived', 'draft'], 'studio.project_status');
select enum_has_labels('studio', 'context_type', array['json', 'text', 'yaml'], 'studio.context_type');
select enum_has_labels('studio', 'message_role', array['assistant', 'system', 'user'], 'studio.message_role');
select enum_has_labels('studio', 'audit_action', array['create', 'delete', 'tier_change', 'update'], 'studio.audit_action');
select enum_has_labels('studio', 'audit_resource_type', array['api_key', 'graph', 'project', 'subscription_tier'], 'studio.audit_resource_type');

select is(
  (select array_agg(r::text order by r) from unnest(array['user', 'assistant', 'system']::sites.message_role[]) r),
  (select array_agg(r order by r collate "C") from unnest(array['user', 'assistant', 'system']) r),
  'an enum column sorts as its text did (ORDER BY role keeps its meaning)');

-- The columns: their enum, default and NOT NULL --------------------------------------------------------
select is(
  (select array_agg(x.col order by x.col) from (
   select format('%s.%s.%s %s%s%s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                 case when a.attnotnull then ' not null' else '' end,
                 coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')) as col
   from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
   join pg_type t on t.oid = a.atttypid
   left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
   where t.typtype = 'e' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
     and n.nspname = any (string_to_array(current_setting('tests.exposed_schemas'), ','))) x),
  array[
    'agents.agents.category agents.agent_category not null default ''General''::agents.agent_category',
    'agents.agents.runtime_status agents.agent_runtime_status not null default ''pending''::agents.agent_runtime_status',
    'agents.agents.status agents.agent_status not null default ''pending''::agents.agent_status',
    'agents.deployments.status agents.deployment_status not null default ''pending''::agents.deployment_status',
    'agents.payment_deliveries.failure_reason agents.delivery_failure',
    'agents.payment_deliveries.status agents.delivery_status not null default ''pending''::agents.delivery_status',
    'billing.billing_history.status billing.invoice_status not null default ''pending''::billing.invoice_status',
    'billing.credit_ledger.kind billing.credit_entry_kind not null',
    'billing.hopsworks_clusters.status billing.cluster_status not null default ''active''::billing.cluster_status',
    'billing.stripe_disputes.resolution billing.dispute_resolution',
    'billing.stripe_prices.interval billing.price_interval not null',
    'billing.user_hopsworks_assignments.state billing.assignment_state not null default ''active''::billing.assignment_state',
    'cloud.messages.role cloud.message_role not null',
    'public.profiles.status profile_status not null default ''active''::profile_status',
    'sites.businesses.plan sites.business_plan not null default ''free''::sites.business_plan',
    'sites.content_refresh_jobs.job_type sites.refresh_job_type not null',
    'sites.content_refresh_jobs.status sites.refresh_job_status not null default ''pending''::sites.refresh_job_status',
    'sites.customer_verifications.method sites.verification_method not null',
    'sites.customer_verifications.purpose sites.verification_purpose not null',
    'sites.domain_patterns.pattern_type sites.domain_pattern_type not null',
    'sites.domain_patterns.platform sites.site_platform',
    'sites.domains.scrape_frequency sites.scrape_frequency not null default ''weekly''::sites.scrape_frequency',
    'sites.messages.role sites.message_role not null',
    'sites.privacy_requests.regulation sites.privacy_regulation not null default ''gdpr''::sites.privacy_regulation',
    'sites.privacy_requests.request_type sites.privacy_request_type not null',
    'sites.privacy_requests.status sites.privacy_request_status not null default ''pending_verification''::sites.privacy_request_status',
    'sites.scraped_pages.status sites.scraped_page_status not null default ''pending''::sites.scraped_page_status',
    'sites.structured_extractions.extract_type sites.extract_type not null',
    'sites.training_data.status sites.training_data_status not null default ''pending''::sites.training_data_status',
    'sites.training_data.type sites.training_data_type not null',
    'studio.audit_logs.action studio.audit_action not null',
    'studio.audit_logs.resource_type studio.audit_resource_type not null',
    'studio.contexts.type studio.context_type not null default ''text''::studio.context_type',
    'studio.messages.role studio.message_role not null',
    'studio.projects.status studio.project_status not null default ''draft''::studio.project_status'
  ],
  'each closed-set column is its enum, with its default and NOT NULL kept');

-- What was re-created around the columns --------------------------------------------------------------
select is(
  (select array_agg(format('%s anon:%s authenticated:%s service_role:%s', v, has_table_privilege('anon', v, 'SELECT')::text,
                           has_table_privilege('authenticated', v, 'SELECT')::text, has_table_privilege('service_role', v, 'SELECT')::text) order by v)
   from unnest(array['agents.active_agents_view', 'billing.users', 'public.messages', 'sites.chat_messages', 'studio.users']) v),
  array[
    'agents.active_agents_view anon:true authenticated:true service_role:true',
    'billing.users anon:false authenticated:true service_role:true',
    'public.messages anon:false authenticated:true service_role:true',
    'sites.chat_messages anon:false authenticated:true service_role:true',
    'studio.users anon:false authenticated:true service_role:true'],
  'the re-created views keep their grants (anon reads only the agents listing)');
select ok(has_column_privilege('authenticated', 'studio.users', 'preferences', 'UPDATE')
          and not has_column_privilege('authenticated', 'studio.users', 'email', 'UPDATE'),
  'studio.users: users still update preferences only');
select has_trigger('studio', 'users', 'users_update', 'studio.users keeps its INSTEAD OF UPDATE trigger');
select has_trigger('agents', 'agents', 'agents_guard_owner_update', 'agents keeps its owner status guard');
select policies_are('agents', 'agents',
  array['Anyone can view active agents', 'Users can view own agents and active agents', 'Users can insert own agents',
        'Users can update own agents', 'Users can delete own agents'], 'agents.agents keeps its policies');
select is(
  (select array_agg(indexname::text || ': ' || substring(indexdef from ' WHERE (.*)$') order by indexname) from pg_indexes
   where indexname in ('idx_agents_active_category', 'idx_agents_active_tags', 'deployments_one_open_per_agent',
                       'idx_scraped_pages_active', 'content_refresh_jobs_one_open')),
  array[
    'content_refresh_jobs_one_open: (status = ANY (ARRAY[''pending''::sites.refresh_job_status, ''running''::sites.refresh_job_status]))',
    'deployments_one_open_per_agent: (status = ANY (ARRAY[''pending''::agents.deployment_status, ''deploying''::agents.deployment_status]))',
    'idx_agents_active_category: ((status = ''active''::agents.agent_status) AND (runtime_status = ''active''::agents.agent_runtime_status))',
    'idx_agents_active_tags: ((status = ''active''::agents.agent_status) AND (runtime_status = ''active''::agents.agent_runtime_status))',
    'idx_scraped_pages_active: (status = ''scraped''::sites.scraped_page_status)'],
  'the partial indexes compare enums (the same queries use them)');

-- Writing: valid values and defaults work, an unknown one is 22P02 ----------------------------------------
select tests.create_supabase_user('enum_ann');
select tests.authenticate_as('enum_ann');
insert into studio.projects (name) values ('Enum project');
select is((select status from studio.projects where name = 'Enum project'), 'draft'::studio.project_status, 'a default is applied');
update studio.projects set status = 'active' where name = 'Enum project';
select is((select status::text from studio.projects where name = 'Enum project'), 'active', 'a string literal is a valid value');
select throws_ok($$update studio.projects set status = 'deleted' where name = 'Enum project'$$,
  '22P02', 'invalid input value for enum studio.project_status: "deleted"', 'an unknown value is refused with 22P02, naming the enum');
insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url) values ('Enum agent', 'enum-agent', 'ann', 'enum', 'https://github.com/ann/enum');
select throws_ok($$update agents.agents set category = 'Gambling' where subdomain = 'enum-agent'$$, '22P02', null, 'an unknown agent category is refused');
select is((select count(*)::int from agents.agents where status in ('pending', 'deploying') and category = 'General'), 1,
  'filters with text literals (eq, in) keep working');
reset role;
select throws_ok($$update public.profiles set status = 'banned' where id = tests.get_supabase_uid('enum_ann')$$, '22P02', null,
  'an unknown profile status is refused');

-- RPC parameters typed text still work (and an unknown text value is refused) ----------------------------
select ok(billing.add_credit_entry(tests.get_supabase_uid('enum_ann'), 'purchase', 500, 'enum-purchase', 'test') is not null,
  'billing.add_credit_entry(entry_kind text) still takes a kind as text');
select throws_ok($$select billing.add_credit_entry(tests.get_supabase_uid('enum_ann'), 'bonus', 500, 'enum-bonus', 'test')$$, '22P02', null,
  'and refuses an unknown kind');
insert into agents.deployments (agent_id) select id from agents.agents where subdomain = 'enum-agent';
select is(agents.apply_deployment_event('enum-evt-1', (select id from agents.deployments where agent_id = (select id from agents.agents where subdomain = 'enum-agent')),
  null, 'deploying') ->> 'status', 'deploying', 'agents.apply_deployment_event(new_status text) still moves a deployment');
select is((select a.status::text || '/' || d.status::text from agents.agents a join agents.deployments d on d.agent_id = a.id where a.subdomain = 'enum-agent'),
  'deploying/deploying', 'and the agent follows');
select throws_ok($$select agents.apply_deployment_event('enum-evt-2', (select id from agents.deployments where agent_id = (select id from agents.agents where subdomain = 'enum-agent')), null, 'exploded')$$,
  'P0001', null, 'an unknown deployment status is an invalid transition (not a cast error)');

select * from finish();
rollback;
