-- Studio: the closed sets become enums, so clients see them (Database['studio']['Enums'] in
-- types/database.ts) instead of finding them only in CHECK constraints.
--
--   projects.status                          studio.project_status
--   contexts.type                            studio.context_type
--   messages.role                            studio.message_role
--   audit_logs.action, audit_logs.resource_type  studio.audit_action, studio.audit_resource_type
--
-- Converted in place (values, defaults, NOT NULL kept). The contexts CHECK that json content parses
-- and the messages insert policy (users write role = user) read these columns and are re-created as
-- they were. An unknown value written directly is refused with 22P02 (invalid_text_representation)
-- instead of 23514. The audit writer keeps its text parameters and casts them.
--
-- Labels are declared in alphabetical order on purpose: an enum sorts and compares by declaration
-- order, so this keeps every ORDER BY, min/max and comparison on these columns exactly as it was with
-- text (the chat function, for one, orders a conversation's messages by created_at, role desc).

create type studio.project_status as enum ('active', 'archived', 'draft');
comment on type studio.project_status is 'State of a project.';
create type studio.context_type as enum ('json', 'text', 'yaml');
comment on type studio.context_type is 'Format of a context''s content; json content must parse.';
create type studio.message_role as enum ('assistant', 'system', 'user');
comment on type studio.message_role is 'Author of a chat message: users write user; assistant and system come from the studio function.';
create type studio.audit_action as enum ('create', 'delete', 'tier_change', 'update');
comment on type studio.audit_action is 'What an audit entry records.';
create type studio.audit_resource_type as enum ('api_key', 'graph', 'project', 'subscription_tier');
comment on type studio.audit_resource_type is 'Kind of resource an audit entry is about.';

drop policy "messages: users add their own prompts" on studio.messages;

alter table studio.projects
  drop constraint projects_status_check,
  alter column status drop default,
  alter column status type studio.project_status using status::studio.project_status,
  alter column status set default 'draft';

alter table studio.contexts
  drop constraint contexts_type_check,
  drop constraint contexts_json_parses,
  alter column type drop default,
  alter column type type studio.context_type using type::studio.context_type,
  alter column type set default 'text',
  -- A json context must parse (yaml is not checked: Postgres has no YAML parser).
  add constraint contexts_json_parses check (type <> 'json' or private.text_parses_as(content, 'jsonb'));

alter table studio.messages
  drop constraint messages_role_check,
  alter column role type studio.message_role using role::studio.message_role;

alter table studio.audit_logs
  drop constraint audit_logs_action_check,
  drop constraint audit_logs_resource_type_check,
  alter column action type studio.audit_action using action::studio.audit_action,
  alter column resource_type type studio.audit_resource_type using resource_type::studio.audit_resource_type;

create policy "messages: users add their own prompts" on studio.messages for insert to authenticated
  with check (role = 'user' and private.studio_owns_chat(chat_id));

-- The audit writer (called by the audit triggers with constant action and resource names): the same
-- body, with the values cast.

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
  values (owner, audit_action::studio.audit_action, audit_resource::studio.audit_resource_type, audit_resource_id,
          coalesce(audit_details, '{}'::jsonb) || jsonb_build_object('actor', auth.uid(), 'role', coalesce(auth.role(), session_user)),
          case when ip <> '' and private.text_parses_as(ip, 'inet') then ip::inet end,
          left(headers ->> 'user-agent', 1000));
end;
$$;

