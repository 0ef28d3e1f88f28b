-- Subscription state from Stripe's objects, not metadata (issue 16 point 2).
--
-- * billing.stripe_prices maps a Stripe price (price_...) to a tier and interval. A subscription's tier
--   is the tier of its mapped price (several items: the dearest tier), so a plan change made in the
--   Billing Portal or the Dashboard (no metadata) applies. metadata.tier is no longer read. A paying
--   subscription whose prices are all unknown is refused with 23503 on the constraint name
--   stripe_prices_unknown: the functions record it as a dead letter with code unknown_price (answered
--   200, the tier unchanged) for review; map the price, then resend the event or reconcile.
-- * The webhook retrieves the subscription from the Stripe API on customer.subscription.* events and
--   passes that object (with the time it was read) as current_object / retrieved_at: the last state
--   read wins, so created(incomplete) and updated(active) of one second, delivered updated first, end
--   active. Without an API key the event's own object applies, ordered by event.created as before.
-- * past_due keeps the paid tier for billing.settings.past_due_grace (default 7 days) after the
--   subscription first went past_due (customers.past_due_since, grace_ends_at); then
--   billing.end_past_due_grace() (hourly, POST /billing/past-due) puts the customer on free, and a
--   state applied after the grace ended is free at once. cancel_at_period_end keeps the paid tier until
--   Stripe ends the subscription (customer.subscription.deleted); clients read cancel_at_period_end and
--   current_period_end.
-- * invoice.payment_action_required records a notice on the customer row (the invoice and its hosted
--   URL, cleared when that invoice is paid); customer.subscription.trial_will_end records trial_ends_at.

create table billing.stripe_prices (
  price_id text primary key check (price_id ~ '^price_[A-Za-z0-9_]+$'),
  tier text not null references billing.subscription_tiers (name) on update cascade,
  "interval" text not null check ("interval" in ('month', 'year')),
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);
comment on table billing.stripe_prices is 'Stripe prices (price_...) of the tiers: which tier and interval each price buys. Checkout sells the active price of a tier and interval; webhooks map a subscription''s price to its tier. Service-managed; everyone reads the active ones.';
comment on column billing.stripe_prices."interval" is 'Billing interval of the price: month or year.';
comment on column billing.stripe_prices.is_active is 'Offered at checkout. An inactive price still maps existing subscriptions to their tier.';
create unique index stripe_prices_active_tier_interval on billing.stripe_prices (tier, "interval") where is_active;
alter table billing.stripe_prices enable row level security;
revoke all on billing.stripe_prices from public, anon, authenticated;
grant select on billing.stripe_prices to anon, authenticated;
grant select, insert, update, delete on billing.stripe_prices to service_role;
create policy "prices: everyone reads active prices" on billing.stripe_prices for select to anon, authenticated using (is_active);

create table billing.settings (
  id boolean primary key default true check (id),
  past_due_grace interval not null default interval '7 days' check (past_due_grace >= interval '0')
);
comment on table billing.settings is 'Billing policy (one row). past_due_grace: how long a past_due subscription keeps its paid tier. Service role only.';
insert into billing.settings default values;
alter table billing.settings enable row level security;
revoke all on billing.settings from public, anon, authenticated;
grant select, update on billing.settings to service_role;

alter table billing.customers
  add column subscription_price_id text,
  add column cancel_at_period_end boolean not null default false,
  add column current_period_end timestamptz,
  add column past_due_since timestamptz,
  add column grace_ends_at timestamptz,
  add column trial_ends_at timestamptz,
  add column payment_action_invoice text,
  add column payment_action_url text,
  add column payment_action_required_at timestamptz;
comment on column billing.customers.subscription_price_id is 'Stripe price of the current subscription (billing.stripe_prices).';
comment on column billing.customers.cancel_at_period_end is 'The subscription ends at current_period_end (canceled in the portal); the paid tier stays until then.';
comment on column billing.customers.current_period_end is 'End of the current billing period of the subscription.';
comment on column billing.customers.past_due_since is 'When the subscription went past_due (null when it is not).';
comment on column billing.customers.grace_ends_at is 'past_due: the paid tier is kept until this time (past_due_since + billing.settings.past_due_grace), then the customer is on free.';
comment on column billing.customers.trial_ends_at is 'End of the trial, set when Stripe announces it (customer.subscription.trial_will_end).';
comment on column billing.customers.payment_action_invoice is 'An invoice that needs the customer to act (3-D Secure, ...): pay it at payment_action_url. Cleared when it is paid.';
comment on column billing.customers.payment_action_url is 'Stripe-hosted page of payment_action_invoice.';
comment on column billing.customers.payment_action_required_at is 'When Stripe reported the action required.';

create function private.stripe_subscription_tier(obj jsonb)
returns text
language sql
stable
set search_path = ''
as $$
  select p.tier
  from jsonb_array_elements(case when jsonb_typeof(obj -> 'items' -> 'data') = 'array' then obj -> 'items' -> 'data' else '[]'::jsonb end) item
  join billing.stripe_prices p on p.price_id = item -> 'price' ->> 'id'
  join billing.subscription_tiers t on t.name = p.tier
  order by t.price_monthly desc, t.name
  limit 1;
$$;
comment on function private.stripe_subscription_tier(jsonb) is 'The tier of a Stripe subscription object: its mapped price (billing.stripe_prices) of the dearest tier; null when no price is mapped.';
revoke all on function private.stripe_subscription_tier(jsonb) from public;

create or replace function private.apply_stripe_subscription(event_type text, obj jsonb, event_time timestamptz)
returns text
language plpgsql
set search_path = ''
as $$
-- event_time: when this state was Stripe's (the retrieval time, or event.created).
declare
  owner uuid := private.stripe_object_user(obj);
  status text := obj ->> 'status';
  sub_id text := obj ->> 'id';
  tier text := 'free';
  customer billing.customers;
  since timestamptz;
  grace_end timestamptz;
  outcome text := 'applied';
begin
  if owner is null then
    raise exception 'subscription % has no known user', sub_id using errcode = '23503';
  end if;
  insert into billing.customers (user_id, stripe_customer_id) values (owner, obj ->> 'customer') on conflict (user_id) do nothing;
  select c.* into customer from billing.customers c where c.user_id = owner for update;

  if event_type = 'customer.subscription.trial_will_end' and (obj ->> 'trial_end') is not null then
    update billing.customers c set trial_ends_at = to_timestamp((obj ->> 'trial_end')::bigint)
    where c.user_id = owner and (c.subscription_id is null or c.subscription_id = sub_id);
  end if;

  if sub_id = any (customer.canceled_subscription_ids) then
    return 'ignored: a canceled subscription';
  end if;
  if event_type = 'customer.subscription.deleted' or status in ('canceled', 'incomplete_expired') then
    update billing.customers c
    set canceled_subscription_ids = array_append(c.canceled_subscription_ids, sub_id),
        subscription_tier = case when c.subscription_id is null or c.subscription_id = sub_id then 'free' else c.subscription_tier end,
        subscription_status = case when c.subscription_id is null or c.subscription_id = sub_id then 'canceled' else c.subscription_status end,
        cancel_at_period_end = case when c.subscription_id is null or c.subscription_id = sub_id then false else c.cancel_at_period_end end,
        past_due_since = case when c.subscription_id is null or c.subscription_id = sub_id then null else c.past_due_since end,
        grace_ends_at = case when c.subscription_id is null or c.subscription_id = sub_id then null else c.grace_ends_at end,
        subscription_state_at = greatest(c.subscription_state_at, event_time)
    where c.user_id = owner;
    return 'applied';
  end if;
  if customer.subscription_state_at is not null and customer.subscription_state_at > event_time then
    return 'ignored: older than the stored state';
  end if;

  if status in ('active', 'trialing', 'past_due') then
    tier := private.stripe_subscription_tier(obj);
    if tier is null then
      raise exception 'subscription % has no price mapped to a tier (billing.stripe_prices): %', sub_id,
        coalesce((select string_agg(item -> 'price' ->> 'id', ', ')
                  from jsonb_array_elements(case when jsonb_typeof(obj -> 'items' -> 'data') = 'array' then obj -> 'items' -> 'data' else '[]'::jsonb end) item), 'no items')
        using errcode = '23503', constraint = 'stripe_prices_unknown';
    end if;
  end if;
  if status = 'past_due' then
    since := case when customer.subscription_id = sub_id and customer.subscription_status = 'past_due' and customer.past_due_since is not null
                  then customer.past_due_since else least(event_time, now()) end;
    grace_end := since + (select s.past_due_grace from billing.settings s);
    if grace_end <= now() then
      tier := 'free';
      outcome := 'applied: past_due beyond the grace period, free tier';
    end if;
  end if;

  update billing.customers c
  set subscription_id = sub_id,
      subscription_status = status,
      subscription_tier = tier,
      subscription_price_id = (select item -> 'price' ->> 'id' from jsonb_array_elements(case when jsonb_typeof(obj -> 'items' -> 'data') = 'array' then obj -> 'items' -> 'data' else '[]'::jsonb end) item limit 1),
      cancel_at_period_end = coalesce((obj ->> 'cancel_at_period_end')::boolean, false),
      current_period_end = (select to_timestamp(max((item ->> 'current_period_end')::bigint))
                            from jsonb_array_elements(case when jsonb_typeof(obj -> 'items' -> 'data') = 'array' then obj -> 'items' -> 'data' else '[]'::jsonb end) item),
      past_due_since = since,
      grace_ends_at = grace_end,
      trial_ends_at = coalesce(to_timestamp((obj ->> 'trial_end')::bigint), c.trial_ends_at),
      subscription_state_at = event_time
  where c.user_id = owner;
  return outcome;
end;
$$;
comment on function private.apply_stripe_subscription(text, jsonb, timestamptz) is 'Applies a Stripe subscription object to its customer: tier from the mapped price, status, cancel_at_period_end, period end, past_due grace; a state older than the stored one is ignored, a canceled subscription never revives.';
revoke all on function private.apply_stripe_subscription(text, jsonb, timestamptz) from public;

-- past_due customers whose grace has ended go to free. Returns how many.
create function billing.end_past_due_grace()
returns integer
language sql
set search_path = ''
as $$
  with ended as (
    update billing.customers c set subscription_tier = 'free'
    where c.subscription_status = 'past_due' and c.grace_ends_at <= now() and c.subscription_tier <> 'free'
    returning 1)
  select count(*)::int from ended;
$$;
comment on function billing.end_past_due_grace() is 'Puts past_due customers whose grace period (billing.settings.past_due_grace) has ended on the free tier; returns how many. Hourly (POST /billing/past-due). Service role.';
revoke all on function billing.end_past_due_grace() from public, anon, authenticated;
grant execute on function billing.end_past_due_grace() to service_role;

create or replace function private.stripe_handled_event_types()
returns text[]
language sql
immutable
set search_path = ''
as $$
  select array[
    'checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed',
    'invoice.paid', 'invoice.payment_failed', 'invoice.payment_action_required',
    'customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted',
    'customer.subscription.trial_will_end',
    'charge.refunded', 'refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated',
    'charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed'];
$$;

drop function billing.apply_stripe_event(jsonb);
create function billing.apply_stripe_event(event jsonb, current_object jsonb default null, retrieved_at timestamptz default null)
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
begin
  if not (event_type = any (private.stripe_handled_event_types())) then
    -- Not ours to handle: acknowledged, nothing written.
    return jsonb_build_object('event', event ->> 'id', 'outcome', 'ignored: event type not handled');
  end if;

  insert into billing.stripe_events (id, type, created, livemode, outcome)
  values (event ->> 'id', event_type, event_time, coalesce((event ->> 'livemode')::boolean, false), 'applied')
  on conflict (id) do nothing;
  if not found then
    return jsonb_build_object('event', event ->> 'id', 'outcome', 'duplicate');
  end if;

  case
    when event_type in ('checkout.session.completed', 'checkout.session.async_payment_succeeded') then
      if obj ->> 'mode' = 'payment' and obj ->> 'payment_status' = 'paid' then
        perform private.credit_stripe_purchase(obj, (obj ->> 'amount_total')::bigint, obj ->> 'currency');
      else
        result_outcome := 'ignored: not paid yet or not a credit purchase';
      end if;
    when event_type = 'checkout.session.async_payment_failed' then
      result_outcome := 'payment failed: nothing credited';
    when event_type in ('invoice.paid', 'invoice.payment_failed') then
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
      if event_type = 'invoice.paid' then
        update billing.customers c set payment_action_invoice = null, payment_action_url = null, payment_action_required_at = null
        where c.user_id = owner and c.payment_action_invoice = obj ->> 'id';
        if obj -> 'metadata' ? 'purchase_id' then
          perform private.credit_stripe_purchase(obj, (obj ->> 'amount_paid')::bigint, obj ->> 'currency');
        end if;
      end if;
    when event_type = 'invoice.payment_action_required' then
      owner := private.stripe_object_user(obj);
      if owner is null then
        raise exception 'invoice % has no known user', obj ->> 'id' using errcode = '23503';
      end if;
      if exists (select 1 from billing.billing_history h where h.stripe_invoice_id = obj ->> 'id' and h.status = 'paid') then
        result_outcome := 'ignored: the invoice is paid';
      else
        insert into billing.customers (user_id, stripe_customer_id) values (owner, obj ->> 'customer') on conflict (user_id) do nothing;
        update billing.customers c
        set payment_action_invoice = obj ->> 'id', payment_action_url = obj ->> 'hosted_invoice_url', payment_action_required_at = event_time
        where c.user_id = owner;
      end if;
    when event_type like 'customer.subscription.%' then
      result_outcome := private.apply_stripe_subscription(event_type, coalesce(current_object, obj), coalesce(retrieved_at, event_time));
    else
      result_outcome := private.apply_stripe_payment_event(event_type, obj);
  end case;

  update billing.stripe_events e set outcome = result_outcome where e.id = event ->> 'id';
  return jsonb_build_object('event', event ->> 'id', 'outcome', result_outcome);
end;
$$;
comment on function billing.apply_stripe_event(jsonb, jsonb, timestamptz) is 'Applies a verified Stripe event exactly once (event id recorded with its effects): purchases, invoices, subscriptions, refunds and disputes. current_object / retrieved_at: the subscription as just read from the Stripe API, applied instead of the event''s object (the latest read wins). Service role.';
revoke all on function billing.apply_stripe_event(jsonb, jsonb, timestamptz) from public, anon, authenticated;
grant execute on function billing.apply_stripe_event(jsonb, jsonb, timestamptz) to service_role;

select private.schedule_function('billing-past-due-grace', '15 * * * *', 'billing/past-due', '{}');
