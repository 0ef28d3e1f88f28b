-- pgTAP helpers, after usebasejump/supabase-test-helpers. Installed into the test template database
-- only (never by a migration), in schema "tests" together with pgTAP itself.

create schema if not exists tests;
create extension if not exists pgtap with schema tests;
grant usage on schema tests to anon, authenticated, service_role;

-- Creates an auth user (which fires the sign-up trigger) identified by a test-local name.
create or replace function tests.create_supabase_user(
  identifier text,
  email text default null,
  phone text default null,
  metadata jsonb default null,
  app_metadata jsonb default null
)
returns uuid
security definer
set search_path = ''
language plpgsql
as $$
declare
  user_id uuid := extensions.gen_random_uuid();
begin
  insert into auth.users (id, email, phone, raw_user_meta_data, raw_app_meta_data, aud, role, created_at, updated_at)
  values (
    user_id,
    coalesce(email, concat(identifier, '@test.invalid')),
    phone,
    jsonb_build_object('test_identifier', identifier) || coalesce(metadata, '{}'::jsonb),
    coalesce(app_metadata, '{}'::jsonb),
    'authenticated',
    'authenticated',
    now(),
    now()
  );
  return user_id;
end;
$$;

create or replace function tests.get_supabase_user(identifier text)
returns json
security definer
set search_path = ''
language sql
as $$
  select json_build_object('id', u.id, 'email', u.email, 'phone', u.phone, 'raw_user_meta_data', u.raw_user_meta_data)
  from auth.users u
  where u.raw_user_meta_data ->> 'test_identifier' = identifier;
$$;

create or replace function tests.get_supabase_uid(identifier text)
returns uuid
security definer
set search_path = ''
language plpgsql
as $$
declare
  user_id uuid;
begin
  select u.id into user_id from auth.users u where u.raw_user_meta_data ->> 'test_identifier' = identifier;
  if user_id is null then
    raise exception 'User with identifier % not found', identifier;
  end if;
  return user_id;
end;
$$;

-- Sets the transaction's role and JWT claims as PostgREST (and @supabase/lite) would: both
-- request.jwt.claims and the legacy request.jwt.claim.* settings that lite's auth.uid() reads.
create or replace function tests.set_request_claims(claims jsonb)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', claims ->> 'role', true);
  perform set_config('request.jwt.claims', claims::text, true);
  perform set_config('request.jwt.claim.sub', coalesce(claims ->> 'sub', ''), true);
  perform set_config('request.jwt.claim.role', claims ->> 'role', true);
  perform set_config('request.jwt.claim.email', coalesce(claims ->> 'email', ''), true);
end;
$$;

create or replace function tests.authenticate_as(identifier text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  user_data json := tests.get_supabase_user(identifier);
begin
  if user_data is null or user_data ->> 'id' is null then
    raise exception 'User with identifier % not found', identifier;
  end if;
  perform tests.set_request_claims(jsonb_build_object(
    'sub', user_data ->> 'id', 'email', user_data ->> 'email', 'phone', user_data ->> 'phone',
    'role', 'authenticated', 'aud', 'authenticated'));
end;
$$;

create or replace function tests.authenticate_as_service_role()
returns void
language sql
set search_path = ''
as $$
  select tests.set_request_claims('{"role": "service_role"}');
$$;

-- Back to an anonymous request (role anon, no user).
create or replace function tests.clear_authentication()
returns void
language sql
set search_path = ''
as $$
  select tests.set_request_claims('{"role": "anon"}');
$$;

-- pgTAP assertion: every table in the schema has row level security enabled.
create or replace function tests.rls_enabled(testing_schema text)
returns text
language sql
-- pgTAP's functions call each other unqualified, so its schema must be on the path.
set search_path = tests, pg_catalog
as $$
  select tests.is(
    (select array_agg(c.relname::text order by c.relname)
     from pg_catalog.pg_class c
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = testing_schema and c.relkind in ('r', 'p') and not c.relrowsecurity),
    null::text[],
    format('every table in schema %s has row level security enabled', testing_schema)
  );
$$;

create or replace function tests.rls_enabled(testing_schema text, testing_table text)
returns text
language sql
-- pgTAP's functions call each other unqualified, so its schema must be on the path.
set search_path = tests, pg_catalog
as $$
  select tests.ok(
    (select c.relrowsecurity from pg_catalog.pg_class c
     join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = testing_schema and c.relname = testing_table),
    format('table %s.%s has row level security enabled', testing_schema, testing_table)
  );
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;
