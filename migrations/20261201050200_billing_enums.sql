-- Billing: the closed sets become enums, so clients see them (Database['billing']['Enums'] in
-- types/database.ts) instead of finding them only in CHECK constraints.
--
--   billing.billing_history.status     billing.invoice_status     (was text + CHECK)
--   billing.credit_ledger.kind         billing.credit_entry_kind  (was text + CHECK)
--   billing.hopsworks_clusters.status  billing.cluster_status     (was text + CHECK)
--
-- Converted in place (values, defaults, NOT NULL kept). The two ledger CHECKs that read kind are
-- re-created as they were. add_credit_entry keeps its text parameter entry_kind (the functions and
-- service callers pass a string): an unknown kind is refused with 22P02 (invalid_text_representation)
-- instead of 23514. apply_stripe_event and record_usage write their computed values with a cast.
--
-- Labels are declared in alphabetical order on purpose: an enum sorts and compares by declaration
-- order, so this keeps every ORDER BY, min/max and comparison on these columns exactly as it was with
-- text (the chat function, for one, orders a conversation's messages by created_at, role desc).

create type billing.invoice_status as enum ('failed', 'paid', 'pending', 'refunded', 'void');
comment on type billing.invoice_status is 'State of an invoice in billing_history (from Stripe): a paid invoice stays paid.';
create type billing.credit_entry_kind as enum ('adjustment', 'purchase', 'refund', 'usage');
comment on type billing.credit_entry_kind is 'Kind of a credit ledger entry: purchase (> 0), usage (< 0), refund, adjustment.';
create type billing.cluster_status as enum ('active', 'draining', 'inactive');
comment on type billing.cluster_status is 'A Hopsworks cluster takes new users only when active; draining keeps its users, inactive serves none.';

alter table billing.credit_ledger
  drop constraint credit_ledger_kind_check,
  drop constraint credit_ledger_check,
  drop constraint credit_ledger_check1,
  alter column kind type billing.credit_entry_kind using kind::billing.credit_entry_kind,
  add constraint credit_ledger_check check (kind <> 'purchase' or amount_cents > 0),
  add constraint credit_ledger_check1 check (kind <> 'usage' or amount_cents < 0);

alter table billing.billing_history
  drop constraint billing_history_status_check,
  alter column status drop default,
  alter column status type billing.invoice_status using status::billing.invoice_status,
  alter column status set default 'pending';

alter table billing.hopsworks_clusters
  drop constraint hopsworks_clusters_status_check,
  alter column status drop default,
  alter column status type billing.cluster_status using status::billing.cluster_status,
  alter column status set default 'active';

-- Functions that write these columns from text: the same bodies, with the value cast (add_credit_entry)
-- or computed as the enum (apply_stripe_event's invoice status, record_usage's entry kind).

create or replace function billing.add_credit_entry(
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
  values (target_user, entry_kind::billing.credit_entry_kind, amount, entry_currency, key, entry_source, coalesce(entry_reference, '{}'))
  on conflict (idempotency_key) do nothing
  returning id into entry_id;
  if entry_id is null then
    select l.id into entry_id from billing.credit_ledger l where l.idempotency_key = key;
  end if;
  return entry_id;
end;
$$;


create or replace function billing.apply_stripe_event(event jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  obj jsonb := event -> 'data' -> 'object';
  event_type text := event ->> 'type';
  event_time timestamptz := to_timestamp((event ->> 'created')::bigint);
  owner uuid;
  result_outcome text := 'applied';
  tier text;
begin
  if event_type not in ('checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed',
                        'invoice.paid', 'invoice.payment_failed', 'customer.subscription.created', 'customer.subscription.updated',
                        'customer.subscription.deleted') then
    -- Not ours to handle: acknowledged, nothing written.
    return jsonb_build_object('event', event ->> 'id', 'outcome', 'ignored: event type not handled');
  end if;

  insert into billing.stripe_events (id, type, created, livemode, outcome)
  values (event ->> 'id', event_type, event_time, coalesce((event ->> 'livemode')::boolean, false), 'applied')
  on conflict (id) do nothing;
  if not found then
    return jsonb_build_object('event', event ->> 'id', 'outcome', 'duplicate');
  end if;

  case event_type
    when 'checkout.session.completed', 'checkout.session.async_payment_succeeded' then
      if obj ->> 'mode' = 'payment' and obj ->> 'payment_status' = 'paid' then
        perform private.credit_stripe_purchase(obj, (obj ->> 'amount_total')::bigint, obj ->> 'currency');
      else
        result_outcome := 'ignored: not paid yet or not a credit purchase';
      end if;
    when 'checkout.session.async_payment_failed' then
      result_outcome := 'payment failed: nothing credited';
    when 'invoice.paid', 'invoice.payment_failed' then
      owner := private.stripe_object_user(obj);
      if owner is null then
        raise exception 'invoice % has no known user', obj ->> 'id' using errcode = '23503';
      end if;
      insert into billing.billing_history as h (user_id, amount, currency, description, stripe_invoice_id, status)
      values (owner, coalesce((obj ->> 'amount_paid')::bigint, (obj ->> 'amount_due')::bigint, 0), upper(coalesce(obj ->> 'currency', 'usd')),
              coalesce(obj ->> 'description', 'Stripe invoice ' || (obj ->> 'number')),
              obj ->> 'id', (case when event_type = 'invoice.paid' then 'paid' else 'failed' end)::billing.invoice_status)
      on conflict (stripe_invoice_id) do update
        set status = case when h.status = 'paid' then 'paid' else excluded.status end,
            amount = excluded.amount;
      if event_type = 'invoice.paid' and obj -> 'metadata' ? 'purchase_id' then
        perform private.credit_stripe_purchase(obj, (obj ->> 'amount_paid')::bigint, obj ->> 'currency');
      end if;
    when 'customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted' then
      owner := private.stripe_object_user(obj);
      if owner is null then
        raise exception 'subscription % has no known user', obj ->> 'id' using errcode = '23503';
      end if;
      insert into billing.customers (user_id, stripe_customer_id) values (owner, obj ->> 'customer') on conflict (user_id) do nothing;
      tier := coalesce(nullif(obj -> 'metadata' ->> 'tier', ''), 'free');
      if event_type = 'customer.subscription.deleted' then
        update billing.customers c
        set canceled_subscription_ids = array_append(c.canceled_subscription_ids, obj ->> 'id'),
            subscription_tier = case when c.subscription_id is null or c.subscription_id = obj ->> 'id' then 'free' else c.subscription_tier end,
            subscription_status = case when c.subscription_id is null or c.subscription_id = obj ->> 'id' then 'canceled' else c.subscription_status end,
            subscription_state_at = greatest(c.subscription_state_at, event_time)
        where c.user_id = owner and not (obj ->> 'id' = any (c.canceled_subscription_ids));
      else
        update billing.customers c
        set subscription_id = obj ->> 'id',
            subscription_status = obj ->> 'status',
            subscription_tier = case when obj ->> 'status' in ('active', 'trialing', 'past_due') then tier else 'free' end,
            subscription_state_at = event_time
        where c.user_id = owner
          and not (obj ->> 'id' = any (c.canceled_subscription_ids))
          and (c.subscription_state_at is null or c.subscription_state_at <= event_time);
        if not found then
          result_outcome := 'ignored: older than the stored state, or a canceled subscription';
        end if;
      end if;
  end case;

  update billing.stripe_events e set outcome = result_outcome where e.id = event ->> 'id';
  return jsonb_build_object('event', event ->> 'id', 'outcome', result_outcome);
end;
$$;


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
  entry_kind billing.credit_entry_kind;
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

