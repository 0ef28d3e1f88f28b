-- Agents: deployments started from GitHub (POST /agents/<agent>/deploy). A deployment now records what
-- it deploys (the ref asked for and the commit sha GitHub resolved it to), and a request may carry an
-- Idempotency-Key so a retried request returns the same deployment instead of opening another.
-- agents.request_deployment opens the deployment (or finds the one the request already opened) under a
-- lock on the agent's row, so concurrent requests for one agent see each other: one deployment opens,
-- the others get it back (same key, or the same commit not yet accepted by the deploy backend) or
-- deployment_in_progress. The GitHub token a request carries is never passed to the database.

alter table agents.deployments
  add column ref text check (length(ref) between 1 and 255),
  add column commit_sha text check (commit_sha ~ '^[0-9a-f]{40}$' or commit_sha ~ '^[0-9a-f]{64}$');
comment on column agents.deployments.ref is 'The branch, tag or sha the deployment was asked for (the default branch when the request named none). Null for a deployment inserted directly.';
comment on column agents.deployments.commit_sha is 'The commit GitHub resolved ref to when the deployment was requested: what the deploy backend builds.';
comment on column agents.deployments.job_id is 'Deploy backend job id; set once (by POST /agents/<agent>/deploy from the backend''s answer, or by its webhook). Null on a pending deployment: not yet accepted by the backend.';

-- Idempotency keys of deploy requests, per agent: which deployment a key opened and what ref it asked
-- for (null = the default branch), so the same key with another request is refused.
create table private.deployment_requests (
  agent_id uuid not null references agents.agents (id) on delete cascade,
  idempotency_key text not null check (length(idempotency_key) between 1 and 255),
  deployment_id uuid not null references agents.deployments (id) on delete cascade,
  requested_ref text,
  created_at timestamptz not null default now(),
  primary key (agent_id, idempotency_key)
);
comment on table private.deployment_requests is 'Idempotency-Key of each deploy request and the deployment it opened. Service only.';
create index deployment_requests_deployment_idx on private.deployment_requests (deployment_id);
revoke all on private.deployment_requests from public, anon, authenticated;

-- Opens a deployment of an agent for a resolved commit, or returns the one this request opened before.
--   outcome 'existing': idempotency_key was used before for this agent (with the same requested_ref):
--                       its deployment, whatever its state now
--   outcome 'resumed':  the agent's open deployment is pending, not accepted by the backend (no job_id),
--                       for the same commit and ref: the same deployment (the caller dispatches it again)
--   outcome 'created':  a new pending deployment
-- Errors (P0001 + hint): not_found (no such agent, or deleted), deployment_in_progress (another open
-- deployment), idempotency_key_reused (the key was used with another ref).
create function agents.request_deployment(
  target_agent uuid,
  commit_sha text,
  ref text,
  idempotency_key text default null,
  requested_ref text default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  d agents.deployments;
  req private.deployment_requests;
  outcome text;
begin
  -- One request per agent at a time from here on: the others wait, then see what this one did.
  perform 1 from agents.agents a where a.id = target_agent and a.status <> 'deleted' for update;
  if not found then
    raise exception 'no such agent' using errcode = 'P0001', hint = 'not_found';
  end if;

  if idempotency_key is not null then
    select * into req from private.deployment_requests r
    where r.agent_id = target_agent and r.idempotency_key = request_deployment.idempotency_key;
    if found then
      if req.requested_ref is distinct from request_deployment.requested_ref then
        raise exception 'Idempotency-Key % was used for another request', idempotency_key using errcode = 'P0001', hint = 'idempotency_key_reused';
      end if;
      select * into d from agents.deployments where id = req.deployment_id;
      return jsonb_build_object('outcome', 'existing', 'deployment', to_jsonb(d));
    end if;
  end if;

  select * into d from agents.deployments x where x.agent_id = target_agent and x.status in ('pending', 'deploying');
  if found then
    if d.status = 'pending' and d.job_id is null and d.commit_sha = request_deployment.commit_sha and d.ref is not distinct from request_deployment.ref then
      outcome := 'resumed';
    else
      raise exception 'agent % has an open deployment %', target_agent, d.id using errcode = 'P0001', hint = 'deployment_in_progress',
        detail = d.id::text;
    end if;
  else
    insert into agents.deployments (agent_id, ref, commit_sha)
    values (target_agent, request_deployment.ref, request_deployment.commit_sha)
    returning * into d;
    outcome := 'created';
  end if;

  if idempotency_key is not null then
    insert into private.deployment_requests (agent_id, idempotency_key, deployment_id, requested_ref)
    values (target_agent, request_deployment.idempotency_key, d.id, request_deployment.requested_ref);
  end if;
  return jsonb_build_object('outcome', outcome, 'deployment', to_jsonb(d));
end;
$$;
comment on function agents.request_deployment(uuid, text, text, text, text) is 'POST /agents/<agent>/deploy: opens a pending deployment of a resolved commit, or returns the one this request (Idempotency-Key) or an undispatched request for the same commit opened. Service role.';

-- Records the deploy backend's job id once (a later answer or the webhook never replaces it).
create function agents.record_deployment_job(target_deployment uuid, new_job_id text)
returns jsonb
language sql
set search_path = ''
as $$
  update agents.deployments d set job_id = coalesce(d.job_id, new_job_id)
  where d.id = target_deployment
  returning to_jsonb(d);
$$;
comment on function agents.record_deployment_job(uuid, text) is 'Stores the deploy backend''s job id of a deployment unless it has one; returns the deployment. Service role.';

revoke all on function agents.request_deployment(uuid, text, text, text, text) from public, anon, authenticated;
revoke all on function agents.record_deployment_job(uuid, text) from public, anon, authenticated;
grant execute on function agents.request_deployment(uuid, text, text, text, text) to service_role;
grant execute on function agents.record_deployment_job(uuid, text) to service_role;
