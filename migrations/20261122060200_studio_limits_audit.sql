-- Studio: tier limits, usage counters, template use, and the audit log, all enforced and written by
-- the database.
--
-- Tiers belong to billing: a user's tier is billing.customers.subscription_tier ('free' without a
-- row); its limits are billing.subscription_tiers.limits:
--   projects                  projects a user may own (all statuses count; archived ones hold data too)
--   graphs_per_project        graphs in one project
--   ai_generations_per_month  /studio/generate calls per calendar month (UTC)
--   premium_templates         true = premium templates may be read and cloned
-- A numeric limit that is null or absent is unlimited; premium_templates must be true to include them.
--
-- Errors (SQLSTATE PTnnn makes PostgREST answer with HTTP status nnn; hint is the stable code):
--   PT402 tier_limit_projects, tier_limit_graphs, tier_limit_ai_generations, premium_required
--   PT403 account_inactive   (studio.user_settings.is_active = false)
--   PT404 template_not_found
--   PT401 not_authenticated  (clone_template without a user)
-- detail carries JSON {tier, limit, used} for the tier limits.

-- Tiers ---------------------------------------------------------------------------------------------

create function private.studio_tier(target_user uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object('tier', t.name, 'limits', t.limits)
  from billing.subscription_tiers t
  where t.name = coalesce((select c.subscription_tier from billing.customers c where c.user_id = target_user), 'free');
$$;
comment on function private.studio_tier(uuid) is 'The user''s tier and its limits: {tier, limits} (free without a billing.customers row).';
revoke all on function private.studio_tier(uuid) from public;
grant execute on function private.studio_tier(uuid) to service_role;

create function private.studio_require_active(target_user uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from studio.user_settings s where s.user_id = target_user and not s.is_active) then
    raise exception 'this studio account is deactivated' using errcode = 'PT403', hint = 'account_inactive';
  end if;
end;
$$;
comment on function private.studio_require_active(uuid) is 'Raises account_inactive when the user''s studio account is deactivated.';
revoke all on function private.studio_require_active(uuid) from public;
grant execute on function private.studio_require_active(uuid) to service_role;

-- Usage counters --------------------------------------------------------------------------------------
-- Periods are calendar months in UTC (computed on timestamps, so the session time zone never shifts them).

create function studio.record_usage(target_user uuid, metric text, amount bigint default 1)
returns bigint
language sql
set search_path = ''
as $$
  insert into studio.usage_analytics as u (user_id, metric_type, count, period_start, period_end)
  values (target_user, metric, greatest(amount, 0),
          date_trunc('month', now() at time zone 'UTC') at time zone 'UTC',
          (date_trunc('month', now() at time zone 'UTC') + interval '1 month') at time zone 'UTC')
  on conflict on constraint usage_analytics_user_metric_period_key do update set count = greatest(u.count + amount, 0)
  returning u.count;
$$;
comment on function studio.record_usage(uuid, text, bigint) is 'Adds amount (may be negative; never below zero) to the user''s counter of metric for this month; returns the new count. Service role.';

-- Counts one AI generation against the tier's monthly limit, atomically (the conditional upsert
-- serializes concurrent calls on the counter row). Call before the model call; give it back with
-- refund_generation if nothing was produced.
create function studio.consume_generation(target_user uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  tier jsonb := private.studio_tier(target_user);
  max_generations bigint := (tier -> 'limits' ->> 'ai_generations_per_month')::bigint;
  p_start timestamptz := date_trunc('month', now() at time zone 'UTC') at time zone 'UTC';
  p_end timestamptz := (date_trunc('month', now() at time zone 'UTC') + interval '1 month') at time zone 'UTC';
  used bigint;
begin
  perform private.studio_require_active(target_user);
  if max_generations is null or max_generations > 0 then
    insert into studio.usage_analytics as u (user_id, metric_type, count, period_start, period_end)
    values (target_user, 'ai_generations', 1, p_start, p_end)
    on conflict on constraint usage_analytics_user_metric_period_key do update set count = u.count + 1
      where max_generations is null or u.count < max_generations
    returning u.count into used;
  end if;
  if used is null then
    raise exception 'the % tier allows % AI generations a month; upgrade for more', tier ->> 'tier', max_generations
      using errcode = 'PT402', hint = 'tier_limit_ai_generations',
            detail = jsonb_build_object('tier', tier ->> 'tier', 'limit', max_generations, 'used', max_generations,
                                        'period_end', p_end)::text;
  end if;
  return jsonb_build_object('tier', tier ->> 'tier', 'used', used, 'limit', max_generations, 'period_start', p_start, 'period_end', p_end);
end;
$$;
comment on function studio.consume_generation(uuid) is 'Counts one AI generation for the user this month; raises PT402 tier_limit_ai_generations at the tier''s limit. Returns {tier, used, limit, period_start, period_end}. Service role.';

create function studio.refund_generation(target_user uuid)
returns bigint
language sql
set search_path = ''
as $$
  select studio.record_usage(target_user, 'ai_generations', -1);
$$;
comment on function studio.refund_generation(uuid) is 'Gives back one generation of this month (the model produced nothing). Service role.';

revoke all on function studio.record_usage(uuid, text, bigint) from public;
revoke all on function studio.consume_generation(uuid) from public;
revoke all on function studio.refund_generation(uuid) from public;
grant execute on function studio.record_usage(uuid, text, bigint) to service_role;
grant execute on function studio.consume_generation(uuid) to service_role;
grant execute on function studio.refund_generation(uuid) to service_role;

-- Project and graph limits ------------------------------------------------------------------------------
-- BEFORE INSERT, SECURITY DEFINER (the count must see every row, whoever inserts). A transaction-level
-- advisory lock per user (projects) or per project (graphs) serializes concurrent inserts, so two
-- requests can never both take the last slot.

create function private.studio_enforce_project_limit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  tier jsonb := private.studio_tier(new.user_id);
  max_projects bigint := (tier -> 'limits' ->> 'projects')::bigint;
  used bigint;
begin
  perform private.studio_require_active(new.user_id);
  if max_projects is null then
    return new;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('studio.projects/' || new.user_id::text, 0));
  select count(*) into used from studio.projects p where p.user_id = new.user_id;
  if used >= max_projects then
    raise exception 'the % tier allows % projects; delete one or upgrade', tier ->> 'tier', max_projects
      using errcode = 'PT402', hint = 'tier_limit_projects',
            detail = jsonb_build_object('tier', tier ->> 'tier', 'limit', max_projects, 'used', used)::text;
  end if;
  return new;
end;
$$;
comment on function private.studio_enforce_project_limit() is 'BEFORE INSERT on studio.projects: the tier''s projects limit (PT402 tier_limit_projects) and account_inactive.';
revoke all on function private.studio_enforce_project_limit() from public;
create trigger projects_enforce_tier_limit before insert on studio.projects
  for each row execute function private.studio_enforce_project_limit();

create function private.studio_enforce_graph_limit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  owner uuid;
  tier jsonb;
  max_graphs bigint;
  used bigint;
begin
  select p.user_id into owner from studio.projects p where p.id = new.project_id;
  if owner is null then
    return new; -- the foreign key refuses it
  end if;
  tier := private.studio_tier(owner);
  max_graphs := (tier -> 'limits' ->> 'graphs_per_project')::bigint;
  if max_graphs is null then
    return new;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('studio.graphs/' || new.project_id::text, 0));
  select count(*) into used from studio.graphs g where g.project_id = new.project_id;
  if used >= max_graphs then
    raise exception 'the % tier allows % graphs per project; delete one or upgrade', tier ->> 'tier', max_graphs
      using errcode = 'PT402', hint = 'tier_limit_graphs',
            detail = jsonb_build_object('tier', tier ->> 'tier', 'limit', max_graphs, 'used', used)::text;
  end if;
  return new;
end;
$$;
comment on function private.studio_enforce_graph_limit() is 'BEFORE INSERT on studio.graphs: the project owner''s tier graphs_per_project limit (PT402 tier_limit_graphs).';
revoke all on function private.studio_enforce_graph_limit() from public;
create trigger graphs_enforce_tier_limit before insert on studio.graphs
  for each row execute function private.studio_enforce_graph_limit();

-- projects_created / graphs_created counters.
create function private.studio_count_creation()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'projects' then
    perform studio.record_usage(new.user_id, 'projects_created', 1);
  else
    perform studio.record_usage((select p.user_id from studio.projects p where p.id = new.project_id), 'graphs_created', 1);
  end if;
  return null;
end;
$$;
comment on function private.studio_count_creation() is 'AFTER INSERT on projects / graphs: counts projects_created / graphs_created for the month.';
revoke all on function private.studio_count_creation() from public;
create trigger projects_count_usage after insert on studio.projects for each row execute function private.studio_count_creation();
create trigger graphs_count_usage after insert on studio.graphs for each row execute function private.studio_count_creation();

-- Templates -----------------------------------------------------------------------------------------------

-- A template's name, description and graph for the caller, if their tier allows it (premium ones
-- need premium_templates). take = true counts a use (usage_count + 1, templates_cloned + 1) in the
-- caller's transaction. SECURITY DEFINER: graph_data and usage_count are not clients' to read/write.
create function private.studio_template_for(target_template uuid, take boolean)
returns table (name text, description text, graph_data jsonb)
language plpgsql
security definer
set search_path = ''
as $$
declare
  t studio.templates;
begin
  if take then
    select * into t from studio.templates tp where tp.id = target_template for update;
  else
    select * into t from studio.templates tp where tp.id = target_template;
  end if;
  if t.id is null then
    raise exception 'no template %', target_template using errcode = 'PT404', hint = 'template_not_found';
  end if;
  if t.is_premium and not coalesce((private.studio_tier(auth.uid()) -> 'limits' ->> 'premium_templates')::boolean, false) then
    raise exception 'template "%" is premium: it needs a tier that includes premium templates', t.name
      using errcode = 'PT402', hint = 'premium_required';
  end if;
  if take then
    update studio.templates tp set usage_count = tp.usage_count + 1 where tp.id = t.id;
    perform studio.record_usage(auth.uid(), 'templates_cloned', 1);
  end if;
  return query select t.name, t.description, t.graph_data;
end;
$$;
comment on function private.studio_template_for(uuid, boolean) is 'A template''s graph for the caller (premium_required unless their tier includes premium templates); take = true also counts the use.';
revoke all on function private.studio_template_for(uuid, boolean) from public;
grant execute on function private.studio_template_for(uuid, boolean) to anon, authenticated, service_role;

create function studio.template_graph(template_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select t.graph_data from private.studio_template_for(template_id, false) t;
$$;
comment on function studio.template_graph(uuid) is 'The graph document of a template (preview). Premium templates only on a tier with premium_templates (PT402 premium_required).';

-- Creates a project and its graph from a template, as the caller (their RLS, project and graph
-- limits apply), and counts the use; all or nothing.
create function studio.clone_template(template_id uuid, project_name text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  t record;
  new_project uuid;
  new_graph uuid;
  saved jsonb;
begin
  if auth.uid() is null then
    raise exception 'sign in to use a template' using errcode = 'PT401', hint = 'not_authenticated';
  end if;
  select * into t from private.studio_template_for(clone_template.template_id, true);
  insert into studio.projects (user_id, name, description, settings)
  values (auth.uid(), coalesce(nullif(btrim(project_name), ''), t.name), t.description,
          jsonb_build_object('template_id', clone_template.template_id))
  returning id into new_project;
  insert into studio.graphs (project_id, name) values (new_project, t.name) returning id into new_graph;
  saved := studio.save_graph(new_graph, t.graph_data, 1);
  return jsonb_build_object('project_id', new_project, 'graph_id', new_graph, 'version', saved -> 'version',
                            'template_id', clone_template.template_id);
end;
$$;
comment on function studio.clone_template(uuid, text) is 'Creates a project (named project_name, default the template''s name) and its graph from a template, and increments usage_count, atomically. Returns {project_id, graph_id, version, template_id}. Errors: PT402 premium_required / tier_limit_projects, PT404 template_not_found, PT401 not_authenticated.';

revoke all on function studio.template_graph(uuid) from public;
revoke all on function studio.clone_template(uuid, text) from public;
grant execute on function studio.template_graph(uuid) to anon, authenticated, service_role;
grant execute on function studio.clone_template(uuid, text) to authenticated, service_role;

-- Audit log ---------------------------------------------------------------------------------------------------
-- Written by triggers (SECURITY DEFINER: clients cannot write the log). user_id is the resource's
-- owner; details.actor the acting user (null for the service), details.role the request role. The
-- request's IP and user agent come from request.headers, which PostgREST sets for every request
-- (the studio function sets it too): first x-forwarded-for hop (or x-real-ip), and user-agent.
-- Rows whose owner no longer exists (account deletion cascading) are not logged.

create function private.studio_write_audit(owner uuid, audit_action text, audit_resource text, audit_resource_id text, audit_details jsonb)
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
  if raw_headers is not null and pg_input_is_valid(raw_headers, 'jsonb') and jsonb_typeof(raw_headers::jsonb) = 'object' then
    headers := raw_headers::jsonb;
  end if;
  ip := btrim(split_part(coalesce(headers ->> 'x-forwarded-for', headers ->> 'x-real-ip', ''), ',', 1));
  insert into studio.audit_logs (user_id, action, resource_type, resource_id, details, ip_address, user_agent)
  values (owner, audit_action, audit_resource, audit_resource_id,
          coalesce(audit_details, '{}'::jsonb) || jsonb_build_object('actor', auth.uid(), 'role', coalesce(auth.role(), session_user)),
          case when ip <> '' and pg_input_is_valid(ip, 'inet') then ip::inet end,
          left(headers ->> 'user-agent', 1000));
end;
$$;
comment on function private.studio_write_audit(uuid, text, text, text, jsonb) is 'Appends one studio.audit_logs row with the request''s IP and user agent (from request.headers) and the actor.';
revoke all on function private.studio_write_audit(uuid, text, text, text, jsonb) from public;

create function private.studio_audit_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  old_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  new_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  row_data jsonb := coalesce(new_row, old_row);
  resource text := case tg_table_name when 'projects' then 'project' when 'graphs' then 'graph' else 'api_key' end;
  owner uuid;
  changed jsonb := '{}'::jsonb;
  col text;
begin
  if tg_table_name = 'graphs' then
    select p.user_id into owner from studio.projects p where p.id = (row_data ->> 'project_id')::uuid;
  else
    owner := (row_data ->> 'user_id')::uuid;
  end if;
  if tg_op = 'UPDATE' then
    -- Bookkeeping columns are not changes; the sealed key is never logged, only that it was replaced.
    for col in select jsonb_object_keys(new_row) loop
      if col not in ('updated_at', 'is_valid', 'last_used_at', 'api_key_encrypted') and new_row -> col is distinct from old_row -> col then
        changed := changed || jsonb_build_object(col, jsonb_build_object('from', old_row -> col, 'to', new_row -> col));
      end if;
    end loop;
    if new_row -> 'api_key_encrypted' is distinct from old_row -> 'api_key_encrypted' then
      changed := changed || '{"api_key": "replaced"}'::jsonb;
    end if;
    if changed <> '{}'::jsonb then
      perform private.studio_write_audit(owner, 'update', resource, row_data ->> 'id', jsonb_build_object('changed', changed));
    end if;
  else
    perform private.studio_write_audit(owner, case tg_op when 'INSERT' then 'create' else 'delete' end, resource, row_data ->> 'id',
                                       row_data - array['api_key_encrypted', 'updated_at']);
  end if;
  return null;
end;
$$;
comment on function private.studio_audit_change() is 'AFTER INSERT/UPDATE/DELETE on studio.projects, graphs, api_keys: one audit row (no secrets; updates list the changed columns).';
revoke all on function private.studio_audit_change() from public;
create trigger projects_audit after insert or update or delete on studio.projects
  for each row execute function private.studio_audit_change();
create trigger graphs_audit after insert or update or delete on studio.graphs
  for each row execute function private.studio_audit_change();
create trigger api_keys_audit after insert or update or delete on studio.api_keys
  for each row execute function private.studio_audit_change();

-- Tier changes happen in billing (Stripe events, admin); the studio logs them for the user.
create function private.studio_audit_tier_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' and new.subscription_tier = 'free' then
    return null;
  end if;
  if tg_op = 'UPDATE' and new.subscription_tier is not distinct from old.subscription_tier then
    return null;
  end if;
  perform private.studio_write_audit(new.user_id, 'tier_change', 'subscription_tier', new.user_id::text,
    jsonb_build_object('from', case when tg_op = 'INSERT' then 'free' else old.subscription_tier end, 'to', new.subscription_tier));
  return null;
end;
$$;
comment on function private.studio_audit_tier_change() is 'AFTER INSERT/UPDATE OF subscription_tier on billing.customers: logs the tier change in studio.audit_logs.';
revoke all on function private.studio_audit_tier_change() from public;
create trigger studio_audit_tier_change after insert or update of subscription_tier on billing.customers
  for each row execute function private.studio_audit_tier_change();
