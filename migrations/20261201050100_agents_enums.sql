-- Agents: the closed sets become enums, so clients see them (types/database.ts lists them under
-- Database['agents']['Enums'] and in Constants) instead of finding them only in CHECK constraints.
--
--   agents.agents.status          agents.agent_status          (was varchar(50) + check_agent_status)
--   agents.agents.runtime_status  agents.agent_runtime_status  (was varchar(50) + CHECK)
--   agents.agents.category        agents.agent_category        (was varchar(100) + CHECK)
--   agents.deployments.status     agents.deployment_status     (was varchar(50) + CHECK)
--
-- The columns are converted in place (values, defaults and NOT NULL kept). What depends on them is
-- dropped and re-created unchanged in this migration: the listing view active_agents_view (with its
-- grants and comment), the three policies that read status, the owner guard trigger, the partial
-- indexes (their predicates now compare enums, so the planner matches them to the same queries), and
-- the deployments completion CHECK. apply_deployment_event keeps its text parameter (the webhook
-- passes a string): it validates the value against the allowed transitions first and casts it only
-- then. An unknown value written directly is refused with 22P02 (invalid_text_representation)
-- instead of 23514. Text comparisons (status = 'active', status in ('pending', ...)) keep working;
-- a text-typed expression written into a column needs a cast (::agents.agent_status).
--
-- Labels are declared in alphabetical order on purpose: an enum sorts and compares by declaration
-- order, so this keeps every ORDER BY, min/max and comparison on these columns exactly as it was with
-- text (the chat function, for one, orders a conversation's messages by created_at, role desc).

create type agents.agent_status as enum ('active', 'deleted', 'deploying', 'failed', 'inactive', 'pending');
comment on type agents.agent_status is 'Lifecycle of an agent: pending -> deploying -> active | failed; active <-> inactive (owner pause/resume); deleted = soft delete (final).';
create type agents.agent_runtime_status as enum ('active', 'pending', 'stopped', 'unhealthy');
comment on type agents.agent_runtime_status is 'Health of an agent''s runtime as it reports it (POST /agents/runtime/status); only active sells calls.';
create type agents.agent_category as enum (
  'Content Creation', 'Data Analysis', 'Development', 'Finance', 'General', 'Language', 'Marketing', 'Media', 'Social Media');
comment on type agents.agent_category is 'Marketplace category of an agent.';
create type agents.deployment_status as enum ('cancelled', 'deploying', 'failed', 'pending', 'success');
comment on type agents.deployment_status is 'pending -> deploying -> success | failed | cancelled (pending may also fail or be cancelled); terminal states are final.';

-- What reads the columns ---------------------------------------------------------------------------

drop view agents.active_agents_view;
drop policy "Anyone can view active agents" on agents.agents;
drop policy "Users can view own agents and active agents" on agents.agents;
drop policy "Users can insert deployments for own agents" on agents.deployments;
drop trigger agents_guard_owner_update on agents.agents;
drop index agents.idx_agents_active_category;
drop index agents.idx_agents_active_tags;
drop index agents.deployments_one_open_per_agent;
alter table agents.deployments drop constraint deployments_check;

-- The columns ----------------------------------------------------------------------------------------

alter table agents.agents
  drop constraint check_agent_status,
  drop constraint agents_runtime_status_check,
  drop constraint agents_category_check,
  alter column status drop default,
  alter column runtime_status drop default,
  alter column category drop default,
  alter column status type agents.agent_status using status::text::agents.agent_status,
  alter column runtime_status type agents.agent_runtime_status using runtime_status::text::agents.agent_runtime_status,
  alter column category type agents.agent_category using category::text::agents.agent_category,
  alter column status set default 'pending',
  alter column runtime_status set default 'pending',
  alter column category set default 'General';

alter table agents.deployments
  drop constraint deployments_status_check,
  alter column status drop default,
  alter column status type agents.deployment_status using status::text::agents.deployment_status,
  alter column status set default 'pending',
  add constraint deployments_check check ((completed_at is not null) = (status in ('success', 'failed', 'cancelled')));

-- Re-created as they were ------------------------------------------------------------------------------

create index idx_agents_active_category on agents.agents (category, created_at desc) where status = 'active' and runtime_status = 'active';
create index idx_agents_active_tags on agents.agents using gin (tags) where status = 'active' and runtime_status = 'active';
-- One open deployment per agent at a time.
create unique index deployments_one_open_per_agent on agents.deployments (agent_id) where status in ('pending', 'deploying');

create trigger agents_guard_owner_update before update of status on agents.agents
  for each row execute function private.guard_agent_owner_update();

create policy "Anyone can view active agents" on agents.agents for select to anon
  using (status = 'active' and runtime_status = 'active');
create policy "Users can view own agents and active agents" on agents.agents for select to authenticated
  using (user_id = (select auth.uid()) or (status = 'active' and runtime_status = 'active'));
create policy "Users can insert deployments for own agents" on agents.deployments for insert to authenticated
  with check (exists (select 1 from agents.agents a where a.id = agent_id and a.user_id = (select auth.uid()) and a.status <> 'deleted'));

create view agents.active_agents_view with (security_invoker = true) as
select id, name, description, subdomain, repo_owner, category, tags, price_microalgo, created_at,
       agent_address, app_id, data_input, example_input, example_output
from agents.agents
where status = 'active'
  and runtime_status = 'active';
comment on view agents.active_agents_view is 'The public marketplace listing: active agents with a healthy runtime. Never exposes agent_token or the owner.';
grant select on agents.active_agents_view to anon, authenticated;
grant all on agents.active_agents_view to service_role;

-- The webhook's transition: new_status stays text for callers, is validated against the allowed
-- transitions, then cast. The agent's status is computed as agents.agent_status.
create or replace function agents.apply_deployment_event(
  event_id text,
  target_deployment uuid,
  target_job_id text,
  new_status text,
  log_lines text default null,
  summary text default null,
  new_agent_address text default null,
  new_app_id bigint default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  d agents.deployments;
  agent_status agents.agent_status;
  allowed constant jsonb := '{"pending": ["pending", "deploying", "failed", "cancelled"], "deploying": ["deploying", "success", "failed", "cancelled"]}'::jsonb;
begin
  if target_deployment is not null then
    select * into d from agents.deployments where id = target_deployment for update;
  else
    select * into d from agents.deployments where job_id = target_job_id order by created_at desc limit 1 for update;
  end if;
  if d.id is null then
    raise exception 'no such deployment' using errcode = 'P0001', hint = 'not_found';
  end if;

  insert into private.deployment_webhook_events (event_id, deployment_id, status)
  values (apply_deployment_event.event_id, d.id, new_status)
  on conflict do nothing;
  if not found then
    return jsonb_build_object('outcome', 'duplicate', 'deployment_id', d.id, 'status', d.status);
  end if;

  -- Only a known, allowed value gets past this point (so the cast below cannot fail).
  if not coalesce((allowed -> d.status::text) ? new_status, false) then
    raise exception 'a deployment cannot move from % to %', d.status, new_status using errcode = 'P0001', hint = 'invalid_transition';
  end if;
  if target_job_id is not null and d.job_id is not null and d.job_id <> target_job_id then
    raise exception 'deployment % belongs to job %', d.id, d.job_id using errcode = 'P0001', hint = 'job_mismatch';
  end if;
  if new_agent_address is not null and not private.is_algorand_address(new_agent_address) then
    raise exception 'agent_address is not a valid Algorand address' using errcode = 'P0001', hint = 'invalid_agent_address';
  end if;

  update agents.deployments set
    status = new_status::agents.deployment_status,
    job_id = coalesce(d.job_id, target_job_id),
    build_logs = case when log_lines is null then build_logs else concat_ws(E'\n', build_logs, log_lines) end,
    deployment_summary = coalesce(summary, deployment_summary),
    completed_at = case when new_status in ('success', 'failed', 'cancelled') then now() end
  where id = d.id;

  select a.status into agent_status from agents.agents a where a.id = d.agent_id for update;
  update agents.agents a set
    status = case
      when agent_status = 'deleted' then agent_status
      when new_status = 'success' then 'active'
      when new_status = 'deploying' and agent_status in ('pending', 'failed') then 'deploying'
      when new_status = 'failed' and agent_status in ('pending', 'deploying') then 'failed'
      when new_status = 'cancelled' and agent_status = 'deploying' then 'pending'
      else agent_status end,
    runtime_status = case when new_status = 'success' then 'active' else a.runtime_status end,
    agent_address = case when new_status = 'success' then coalesce(new_agent_address, a.agent_address) else a.agent_address end,
    app_id = case when new_status = 'success' then coalesce(new_app_id, a.app_id) else a.app_id end
  where a.id = d.agent_id;

  return jsonb_build_object('outcome', 'applied', 'deployment_id', d.id, 'status', new_status, 'previous_status', d.status);
end;
$$;
