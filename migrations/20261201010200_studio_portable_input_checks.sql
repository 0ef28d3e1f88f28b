-- No PostgreSQL 16+ feature in the schema: the CHECK studio.contexts.contexts_json_parses and
-- private.studio_write_audit used pg_input_is_valid (16+). Both now call private.text_parses_as,
-- which behaves the same on 15 and 17, and the PostgreSQL 15 stand-in of 20261122055900 is dropped.
-- tests/stack/postgres-versions.test.ts keeps 16+ features out of migrations.

create function private.text_parses_as(input text, type_name regtype)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
begin
  execute format('select %L::%s', input, type_name);
  return true;
exception when data_exception then
  return false;
end;
$$;
comment on function private.text_parses_as(text, regtype) is 'Whether input is valid text for the type (a data exception on the cast means no). Portable pg_input_is_valid for PostgreSQL 15+.';
revoke all on function private.text_parses_as(text, regtype) from public;
-- Evaluated in the CHECK on studio.contexts for whoever writes a context.
grant execute on function private.text_parses_as(text, regtype) to anon, authenticated, service_role;

alter table studio.contexts drop constraint contexts_json_parses;
alter table studio.contexts add constraint contexts_json_parses
  check (type <> 'json' or private.text_parses_as(content, 'jsonb'));

create or replace function private.studio_write_audit(owner uuid, audit_action text, audit_resource text, audit_resource_id text, audit_details jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  raw_headers text := nullif(current_setting('request.headers', true), '');
  headers jsonb := '{}'::jsonb;
  ip text;
begin
  if owner is null or not exists (select 1 from public.profiles p where p.id = owner) then
    return;
  end if;
  if raw_headers is not null and private.text_parses_as(raw_headers, 'jsonb') and jsonb_typeof(raw_headers::jsonb) = 'object' then
    headers := raw_headers::jsonb;
  end if;
  ip := btrim(split_part(coalesce(headers ->> 'x-forwarded-for', headers ->> 'x-real-ip', ''), ',', 1));
  insert into studio.audit_logs (user_id, action, resource_type, resource_id, details, ip_address, user_agent)
  values (owner, audit_action, audit_resource, audit_resource_id,
          coalesce(audit_details, '{}'::jsonb) || jsonb_build_object('actor', auth.uid(), 'role', coalesce(auth.role(), session_user)),
          case when ip <> '' and private.text_parses_as(ip, 'inet') then ip::inet end,
          left(headers ->> 'user-agent', 1000));
end;
$$;

drop function if exists public.pg_input_is_valid(text, text);
