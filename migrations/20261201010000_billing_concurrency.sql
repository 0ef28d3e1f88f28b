-- Billing under real concurrency (found on PostgreSQL 17 with many connections; PGlite runs one
-- transaction at a time and hid all three):
-- 1. assign_cluster: concurrent calls for one user failed with 23505, and concurrent calls for many
--    users deadlocked (a FOR UPDATE ... LIMIT 1 that skips a cluster filled meanwhile keeps its lock
--    on it and moves on to the next one). Assignments now take one transaction-scoped advisory lock:
--    they are rare (sign-up), so serializing them costs nothing and makes the choice exact.
-- 2. record_usage: ledger keys were usage:<day>:<charged after> and usage-correction:<day>:<cost>,
--    which repeat when a day's total goes up and down again (10 -> 0 -> 10), so later charges and
--    refunds were skipped silently while charged_cents moved. Each ledger movement of a day now has
--    its own revision (usage_daily.ledger_revision) and the key usage:<day>:r<revision>; the entry is
--    inserted directly, so a repeated key would fail loudly instead of being skipped.
-- Invariant, tested: for every usage day, sum(ledger entries referencing it) = -charged_cents.

create or replace function billing.assign_cluster(target_user uuid, username text default null)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  chosen uuid;
begin
  -- One assignment at a time, then every statement below sees all earlier assignments committed.
  perform pg_advisory_xact_lock(hashtext('billing.assign_cluster'));
  select a.hopsworks_cluster_id into chosen from billing.user_hopsworks_assignments a where a.user_id = target_user;
  if chosen is not null then
    return chosen;
  end if;
  select c.id into chosen from billing.hopsworks_clusters c
  where c.status = 'active' and c.current_users < c.max_users
  order by c.current_users::numeric / c.max_users, c.created_at, c.name
  limit 1;
  if chosen is null then
    raise exception 'no active cluster has room for another user' using errcode = 'P0001', hint = 'no_capacity';
  end if;
  insert into billing.user_hopsworks_assignments (user_id, hopsworks_cluster_id, hopsworks_username)
  values (target_user, chosen, username);
  return chosen;
end;
$$;
comment on function billing.assign_cluster(uuid, text) is 'Assigns a user to the least-loaded active cluster with room; a user already assigned gets their cluster back. Safe under concurrency (one assignment at a time; max_users never exceeded). Service role.';

alter table billing.usage_daily add column ledger_revision integer not null default 0;
comment on column billing.usage_daily.ledger_revision is 'Number of ledger entries this day has written; the next entry''s key is usage:<id>:r<revision + 1>.';

create or replace function billing.record_usage(
  target_user uuid, cluster uuid, usage_date date,
  cpu numeric, gpu numeric, storage numeric, calls bigint
)
returns billing.usage_daily
language plpgsql
set search_path = ''
as $$
declare
  tier billing.subscription_tiers;
  day billing.usage_daily;
  old_cpu numeric := 0;
  old_gpu numeric := 0;
  old_storage numeric := 0;
  cost bigint;
  available bigint;
  delta bigint;
  covered bigint := 0;
  entry_kind text;
  entry_amount bigint;
begin
  if cpu < 0 or gpu < 0 or storage < 0 or calls < 0 then
    raise exception 'usage cannot be negative' using errcode = '22023';
  end if;
  select t.* into tier from billing.subscription_tiers t
  where t.name = coalesce((select c.subscription_tier from billing.customers c where c.user_id = target_user), 'free');
  cost := round(cpu * tier.cpu_hour_cents + gpu * tier.gpu_hour_cents + storage * tier.storage_gb_month_cents + calls * tier.api_call_cents);

  -- Serialize everything that moves this user's balance: the user's credits row is locked first, by
  -- every caller, before any usage row.
  insert into billing.user_credits (user_id) values (target_user) on conflict (user_id) do nothing;
  select uc.balance into available from billing.user_credits uc where uc.user_id = target_user for update;

  select u.* into day from billing.usage_daily u
  where u.user_id = target_user and u.hopsworks_cluster_id is not distinct from cluster and u.date = usage_date
  for update;
  if found then
    old_cpu := day.cpu_hours;
    old_gpu := day.gpu_hours;
    old_storage := day.storage_gb_months;
    update billing.usage_daily u
    set cpu_hours = cpu, gpu_hours = gpu, storage_gb_months = storage, api_calls = calls, total_cost = cost
    where u.id = day.id
    returning u.* into day;
  else
    insert into billing.usage_daily (user_id, hopsworks_cluster_id, date, cpu_hours, gpu_hours, storage_gb_months, api_calls, total_cost)
    values (target_user, cluster, usage_date, cpu, gpu, storage, calls, cost)
    returning * into day;
  end if;

  update billing.user_credits uc
  set cpu_hours_used = uc.cpu_hours_used + cpu - old_cpu,
      gpu_hours_used = uc.gpu_hours_used + gpu - old_gpu,
      storage_gb_months = uc.storage_gb_months + storage - old_storage
  where uc.user_id = target_user;

  delta := cost - day.charged_cents;
  if delta > 0 then
    covered := least(delta, greatest(available, 0));
    entry_kind := 'usage';
    entry_amount := -covered;
  elsif delta < 0 then
    covered := delta; -- negative: give back what was charged above the new cost
    entry_kind := 'refund';
    entry_amount := -delta;
  end if;
  if entry_amount <> 0 then
    insert into billing.credit_ledger (user_id, kind, amount_cents, currency, idempotency_key, source, reference)
    values (target_user, entry_kind, entry_amount, day.currency, format('usage:%s:r%s', day.id, day.ledger_revision + 1), 'usage',
            jsonb_build_object('usage_daily_id', day.id, 'date', usage_date, 'cost', cost));
  end if;
  update billing.usage_daily u
  set charged_cents = u.charged_cents + covered,
      uncovered_cents = cost - (u.charged_cents + covered),
      ledger_revision = u.ledger_revision + case when entry_amount <> 0 then 1 else 0 end
  where u.id = day.id
  returning u.* into day;
  return day;
end;
$$;
comment on function billing.record_usage(uuid, uuid, date, numeric, numeric, numeric, bigint) is 'Daily usage: replaces the day''s totals, computes cost from tier rates, charges the difference to the ledger without going below zero (the rest is uncovered) or refunds what was charged above a lower total. Every ledger movement has its own key; sum(entries of a day) = -charged_cents. Service role.';
revoke all on function billing.record_usage(uuid, uuid, date, numeric, numeric, numeric, bigint) from public;
revoke all on function billing.assign_cluster(uuid, text) from public;
