-- Foundation shared by every domain: the private (non-exposed) schema for helpers, the five
-- domain schemas, and default privileges narrowed so that every grant is explicit.

-- Functions are not executable by PUBLIC unless a migration grants it, and tables, sequences and
-- functions that postgres creates in exposed schemas are not granted to anon/authenticated by
-- default (hosted Supabase grants ALL by default; we grant per object instead).
alter default privileges for role postgres revoke execute on functions from public;
alter default privileges for role postgres in schema public revoke all on tables from anon, authenticated;
alter default privileges for role postgres in schema public revoke all on sequences from anon, authenticated;
alter default privileges for role postgres in schema public revoke all on functions from anon, authenticated;

-- Helpers live here: SECURITY DEFINER functions for RLS, triggers, queues. Not listed in
-- [api] schemas, so PostgREST never exposes it.
create schema if not exists private;
comment on schema private is 'Internal helpers (RLS helpers, triggers, job tables). Never exposed through the API.';
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

-- One schema per product domain (see README). Tables arrive with each domain's migrations.
do $$
declare
  s text;
begin
  foreach s in array array['cloud', 'billing', 'agents', 'sites', 'studio'] loop
    execute format('create schema if not exists %I', s);
    execute format('grant usage on schema %I to anon, authenticated, service_role', s);
    execute format('alter default privileges for role postgres in schema %I grant all on tables to service_role', s);
    execute format('alter default privileges for role postgres in schema %I grant all on sequences to service_role', s);
    execute format('alter default privileges for role postgres in schema %I grant execute on functions to service_role', s);
  end loop;
end
$$;
comment on schema cloud is 'Catalog domain: cloud compute and GPU pricing across providers, Kubernetes packages.';
comment on schema billing is 'Billing domain: clusters, usage metering, prepaid credits, Stripe.';
comment on schema agents is 'Agents domain: AI agent marketplace, deployments, Algorand pay-per-call.';
comment on schema sites is 'Sites domain: website crawling, embeddings, RAG chat widget, privacy requests.';
comment on schema studio is 'Studio domain: AI architecture-design projects, graphs, templates, tiers.';

-- Trigger function: keeps updated_at current on every UPDATE.
create or replace function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.set_updated_at() is 'BEFORE UPDATE trigger: sets updated_at to now().';
