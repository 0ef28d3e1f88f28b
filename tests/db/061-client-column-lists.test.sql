-- Write-then-read on the tables that keep column privileges: exactly which columns each client role
-- cannot read (the secrets), the select list each table comment documents is readable, an insert
-- returning those columns works for the owner while returning * (what select('*') sends) is refused
-- and writes nothing; and studio.templates, whose graph_data moved out, reads with select * by anyone,
-- graph_data per tier even through a forged row.
begin;
select plan(17);

select tests.create_supabase_user('cl_ann');
select tests.create_supabase_user('cl_pat');
insert into billing.customers (user_id, subscription_tier) values (tests.get_supabase_uid('cl_pat'), 'pro');

-- The guard: the hidden columns of every exposed table a client role reads only in part ---------------
select is(
  (select array_agg(x.line order by x.line) from (
     select format('%s %s: %s', c.oid::regclass, r.rolname,
                   string_agg(a.attname, ', ' order by a.attname) filter (where not has_column_privilege(r.rolname, c.oid, a.attnum, 'SELECT'))) as line
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     cross join (values ('anon'), ('authenticated')) r(rolname)
     where c.relkind in ('r', 'p', 'v') and n.nspname = any (string_to_array(current_setting('tests.exposed_schemas'), ','))
     group by c.oid, r.rolname
     having bool_or(has_column_privilege(r.rolname, c.oid, a.attnum, 'SELECT'))
        and not bool_and(has_column_privilege(r.rolname, c.oid, a.attnum, 'SELECT'))) x),
  array[
    'agents.agents anon: agent_token, github_url, repo_name, updated_at, user_id',
    'agents.agents authenticated: agent_token',
    'billing.hopsworks_clusters authenticated: api_key, kubeconfig, usage_key_sha256',
    'cloud.providers anon: provider_credentials',
    'cloud.providers authenticated: provider_credentials',
    'sites.customer_configs authenticated: encrypted_credentials, woocommerce_consumer_key, woocommerce_consumer_secret',
    'studio.api_keys authenticated: api_key_encrypted'],
  'only these tables hide columns from a client role (their comments give the select list)');

-- Each such table's comment: its select('...') list is exactly what signed-in users can read, and it
-- names every hidden column.
select is(
  (select array_agg(format('%s: %s', x.t, x.problem) order by x.t) from (
     select t, coalesce(
              case when listed is null then 'has no select list' end,
              (select 'cannot read ' || string_agg(col, ', ') from unnest(string_to_array(listed, ', ')) col
               where not has_column_privilege('authenticated', t::regclass, col, 'SELECT')),
              (select 'does not list ' || string_agg(a.attname, ', ')
               from pg_attribute a where a.attrelid = t::regclass and a.attnum > 0 and not a.attisdropped
                 and has_column_privilege('authenticated', t::regclass, a.attnum, 'SELECT')
                 and not a.attname = any (string_to_array(listed, ', '))),
              (select 'does not name ' || string_agg(a.attname, ', ')
               from pg_attribute a where a.attrelid = t::regclass and a.attnum > 0 and not a.attisdropped
                 and not has_column_privilege('authenticated', t::regclass, a.attnum, 'SELECT')
                 and position(a.attname in obj_description(t::regclass, 'pg_class')) = 0)) as problem
     from unnest(array['agents.agents', 'sites.customer_configs', 'studio.api_keys', 'billing.hopsworks_clusters', 'cloud.providers']) t,
          lateral substring(obj_description(t::regclass, 'pg_class') from 'select\(''([a-z0-9_, ]+)''\)') listed) x
   where x.problem is not null),
  null::text[],
  'each table comment documents exactly the columns signed-in users can read, and names the hidden ones');

-- Write-then-read as the owner, with the documented columns ----------------------------------------------
select tests.authenticate_as('cl_ann');
select lives_ok($$insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url)
  values ('Lister', 'cl-lister', 'ann', 'lister', 'https://github.com/ann/lister')
  returning id, user_id, name, description, subdomain, repo_owner, repo_name, github_url, agent_address, app_id, price_microalgo, status,
            runtime_status, category, tags, data_input, example_input, example_output, created_at, updated_at$$,
  'an owner inserts an agent and reads back every column they may read');
select throws_ok($$insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url)
  values ('Star', 'cl-star', 'ann', 'star', 'https://github.com/ann/star') returning *$$,
  '42501', null, 'returning * (select(''*'')) is refused, since it names agent_token');
select is((select count(*)::int from agents.agents where subdomain = 'cl-star'), 0, 'and the refused insert wrote nothing');
select throws_ok($$select agent_token from agents.agents where subdomain = 'cl-lister'$$, '42501', null, 'the owner cannot read the token hash');
insert into sites.customers (email) values ('cl_ann@test.invalid');
select lives_ok($$insert into sites.customer_configs (customer_id, domain)
  select id, 'cl.shop.test' from sites.customers where email = 'cl_ann@test.invalid'
  returning id, customer_id, domain, business_name, business_description, primary_color, welcome_message, suggested_questions,
            woocommerce_url, owned_domains, rate_limit, allowed_origins, active, created_at, updated_at$$,
  'an owner inserts a site config and reads back every column they may read');
select throws_ok($$insert into sites.customer_configs (customer_id, domain)
  select id, 'cl2.shop.test' from sites.customers where email = 'cl_ann@test.invalid' returning *$$,
  '42501', null, 'returning * is refused, since it names the sealed credentials');
select throws_ok($$select woocommerce_consumer_key from sites.customer_configs$$, '42501', null, 'the owner cannot read a sealed credential');
reset role;

-- studio.templates: select * for everyone, graph_data per tier ----------------------------------------
select tests.clear_authentication();
select lives_ok($$select * from studio.templates$$, 'anon selects * on templates');
select is((select count(*)::int from studio.templates t where studio.graph_data(t) is not null and not t.is_premium),
          (select count(*)::int from studio.templates where not is_premium), 'anon reads graph_data of every free template');
select is((select count(*)::int from studio.templates t where t.is_premium and studio.graph_data(t) is not null), 0,
  'and of no premium one');
select is(studio.graph_data(jsonb_populate_record(null::studio.templates,
            jsonb_build_object('id', (select id from studio.templates where is_premium limit 1), 'is_premium', false))),
  null, 'a premium template''s row forged as free reveals nothing (the tier check reads the table)');
select throws_ok($$select * from private.studio_template_graphs$$, '42501', null, 'the documents'' table is not readable by clients');
reset role;
select tests.authenticate_as('cl_ann');
select is((select count(*)::int from studio.templates t where t.is_premium and studio.graph_data(t) is not null), 0,
  'a free-tier user reads no premium graph_data');
reset role;
select tests.authenticate_as('cl_pat');
select is((select count(*)::int from studio.templates t where studio.graph_data(t) is null), 0,
  'a pro user reads every template''s graph_data');
reset role;
select tests.authenticate_as_service_role();
select is((select count(*)::int from studio.templates t where studio.graph_data(t) is null), 0, 'so does the service role');
reset role;

select * from finish();
rollback;
