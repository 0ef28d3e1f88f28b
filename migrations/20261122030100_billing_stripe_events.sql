-- Stripe webhook effects, exactly once. The stripe-webhook function verifies the signature and hands
-- the event to billing.apply_stripe_event, which records the event id and applies its effects in one
-- transaction. Effects are also unique on the business object (a purchase credits once whether
-- Stripe reports it as a completed checkout or as a paid invoice).

alter table billing.customers
  add column subscription_id text,
  add column subscription_status text,
  add column subscription_state_at timestamptz,
  add column canceled_subscription_ids text[] not null default '{}';
comment on column billing.customers.subscription_id is 'Current Stripe subscription (sub_...), if any.';
comment on column billing.customers.subscription_status is 'Stripe status of that subscription (active, past_due, canceled, ...).';
comment on column billing.customers.subscription_state_at is 'Stripe time (event.created) of the subscription state stored here; older events never overwrite it.';
comment on column billing.customers.canceled_subscription_ids is 'Subscriptions Stripe reported deleted: a late update never revives them.';

create table billing.stripe_events (
  id text primary key,
  type text not null,
  created timestamptz not null,
  livemode boolean not null default false,
  outcome text not null,
  received_at timestamptz not null default now()
);
comment on table billing.stripe_events is 'Every Stripe event applied (id = evt_...), recorded in the transaction of its effects. Service role only.';
alter table billing.stripe_events enable row level security;

-- The user a Stripe object belongs to: metadata.user_id, client_reference_id, or the customer id.
create function private.stripe_object_user(obj jsonb)
returns uuid
language sql
stable
set search_path = ''
as $$
  select coalesce(
    nullif(obj -> 'metadata' ->> 'user_id', '')::uuid,
    nullif(obj ->> 'client_reference_id', '')::uuid,
    (select c.user_id from billing.customers c where c.stripe_customer_id = obj ->> 'customer'));
$$;
comment on function private.stripe_object_user(jsonb) is 'Resolves the user of a Stripe object (metadata.user_id, client_reference_id, customer).';
revoke all on function private.stripe_object_user(jsonb) from public;

-- Credits a paid credit-pack purchase once: the key is our purchase id (metadata.purchase_id) that
-- checkout sessions and their invoices both carry, falling back to the Stripe object id.
create function private.credit_stripe_purchase(obj jsonb, amount_cents bigint, currency text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  buyer uuid := private.stripe_object_user(obj);
  credits bigint := coalesce(nullif(obj -> 'metadata' ->> 'credit_cents', '')::bigint, amount_cents);
begin
  if buyer is null then
    raise exception 'Stripe object % has no known user', obj ->> 'id' using errcode = '23503';
  end if;
  if credits is null or credits <= 0 then
    return;
  end if;
  insert into billing.customers (user_id, stripe_customer_id) values (buyer, obj ->> 'customer')
  on conflict (user_id) do update set stripe_customer_id = coalesce(billing.customers.stripe_customer_id, excluded.stripe_customer_id);
  perform billing.add_credit_entry(buyer, 'purchase', credits,
    'purchase:' || coalesce(nullif(obj -> 'metadata' ->> 'purchase_id', ''), obj ->> 'id'), 'stripe',
    jsonb_build_object('stripe_object', obj ->> 'id'), upper(coalesce(currency, 'usd'))::char(3));
end;
$$;
revoke all on function private.credit_stripe_purchase(jsonb, bigint, text) from public;

create function billing.apply_stripe_event(event jsonb)
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
              obj ->> 'id', case when event_type = 'invoice.paid' then 'paid' else 'failed' end)
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
comment on function billing.apply_stripe_event(jsonb) is 'Applies a verified Stripe event exactly once (event id recorded with its effects). Service role.';
revoke all on function billing.apply_stripe_event(jsonb) from public;
grant execute on function billing.apply_stripe_event(jsonb) to service_role;
