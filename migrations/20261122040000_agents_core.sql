-- Agents domain core (seed 002_073aae3029dbfc23.txt): the 0rca POD marketplace's agents and their
-- deployments, with the seed's recommended CHECKs, the public listing, get_agent_stats, owner-only
-- RLS plus a read of the active listing, and the deployment lifecycle the deploy backend drives.
-- Changes from the seed (README, decision records): user_id is NOT NULL; agent_token holds the
-- SHA-256 of the token, never the token; agent_address and app_id are validated and written only by
-- the deploy backend; status changes by owners are limited to pause / resume / soft delete.

-- Algorand address check ---------------------------------------------------------------------------

-- An Algorand address is base32 (no padding) of a 32-byte ed25519 public key followed by the last
-- 4 bytes of SHA-512/256(public key): 58 characters, the final 2 bits zero.
create function private.is_algorand_address(address text)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
declare
  alphabet constant text := 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  bits text := '';
  hex text := '';
  raw bytea;
begin
  if address is null then
    return null;
  end if;
  if address !~ '^[A-Z2-7]{58}$' then
    return false;
  end if;
  for i in 1..58 loop
    bits := bits || (position(substr(address, i, 1) in alphabet) - 1)::bit(5)::text;
  end loop;
  if right(bits, 2) <> '00' then
    return false;
  end if;
  for i in 0..35 loop
    hex := hex || lpad(to_hex(substr(bits, i * 8 + 1, 8)::bit(8)::integer), 2, '0');
  end loop;
  raw := decode(hex, 'hex');
  return substr(extensions.digest(substr(raw, 1, 32), 'sha512-256'), 29, 4) = substr(raw, 33, 4);
end;
$$;
comment on function private.is_algorand_address(text) is 'True when the text is a valid Algorand address (58 base32 characters whose last 4 bytes are the SHA-512/256 checksum of the key).';
revoke all on function private.is_algorand_address(text) from public;
-- CHECK constraints run as the writing role.
grant execute on function private.is_algorand_address(text) to anon, authenticated, service_role;

-- Agents -------------------------------------------------------------------------------------------

create table agents.agents (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  name varchar(255) not null check (length(btrim(name)) > 0),
  description text,
  subdomain varchar(100) not null,
  repo_owner varchar(255) not null,
  repo_name varchar(255) not null,
  github_url text not null check (github_url ~ '^https://github\.com/[^/\s]+/[^/\s]+/?$'),
  agent_address varchar(58) check (private.is_algorand_address(agent_address)),
  app_id bigint check (app_id > 0),
  agent_token varchar(64) check (agent_token ~ '^[0-9a-f]{64}$'),
  price_microalgo bigint not null default 1000000,
  status varchar(50) not null default 'pending',
  runtime_status varchar(50) not null default 'pending' check (runtime_status in ('pending', 'active', 'unhealthy', 'stopped')),
  category varchar(100) not null default 'General' check (category in (
    'Data Analysis', 'Content Creation', 'Development', 'Finance', 'Social Media', 'Media', 'Language', 'Marketing', 'General')),
  tags text[] check (cardinality(tags) <= 20),
  data_input text,
  example_input text,
  example_output text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint unique_user_repo unique (user_id, repo_owner, repo_name),
  constraint check_agent_status check (status in ('pending', 'deploying', 'active', 'inactive', 'failed', 'deleted')),
  constraint check_price_positive check (price_microalgo >= 0),
  constraint check_subdomain_format check (subdomain ~ '^[a-z0-9-]+$' and length(subdomain) between 1 and 63),
  -- Named as the seed's index on subdomain: the UNIQUE constraint is that index.
  constraint idx_agents_subdomain unique (subdomain)
);
comment on table agents.agents is 'AI agents on the marketplace: owner, GitHub source, Algorand payee, per-call price and status.';
comment on column agents.agents.user_id is 'Owner (auth.users). Defaults to the caller.';
comment on column agents.agents.subdomain is 'Subdomain of the agent URL: lowercase letters, digits and dashes; unique.';
comment on column agents.agents.agent_address is 'Algorand address that receives the per-call payments (the agent''s application account). Checksum-validated; set by the deploy backend.';
comment on column agents.agents.app_id is 'Algorand application id of the agent''s contract. Positive; set by the deploy backend.';
comment on column agents.agents.agent_token is 'SHA-256 (hex) of the agent token the platform uses to call the agent runtime. The token itself is shown once, when issued or rotated, and never stored. Not readable by clients.';
comment on column agents.agents.price_microalgo is 'Price of one call in microAlgos (1 ALGO = 1,000,000).';
comment on column agents.agents.status is 'pending | deploying | active | inactive | failed | deleted (soft delete). Owners may pause (inactive), resume and delete; the rest follows deployments.';
comment on column agents.agents.runtime_status is 'Runtime health, reported by the agent runtime: pending | active | unhealthy | stopped.';
comment on column agents.agents.category is 'Data Analysis | Content Creation | Development | Finance | Social Media | Media | Language | Marketing | General.';

create index idx_agents_user_id on agents.agents (user_id);
create index idx_agents_status on agents.agents (status);
create index idx_agents_category on agents.agents (category);
-- The seed's idx_agents_user_repo would duplicate the index of its unique_user_repo constraint, so
-- it is not created twice. The documented listing queries get these:
create index idx_agents_active_category on agents.agents (category, created_at desc) where status = 'active' and runtime_status = 'active';
create index idx_agents_active_tags on agents.agents using gin (tags) where status = 'active' and runtime_status = 'active';
create unique index idx_agents_agent_token on agents.agents (agent_token) where agent_token is not null;

create trigger update_agents_updated_at before update on agents.agents
  for each row execute function private.set_updated_at();

-- Owners may pause, resume (only a deployed, healthy runtime) and soft-delete; anything else about
-- status is the deploy backend's (service role). Column grants keep them off the payment fields.
create function private.guard_agent_owner_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user not in ('authenticated', 'anon') or new.status is not distinct from old.status then
    return new;
  end if;
  if old.status = 'deleted' then
    raise exception 'a deleted agent cannot be changed' using errcode = '42501';
  end if;
  if new.status = 'deleted'
     or (old.status = 'active' and new.status = 'inactive')
     or (old.status = 'inactive' and new.status = 'active' and old.runtime_status = 'active' and old.agent_address is not null) then
    return new;
  end if;
  raise exception 'an owner cannot move an agent from % to %', old.status, new.status using errcode = '42501';
end;
$$;
comment on function private.guard_agent_owner_update() is 'Limits owner status changes to pause (active -> inactive), resume (inactive -> active, when deployed and healthy) and soft delete.';
revoke all on function private.guard_agent_owner_update() from public;
create trigger agents_guard_owner_update before update of status on agents.agents
  for each row execute function private.guard_agent_owner_update();

-- The salt from which the platform derives an agent's token (HMAC with AGENT_TOKEN_SECRET); with
-- only this table and not the secret, the token cannot be recovered.
create table private.agent_token_salts (
  agent_id uuid primary key references agents.agents (id) on delete cascade,
  salt text not null check (salt ~ '^[0-9a-f]{32,}$'),
  issued_at timestamptz not null default now()
);
comment on table private.agent_token_salts is 'Per-agent salt for the derived agent token. Service only.';

-- Deployments --------------------------------------------------------------------------------------

create table agents.deployments (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid not null references agents.agents (id) on delete cascade,
  job_id varchar(255),
  status varchar(50) not null default 'pending' check (status in ('pending', 'deploying', 'success', 'failed', 'cancelled')),
  build_logs text,
  deployment_summary text,
  started_at timestamptz not null default now(),
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  check ((completed_at is not null) = (status in ('success', 'failed', 'cancelled')))
);
comment on table agents.deployments is 'Deployment history of an agent. Owners request one (pending); the deploy backend moves it on through the signed webhook.';
comment on column agents.deployments.job_id is 'Deploy backend job id; set once.';
comment on column agents.deployments.status is 'pending -> deploying -> success | failed | cancelled (pending may also fail or be cancelled). Terminal states are final.';
comment on column agents.deployments.build_logs is 'Build and deployment logs, appended by the deploy backend.';
comment on column agents.deployments.completed_at is 'Set when the deployment reaches a terminal state.';

create index idx_deployments_agent_id on agents.deployments (agent_id, started_at desc);
create index idx_deployments_status on agents.deployments (status);
create index idx_deployments_job_id on agents.deployments (job_id);
-- One open deployment per agent at a time.
create unique index deployments_one_open_per_agent on agents.deployments (agent_id) where status in ('pending', 'deploying');

-- Deploy webhook deliveries already applied (a redelivery changes nothing).
create table private.deployment_webhook_events (
  event_id text primary key,
  deployment_id uuid not null references agents.deployments (id) on delete cascade,
  status text not null,
  received_at timestamptz not null default now()
);
comment on table private.deployment_webhook_events is 'Deploy backend webhook events applied, by event id.';
create index deployment_webhook_events_deployment_idx on private.deployment_webhook_events (deployment_id);

-- Moves a deployment (by id, or by job_id) through a valid transition, appends logs, records the job
-- id, and moves the agent with it. Errors carry a hint the webhook maps to HTTP: not_found (404),
-- invalid_transition / job_mismatch (409), invalid_agent_address (400).
create function agents.apply_deployment_event(
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
  agent_status text;
  allowed constant jsonb := '{"pending": ["pending", "deploying", "failed", "cancelled"], "deploying": ["deploying", "success", "failed", "cancelled"]}';
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

  if not coalesce((allowed -> d.status) ? new_status, false) then
    raise exception 'a deployment cannot move from % to %', d.status, new_status using errcode = 'P0001', hint = 'invalid_transition';
  end if;
  if target_job_id is not null and d.job_id is not null and d.job_id <> target_job_id then
    raise exception 'deployment % belongs to job %', d.id, d.job_id using errcode = 'P0001', hint = 'job_mismatch';
  end if;
  if new_agent_address is not null and not private.is_algorand_address(new_agent_address) then
    raise exception 'agent_address is not a valid Algorand address' using errcode = 'P0001', hint = 'invalid_agent_address';
  end if;

  update agents.deployments set
    status = new_status,
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
comment on function agents.apply_deployment_event(text, uuid, text, text, text, text, text, bigint) is 'Deploy backend webhook: one valid status transition (once per event id), log append, job id, and the agent''s status, payee and app id on success. Service role.';

-- The public listing and stats ------------------------------------------------------------------------

create view agents.active_agents_view with (security_invoker = true) as
select id, name, description, subdomain, repo_owner, category, tags, price_microalgo, created_at,
       agent_address, app_id, data_input, example_input, example_output
from agents.agents
where status = 'active'
  and runtime_status = 'active';
comment on view agents.active_agents_view is 'The public marketplace listing: active agents with a healthy runtime. Never exposes agent_token or the owner.';

create function agents.get_agent_stats(agent_uuid uuid)
returns table (
  total_deployments bigint,
  successful_deployments bigint,
  failed_deployments bigint,
  last_deployment_at timestamptz
)
language sql
stable
set search_path = ''
as $$
  select count(*)::bigint,
         count(*) filter (where d.status = 'success')::bigint,
         count(*) filter (where d.status = 'failed')::bigint,
         max(d.started_at)
  from agents.deployments d
  where d.agent_id = agent_uuid;
$$;
comment on function agents.get_agent_stats(uuid) is 'Deployment counts of an agent. Runs as the caller: another owner''s agent reads as zero deployments.';

-- Row level security and grants -------------------------------------------------------------------------

alter table agents.agents enable row level security;
alter table agents.deployments enable row level security;

grant select (id, name, description, subdomain, repo_owner, category, tags, price_microalgo, created_at,
              agent_address, app_id, data_input, example_input, example_output, status, runtime_status)
  on agents.agents to anon;
grant select (id, user_id, name, description, subdomain, repo_owner, repo_name, github_url, agent_address, app_id,
              price_microalgo, status, runtime_status, category, tags, data_input, example_input, example_output,
              created_at, updated_at)
  on agents.agents to authenticated;
grant insert (user_id, name, description, subdomain, repo_owner, repo_name, github_url, price_microalgo, category, tags,
              data_input, example_input, example_output)
  on agents.agents to authenticated;
grant update (name, description, subdomain, repo_owner, repo_name, github_url, price_microalgo, status, category, tags,
              data_input, example_input, example_output)
  on agents.agents to authenticated;
grant delete on agents.agents to authenticated;
grant select on agents.active_agents_view to anon, authenticated;
grant select on agents.deployments to authenticated;
grant insert (agent_id, deployment_summary) on agents.deployments to authenticated;
grant all on agents.agents, agents.deployments, agents.active_agents_view to service_role;

create policy "Anyone can view active agents" on agents.agents for select to anon
  using (status = 'active' and runtime_status = 'active');
-- One policy per role and action (two permissive ones would be evaluated for every row): the seed's
-- "Users can view own agents" plus the marketplace listing.
create policy "Users can view own agents and active agents" on agents.agents for select to authenticated
  using (user_id = (select auth.uid()) or (status = 'active' and runtime_status = 'active'));
create policy "Users can insert own agents" on agents.agents for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy "Users can update own agents" on agents.agents for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "Users can delete own agents" on agents.agents for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "Users can view own deployments" on agents.deployments for select to authenticated
  using (exists (select 1 from agents.agents a where a.id = agent_id and a.user_id = (select auth.uid())));
create policy "Users can insert deployments for own agents" on agents.deployments for insert to authenticated
  with check (exists (select 1 from agents.agents a where a.id = agent_id and a.user_id = (select auth.uid()) and a.status <> 'deleted'));

revoke all on function agents.apply_deployment_event(text, uuid, text, text, text, text, text, bigint) from public;
revoke all on function agents.get_agent_stats(uuid) from public;
grant execute on function agents.apply_deployment_event(text, uuid, text, text, text, text, text, bigint) to service_role;
grant execute on function agents.get_agent_stats(uuid) to authenticated, service_role;
