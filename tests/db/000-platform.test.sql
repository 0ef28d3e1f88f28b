-- The Supabase platform layer and the schema-wide security guards every domain relies on.
begin;
select plan(17);

-- Roles as on hosted Supabase.
select has_role('anon');
select has_role('authenticated');
select has_role('service_role');
select ok((select rolbypassrls from pg_roles where rolname = 'service_role'), 'service_role bypasses RLS');
select ok(not (select rolbypassrls from pg_roles where rolname = 'authenticated'), 'authenticated does not bypass RLS');
select ok(pg_has_role('authenticator', 'authenticated', 'member'), 'authenticator can switch to authenticated');

-- Extensions live in the extensions schema.
select is(
  (select array_agg(e.extname::text order by e.extname) from pg_extension e join pg_namespace n on n.oid = e.extnamespace
   where n.nspname = 'extensions'),
  array['pg_trgm', 'pgcrypto', 'uuid-ossp', 'vector'],
  'vector, pg_trgm, pgcrypto and uuid-ossp are installed in schema extensions'
);

-- auth helpers read the request's JWT claims.
select tests.create_supabase_user('platform_user');
select tests.authenticate_as('platform_user');
select is(auth.uid(), tests.get_supabase_uid('platform_user'), 'auth.uid() is the authenticated user');
select is(auth.role(), 'authenticated', 'auth.role() is authenticated');
select is(auth.jwt() ->> 'aud', 'authenticated', 'auth.jwt() exposes the claims');
select tests.clear_authentication();
select is(auth.uid(), null, 'auth.uid() is null for anon');
reset role;

-- Migration history is in the Supabase CLI's table.
select ok((select count(*) from supabase_migrations.schema_migrations) >= 3, 'migrations are recorded in supabase_migrations.schema_migrations');
select has_column('supabase_migrations', 'schema_migrations', 'statements', 'schema_migrations has the CLI''s statements column');

-- Guard: every table in every exposed schema ([api] schemas of supabase/config.toml) has RLS enabled.
select is(
  (select array_agg(n.nspname || '.' || c.relname order by 1) from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p') and not c.relrowsecurity
     and n.nspname = any (string_to_array(current_setting('tests.exposed_schemas'), ','))),
  null::text[],
  'every table in every exposed schema has row level security enabled'
);
select ok(cardinality(string_to_array(current_setting('tests.exposed_schemas'), ',')) >= 6, 'the exposed schemas come from config.toml');

-- Guard: SECURITY DEFINER functions pin search_path and none sits in an exposed schema.
select is(
  (select array_agg(n.nspname || '.' || p.proname order by 1) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where p.prosecdef and n.nspname = any (string_to_array(current_setting('tests.exposed_schemas'), ','))),
  null::text[],
  'no SECURITY DEFINER function lives in an exposed schema'
);
select is(
  (select array_agg(n.nspname || '.' || p.proname order by 1) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where p.prosecdef and n.nspname not in ('tests', 'pg_catalog', 'information_schema')
     and not exists (select from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')),
  null::text[],
  'every SECURITY DEFINER function pins its search_path'
);

select * from finish();
rollback;
