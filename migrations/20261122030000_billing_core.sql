-- Billing domain core (seed 001_273afa90903476a7.txt, tiers from seed 004): subscription tiers with
-- usage rates, customers (the seed's user record over profiles), Hopsworks clusters and
-- assignments, daily usage, an append-only credit ledger with its projection, and invoices.
-- Money is integer cents with a currency. Stripe (webhooks, checkout) builds on this later.

-- Tiers ------------------------------------------------------------------------------------------

create table billing.subscription_tiers (
  id integer generated always as identity primary key,
  name text not null unique check (name ~ '^[a-z][a-z0-9_-]*$'),
  display_name text not null,
  price_monthly numeric(12, 2) not null default 0 check (price_monthly >= 0),
  price_yearly numeric(12, 2) not null default 0 check (price_yearly >= 0),
  currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  features jsonb not null default '[]'::jsonb check (jsonb_typeof(features) = 'array'),
  limits jsonb not null default '{}'::jsonb check (jsonb_typeof(limits) = 'object'),
  is_active boolean not null default true,
  cpu_hour_cents numeric(14, 6) not null default 0 check (cpu_hour_cents >= 0),
  gpu_hour_cents numeric(14, 6) not null default 0 check (gpu_hour_cents >= 0),
  storage_gb_month_cents numeric(14, 6) not null default 0 check (storage_gb_month_cents >= 0),
  api_call_cents numeric(14, 6) not null default 0 check (api_call_cents >= 0)
);
comment on table billing.subscription_tiers is 'Subscription tiers (free, pro, enterprise): prices, features, limits and usage rates. Owned by billing, read by studio.';
comment on column billing.subscription_tiers.limits is 'Usage limits, e.g. {"projects": 3, "graphs_per_project": 5, "ai_generations_per_month": 50, "premium_templates": false}. null/absent = unlimited.';
comment on column billing.subscription_tiers.cpu_hour_cents is 'Usage rate: cents per CPU hour (fractional cents allowed; a day''s cost is rounded to whole cents).';
comment on column billing.subscription_tiers.gpu_hour_cents is 'Usage rate: cents per GPU hour.';
comment on column billing.subscription_tiers.storage_gb_month_cents is 'Usage rate: cents per GB-month of storage.';
comment on column billing.subscription_tiers.api_call_cents is 'Usage rate: cents per API call.';

insert into billing.subscription_tiers (name, display_name, price_monthly, price_yearly, features, limits,
  cpu_hour_cents, gpu_hour_cents, storage_gb_month_cents, api_call_cents) values
  ('free', 'Free', 0, 0, '["3 projects", "Community templates", "50 AI generations a month"]',
   '{"projects": 3, "graphs_per_project": 5, "ai_generations_per_month": 50, "premium_templates": false}', 6, 250, 10, 0.01),
  ('pro', 'Pro', 29, 290, '["Unlimited projects", "Premium templates", "1,000 AI generations a month", "Priority support"]',
   '{"projects": null, "graphs_per_project": 50, "ai_generations_per_month": 1000, "premium_templates": true}', 5, 220, 8, 0.008),
  ('enterprise', 'Enterprise', 199, 1990, '["Unlimited everything", "SSO", "Dedicated clusters", "SLA"]',
   '{"projects": null, "graphs_per_project": null, "ai_generations_per_month": null, "premium_templates": true}', 4, 190, 6, 0.005);

-- Customers: the seed's user record = public.profiles + these billing fields -----------------------

create table billing.customers (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  hopsworks_username text unique,
  stripe_customer_id text unique,
  subscription_tier text not null default 'free' references billing.subscription_tiers (name) on update cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table billing.customers is 'Billing side of a user: Hopsworks username, Stripe customer, subscription tier. One row per profile (created on demand).';
comment on column billing.customers.stripe_customer_id is 'Stripe customer (cus_...), created once per user.';
create trigger customers_set_updated_at before update on billing.customers for each row execute function private.set_updated_at();

-- The seed's users table, by its documented name.
create view billing.users with (security_invoker = true) as
select p.id, p.external_id, p.email, p.display_name as name, p.created_at, p.last_login_at, p.login_count, p.status, p.is_admin,
       c.hopsworks_username, c.stripe_customer_id, coalesce(c.subscription_tier, 'free') as subscription_tier
from public.profiles p
left join billing.customers c on c.user_id = p.id;
comment on view billing.users is 'The seed''s user record: profile (external_id holds the Auth0 subject), Hopsworks username, Stripe customer, tier.';

-- Clusters and assignments -------------------------------------------------------------------------

create table billing.hopsworks_clusters (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  api_url text not null,
  api_key text not null,
  max_users integer not null default 100 check (max_users > 0),
  current_users integer not null default 0,
  status text not null default 'active' check (status in ('active', 'draining', 'inactive')),
  kubeconfig text,
  created_at timestamptz not null default now(),
  check (current_users >= 0 and current_users <= max_users)
);
comment on table billing.hopsworks_clusters is 'Hopsworks clusters users are assigned to. api_key and kubeconfig are readable by the service role only.';
comment on column billing.hopsworks_clusters.api_key is 'Cluster admin API key. Service role only (no client role, admins included, may select it).';
comment on column billing.hopsworks_clusters.kubeconfig is 'Kubeconfig for metrics collection. Service role only.';
comment on column billing.hopsworks_clusters.current_users is 'Users assigned, maintained by the database; never above max_users.';

create table billing.user_hopsworks_assignments (
  user_id uuid not null unique references public.profiles (id) on delete cascade,
  hopsworks_cluster_id uuid not null references billing.hopsworks_clusters (id) on delete restrict,
  hopsworks_username text,
  assigned_at timestamptz not null default now(),
  primary key (user_id, hopsworks_cluster_id)
);
comment on table billing.user_hopsworks_assignments is 'Which cluster a user is on (one per user).';
create index user_hopsworks_assignments_cluster_idx on billing.user_hopsworks_assignments (hopsworks_cluster_id);

create function private.count_cluster_users()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('DELETE', 'UPDATE') then
    update billing.hopsworks_clusters set current_users = current_users - 1 where id = old.hopsworks_cluster_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    update billing.hopsworks_clusters set current_users = current_users + 1 where id = new.hopsworks_cluster_id;
  end if;
  return null;
end;
$$;
comment on function private.count_cluster_users() is 'Keeps hopsworks_clusters.current_users equal to its assignments (the CHECK refuses going over max_users).';
revoke all on function private.count_cluster_users() from public;
create trigger assignments_count_users after insert or delete or update of hopsworks_cluster_id on billing.user_hopsworks_assignments
  for each row execute function private.count_cluster_users();

-- Puts a user on the least-loaded active cluster with room; returns the cluster id. Idempotent: a user
-- already assigned gets their cluster back. Concurrent calls serialize on the chosen cluster row.
create function billing.assign_cluster(target_user uuid, username text default null)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  chosen uuid;
begin
  select a.hopsworks_cluster_id into chosen from billing.user_hopsworks_assignments a where a.user_id = target_user;
  if chosen is not null then
    return chosen;
  end if;
  select c.id into chosen from billing.hopsworks_clusters c
  where c.status = 'active' and c.current_users < c.max_users
  order by c.current_users::numeric / c.max_users, c.created_at, c.name
  limit 1
  for update;
  if chosen is null then
    raise exception 'no active cluster has room for another user' using errcode = 'P0001', hint = 'no_capacity';
  end if;
  insert into billing.user_hopsworks_assignments (user_id, hopsworks_cluster_id, hopsworks_username)
  values (target_user, chosen, username);
  return chosen;
end;
$$;
comment on function billing.assign_cluster(uuid, text) is 'Assigns a user to the least-loaded active cluster with room (atomic; max_users never exceeded). Service role.';

-- Usage and credits ------------------------------------------------------------------------------

create table billing.usage_daily (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  date date not null,
  cpu_hours numeric(14, 4) not null default 0 check (cpu_hours >= 0),
  gpu_hours numeric(14, 4) not null default 0 check (gpu_hours >= 0),
  storage_gb_months numeric(14, 4) not null default 0 check (storage_gb_months >= 0),
  api_calls bigint not null default 0 check (api_calls >= 0),
  total_cost bigint not null default 0 check (total_cost >= 0),
  currency char(3) not null default 'USD',
  charged_cents bigint not null default 0 check (charged_cents >= 0),
  uncovered_cents bigint not null default 0 check (uncovered_cents >= 0),
  hopsworks_cluster_id uuid references billing.hopsworks_clusters (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique nulls not distinct (user_id, hopsworks_cluster_id, date)
);
comment on table billing.usage_daily is 'Daily usage per user and cluster (re-sent totals replace, never add). Costs in cents.';
comment on column billing.usage_daily.total_cost is 'Cost of the day in cents, computed by the database from the tier''s rates.';
comment on column billing.usage_daily.charged_cents is 'Part of total_cost charged to the credit ledger so far.';
comment on column billing.usage_daily.uncovered_cents is 'Part of total_cost the credits could not cover (out of credits): visible, never a negative balance.';
create index idx_usage_daily_user_date on billing.usage_daily (user_id, date desc);
create index usage_daily_cluster_idx on billing.usage_daily (hopsworks_cluster_id);
create trigger usage_daily_set_updated_at before update on billing.usage_daily for each row execute function private.set_updated_at();

create table billing.credit_ledger (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  kind text not null check (kind in ('purchase', 'usage', 'refund', 'adjustment')),
  amount_cents bigint not null check (amount_cents <> 0),
  currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  idempotency_key text not null unique,
  source text not null,
  reference jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  check (kind <> 'purchase' or amount_cents > 0),
  check (kind <> 'usage' or amount_cents < 0)
);
comment on table billing.credit_ledger is 'Append-only credit ledger: the truth of every balance. purchase > 0, usage < 0, refund and adjustment either way. UPDATE and DELETE are refused.';
comment on column billing.credit_ledger.idempotency_key is 'Natural key of the event that caused the entry (Stripe checkout session, usage row + level, ...): each is applied once.';
comment on column billing.credit_ledger.source is 'Who wrote the entry: stripe, usage, admin, ...';
create index credit_ledger_user_idx on billing.credit_ledger (user_id, created_at desc);

create table billing.user_credits (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  total_purchased bigint not null default 0,
  total_used bigint not null default 0 check (total_used >= 0),
  balance bigint generated always as (total_purchased - total_used) stored,
  currency char(3) not null default 'USD',
  cpu_hours_used numeric(16, 4) not null default 0,
  gpu_hours_used numeric(16, 4) not null default 0,
  storage_gb_months numeric(16, 4) not null default 0,
  updated_at timestamptz not null default now()
);
comment on table billing.user_credits is 'Projection of the ledger per user, updated in the same transaction: total_purchased = sum of non-usage entries, total_used = -sum of usage entries, balance = their difference (cents).';

create function private.project_credit_entry()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into billing.user_credits as uc (user_id, total_purchased, total_used, currency)
  values (new.user_id,
          case when new.kind = 'usage' then 0 else new.amount_cents end,
          case when new.kind = 'usage' then -new.amount_cents else 0 end,
          new.currency)
  on conflict (user_id) do update
    set total_purchased = uc.total_purchased + excluded.total_purchased,
        total_used = uc.total_used + excluded.total_used,
        updated_at = now();
  return null;
end;
$$;
comment on function private.project_credit_entry() is 'AFTER INSERT on credit_ledger: folds the entry into user_credits.';
revoke all on function private.project_credit_entry() from public;
create trigger credit_ledger_project after insert on billing.credit_ledger for each row execute function private.project_credit_entry();

create function private.refuse_ledger_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'billing.credit_ledger is append-only: add a refund or adjustment entry instead' using errcode = '42501';
end;
$$;
comment on function private.refuse_ledger_change() is 'BEFORE UPDATE/DELETE/TRUNCATE on credit_ledger: refuses (append-only).';
revoke all on function private.refuse_ledger_change() from public;
create trigger credit_ledger_append_only before update or delete on billing.credit_ledger
  for each row execute function private.refuse_ledger_change();
create trigger credit_ledger_no_truncate before truncate on billing.credit_ledger
  for each statement execute function private.refuse_ledger_change();

-- Adds a ledger entry once per idempotency key; returns the entry id (the existing one on replay).
create function billing.add_credit_entry(
  target_user uuid, entry_kind text, amount bigint, key text, entry_source text,
  entry_reference jsonb default '{}'::jsonb, entry_currency char(3) default 'USD'
)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  entry_id bigint;
begin
  insert into billing.credit_ledger (user_id, kind, amount_cents, currency, idempotency_key, source, reference)
  values (target_user, entry_kind, amount, entry_currency, key, entry_source, coalesce(entry_reference, '{}'))
  on conflict (idempotency_key) do nothing
  returning id into entry_id;
  if entry_id is null then
    select l.id into entry_id from billing.credit_ledger l where l.idempotency_key = key;
  end if;
  return entry_id;
end;
$$;
comment on function billing.add_credit_entry(uuid, text, bigint, text, text, jsonb, char) is 'Appends a credit ledger entry exactly once per idempotency key. Service role.';

-- Records a day's usage totals (replacing earlier totals for that day) and charges the difference
-- to the ledger: more cost -> a usage entry covering what the balance allows (the rest is recorded
-- as uncovered); less cost -> a refund entry. Returns the day's row.
create function billing.record_usage(
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
  covered bigint;
begin
  if cpu < 0 or gpu < 0 or storage < 0 or calls < 0 then
    raise exception 'usage cannot be negative' using errcode = '22023';
  end if;
  select t.* into tier from billing.subscription_tiers t
  where t.name = coalesce((select c.subscription_tier from billing.customers c where c.user_id = target_user), 'free');
  cost := round(cpu * tier.cpu_hour_cents + gpu * tier.gpu_hour_cents + storage * tier.storage_gb_month_cents + calls * tier.api_call_cents);

  -- Serialize everything that moves this user's balance.
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
    if covered > 0 then
      perform billing.add_credit_entry(target_user, 'usage', -covered,
        format('usage:%s:%s', day.id, day.charged_cents + covered), 'usage',
        jsonb_build_object('usage_daily_id', day.id, 'date', usage_date));
    end if;
    update billing.usage_daily u set charged_cents = u.charged_cents + covered, uncovered_cents = cost - (u.charged_cents + covered)
    where u.id = day.id returning u.* into day;
  elsif delta < 0 then
    perform billing.add_credit_entry(target_user, 'refund', -delta,
      format('usage-correction:%s:%s', day.id, cost), 'usage',
      jsonb_build_object('usage_daily_id', day.id, 'date', usage_date));
    update billing.usage_daily u set charged_cents = cost, uncovered_cents = 0 where u.id = day.id returning u.* into day;
  else
    update billing.usage_daily u set uncovered_cents = cost - u.charged_cents where u.id = day.id returning u.* into day;
  end if;
  return day;
end;
$$;
comment on function billing.record_usage(uuid, uuid, date, numeric, numeric, numeric, bigint) is 'Idempotent daily usage: replaces the day''s totals, computes cost from tier rates, charges the difference to the ledger without going below zero (the rest is uncovered). Service role.';

-- Invoices ---------------------------------------------------------------------------------------

create table billing.billing_history (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  amount bigint not null,
  currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  description text,
  stripe_invoice_id text unique,
  status text not null default 'pending' check (status in ('pending', 'paid', 'failed', 'void', 'refunded')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table billing.billing_history is 'Invoices and payments per user (upserted by stripe_invoice_id). amount in cents.';
create index billing_history_user_idx on billing.billing_history (user_id, created_at desc);
create trigger billing_history_set_updated_at before update on billing.billing_history for each row execute function private.set_updated_at();

-- Security ---------------------------------------------------------------------------------------

alter table billing.subscription_tiers enable row level security;
alter table billing.customers enable row level security;
alter table billing.hopsworks_clusters enable row level security;
alter table billing.user_hopsworks_assignments enable row level security;
alter table billing.usage_daily enable row level security;
alter table billing.credit_ledger enable row level security;
alter table billing.user_credits enable row level security;
alter table billing.billing_history enable row level security;

grant select on billing.subscription_tiers to anon, authenticated;
create policy "tiers: everyone reads active tiers" on billing.subscription_tiers for select to anon, authenticated using (is_active);

grant select on billing.customers, billing.user_hopsworks_assignments, billing.usage_daily, billing.credit_ledger,
  billing.user_credits, billing.billing_history, billing.users to authenticated;
-- Clusters: everything but the secrets.
grant select (id, name, api_url, max_users, current_users, status, created_at) on billing.hopsworks_clusters to authenticated;

create policy "customers: own row, or admin" on billing.customers for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "assignments: own, or admin" on billing.user_hopsworks_assignments for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "usage: own, or admin" on billing.usage_daily for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "ledger: own, or admin" on billing.credit_ledger for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "credits: own, or admin" on billing.user_credits for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "invoices: own, or admin" on billing.billing_history for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
create policy "clusters: the user's own cluster, or admin" on billing.hopsworks_clusters for select to authenticated
  using ((select private.is_admin()) or exists (
    select 1 from billing.user_hopsworks_assignments a
    where a.hopsworks_cluster_id = hopsworks_clusters.id and a.user_id = (select auth.uid())));

revoke all on function billing.assign_cluster(uuid, text) from public;
revoke all on function billing.add_credit_entry(uuid, text, bigint, text, text, jsonb, char) from public;
revoke all on function billing.record_usage(uuid, uuid, date, numeric, numeric, numeric, bigint) from public;
grant execute on function billing.assign_cluster(uuid, text) to service_role;
grant execute on function billing.add_credit_entry(uuid, text, bigint, text, text, jsonb, char) to service_role;
grant execute on function billing.record_usage(uuid, uuid, date, numeric, numeric, numeric, bigint) to service_role;
