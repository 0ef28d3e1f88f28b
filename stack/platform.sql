-- Supabase platform bootstrap for a bare Postgres (PGlite locally). Never applied where the
-- platform already exists (hosted Supabase, Docker `supabase start`): stack/platform.ts checks
-- for the supabase_admin role first. Idempotent: safe on every boot.
-- Auth tables and auth.uid()/auth.role()/auth.jwt() come from @supabase/lite (platform.ts),
-- not from this file.

do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;

create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists vector schema extensions;
create extension if not exists pg_trgm schema extensions;
create extension if not exists pgcrypto schema extensions;
create extension if not exists "uuid-ossp" schema extensions;

alter database postgres set search_path = "$user", public, extensions;
set search_path = "$user", public, extensions;

create schema if not exists auth;

create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text not null primary key,
  statements text[],
  name text
);
create table if not exists supabase_migrations.seed_files (
  path text not null primary key,
  hash text not null
);

-- Default privileges as on hosted Supabase: objects that postgres creates in public are
-- granted to the API roles. The project's first migration narrows this for its own objects.
grant usage on schema public to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema extensions grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema extensions grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema extensions grant all on sequences to anon, authenticated, service_role;
