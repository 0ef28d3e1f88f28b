-- Write-then-read on the exposed tables: which columns each client role cannot read (the tables that
-- keep column privileges, each with its select list documented in its comment), and the tables whose
-- secrets moved to private tables (agents.agents' token hash, sites.customer_configs' sealed store
-- credentials, studio.templates' graph documents): there an owner's insert returning * (what
-- select('*') and .insert(row).select() send) returns the row, without the secret, and no client role
-- reaches the private tables. studio.templates reads graph_data per tier even through a forged row.
begin;
select plan(23);

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
    'agents.agents anon: github_url, repo_name, updated_at, user_id',
    'billing.hopsworks_clusters authenticated: api_key, api_key_sealed, kubeconfig, kubeconfig_sealed, prometheus_service, usage_key_sha256, usage_user_label',
    'cloud.providers anon: provider_credentials',
    'cloud.providers authenticated: provider_credentials',
    'studio.api_keys authenticated: api_key_encrypted'],
  'only these tables hide columns from a client role (their comments give the select list)');

-- Each such table's comment: its select('...') list is exactly what the role that reads it in part can
-- read, and it names every hidden column.
select is(
  (select array_agg(format('%s %s: %s', x.t, x.r, x.problem) order by x.t, x.r) from (
     select t, r, coalesce(
              case when listed is null then 'has no select list' end,
              (select 'cannot read ' || string_agg(col, ', ') from unnest(string_to_array(listed, ', ')) col
               where not has_column_privilege(r, t::regclass, col, 'SELECT')),
              (select 'does not list ' || string_agg(a.attname, ', ')
               from pg_attribute a where a.attrelid = t::regclass and a.attnum > 0 and not a.attisdropped
                 and has_column_privilege(r, t::regclass, a.attnum, 'SELECT')
                 and not a.attname = any (string_to_array(listed, ', '))),
              (select 'does not name ' || string_agg(a.attname, ', ')
               from pg_attribute a where a.attrelid = t::regclass and a.attnum > 0 and not a.attisdropped
                 and not has_column_privilege(r, t::regclass, a.attnum, 'SELECT')
                 and position(a.attname in obj_description(t::regclass, 'pg_class')) = 0)) as problem
     from (values ('agents.agents', 'anon'), ('studio.api_keys', 'authenticated'), ('billing.hopsworks_clusters', 'authenticated'),
                  ('cloud.providers', 'authenticated'), ('cloud.providers', 'anon')) v(t, r),
          lateral substring(obj_description(t::regclass, 'pg_class') from 'select\(''([a-z0-9_, ]+)''\)') listed) x
   where x.problem is not null),
  null::text[],
  'each table comment documents exactly the columns its partial reader can read, and names the hidden ones');

-- The secrets are out of the client tables, in private tables no client role reaches ------------------
select is(
  (select array_agg(format('%s.%s', attrelid::regclass, attname) order by 1) from pg_attribute
   where attrelid in ('agents.agents'::regclass, 'sites.customer_configs'::regclass) and not attisdropped
     and (attname like '%token%' or attname like '%woocommerce_consumer%' or attname like '%credential%')),
  null::text[], 'agents.agents and sites.customer_configs hold no token hash or store credential');
select is(
  (select array_agg(format('%s %s', t, r) order by t, r) from unnest(array['private.agent_token_salts', 'private.site_credentials']) t,
     unnest(array['anon', 'authenticated', 'public']) r
   where has_table_privilege(r, t, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
      or has_any_column_privilege(r, t, 'SELECT, INSERT, UPDATE, REFERENCES')),
  null::text[], 'no client role has any privilege on the private tables of the token hashes and store credentials');
select is(array(select r from unnest(array['anon', 'authenticated']) r
                where has_table_privilege(r, 'agents.agents', 'SELECT') or has_table_privilege(r, 'sites.customer_configs', 'SELECT')),
  array['authenticated'], 'signed-in users read the whole of agents.agents and sites.customer_configs; anon neither');

-- Write-then-read as the owner: insert ... returning * -------------------------------------------------
select tests.authenticate_as('cl_ann');
select lives_ok($$insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url)
  values ('Lister', 'cl-lister', 'ann', 'lister', 'https://github.com/ann/lister') returning *$$,
  'an owner inserts an agent and reads it back with returning * (select(''*''))');
select is((select count(*)::int from agents.agents where subdomain = 'cl-lister'), 1, 'and the agent is there');
insert into sites.customers (email) values ('cl_ann@test.invalid');
select lives_ok($$insert into sites.customer_configs (customer_id, domain)
  select id, 'cl.shop.test' from sites.customers where email = 'cl_ann@test.invalid' returning *$$,
  'an owner inserts a site config and reads it back with returning *');
reset role;

-- The service stores a token hash and sealed credentials; the owner's select * does not show them.
insert into private.agent_token_salts (agent_id, salt, token_sha256)
  select id, repeat('5a', 16), repeat('cd', 32) from agents.agents where subdomain = 'cl-lister';
insert into private.site_credentials (config_id, woocommerce_consumer_key, woocommerce_consumer_secret, encrypted_credentials)
  select id, '{"alg":"A256GCM","iv":"aXY=","ct":"c2VjcmV0a2V5"}', '{"alg":"A256GCM","iv":"aXY=","ct":"c2VjcmV0c2Vj"}',
         '{"alg":"A256GCM","iv":"aXY=","ct":"b3RoZXI="}' from sites.customer_configs where domain = 'cl.shop.test';
select tests.authenticate_as('cl_ann');
select is((select count(*)::int from agents.agents a where a.subdomain = 'cl-lister' and to_jsonb(a)::text not like '%cdcdcd%'), 1,
  'the owner reads the agent with select *, and the token hash is not in it');
select is((select count(*)::int from sites.customer_configs c where c.domain = 'cl.shop.test'
           and to_jsonb(c)::text not like '%c2VjcmV0%' and to_jsonb(c)::text not like '%b3RoZXI=%'), 1,
  'the owner reads the config with select *, and no sealed credential is in it');
select throws_ok($$select * from private.agent_token_salts$$, '42501', null, 'the owner cannot read the token hashes');
select throws_ok($$select * from private.site_credentials$$, '42501', null, 'nor the store credentials');
select throws_ok($$update private.site_credentials set woocommerce_consumer_key = null$$, '42501', null, 'nor write them');
reset role;
select tests.clear_authentication();
select throws_ok($$select * from private.agent_token_salts$$, '42501', null, 'anon cannot read the token hashes');
select throws_ok($$select * from private.site_credentials$$, '42501', null, 'nor the store credentials');
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
