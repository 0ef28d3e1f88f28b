-- Refunds and disputes take back the prepaid credits a payment bought (issue 16 point 1).
--
-- A credit purchase is now linked to its Stripe payment (the PaymentIntent, pi_...) in
-- billing.credit_purchases, written with the credit itself. Refunds, the charge's refunded total and
-- disputes are recorded per Stripe object (billing.stripe_refunds, billing.stripe_charges,
-- billing.stripe_disputes), whichever event brings them and in whatever order, and the purchase is then
-- settled (private.settle_credit_purchase) under one lock per payment:
--
--   refunded     = the larger of: the sum of the refunds Stripe reported by id (not failed/canceled) and
--                  the highest amount_refunded reported on the payment's charge (charge.refunded carries
--                  no refund ids), capped at what was paid. Both are lower bounds of Stripe's total, so
--                  every delivery order converges on it and nothing is debited twice.
--   debited      = round(credits x refunded / paid): a partial refund debits its share of the credits.
--                  Each change is one ledger entry (kind refund) with its own revision key.
--   a dispute    = on creation, round(credits x disputed / paid) is held: an adjustment entry
--                  stripe-dispute-hold:<dp_...> takes it out of the balance (not spendable); closed won
--                  (also warning_closed, prevented) releases it (stripe-dispute-release:<dp_...>); closed
--                  lost keeps the hold as the final debit.
--
-- A payment Stripe reports before its purchase is recorded and settled when the purchase arrives.
-- Debits may take the balance below zero: the account is then restricted (billing.account_standing,
-- private.account_restricted): billing.assign_cluster refuses a new assignment (P0001, hint
-- account_restricted), usage is recorded but charged nothing more (uncovered), the billing function
-- refuses subscription checkouts (409 account_restricted); a credit purchase that brings the balance
-- back to zero or above lifts it.
--
-- billing.apply_stripe_event now dispatches on the type list in private.stripe_handled_event_types()
-- (the webhook's documented list is tested against it), with subscription handling in
-- private.apply_stripe_subscription (replaced by the next migration).

create table billing.credit_purchases (
  purchase_key text primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  payment_intent text unique,
  amount_paid_cents bigint not null check (amount_paid_cents > 0),
  currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  credits_cents bigint not null check (credits_cents > 0),
  refunded_cents bigint not null default 0 check (refunded_cents >= 0),
  refund_debited_cents bigint not null default 0 check (refund_debited_cents >= 0),
  refund_revision integer not null default 0,
  held_cents bigint not null default 0 check (held_cents >= 0),
  dispute_debited_cents bigint not null default 0 check (dispute_debited_cents >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table billing.credit_purchases is 'Credit packs bought with Stripe, linked to their payment (PaymentIntent): what was paid, the credits granted, and what refunds and disputes took back. The user reads their own rows.';
comment on column billing.credit_purchases.purchase_key is 'The ledger idempotency key of the purchase entry (purchase:<purchase_id>).';
comment on column billing.credit_purchases.payment_intent is 'Stripe PaymentIntent (pi_...) that paid for the credits; refunds and disputes are matched by it.';
comment on column billing.credit_purchases.refunded_cents is 'Amount of the payment refunded so far (payment currency, cents).';
comment on column billing.credit_purchases.refund_debited_cents is 'Credits taken back for refunds: round(credits_cents x refunded_cents / amount_paid_cents).';
comment on column billing.credit_purchases.held_cents is 'Credits held by open disputes (not spendable; already out of the balance).';
comment on column billing.credit_purchases.dispute_debited_cents is 'Credits debited by lost disputes.';
create index credit_purchases_user_idx on billing.credit_purchases (user_id);
create trigger credit_purchases_set_updated_at before update on billing.credit_purchases for each row execute function private.set_updated_at();

create table billing.stripe_refunds (
  id text primary key,
  payment_intent text,
  charge_id text,
  amount_cents bigint not null check (amount_cents >= 0),
  status text,
  updated_at timestamptz not null default now()
);
comment on table billing.stripe_refunds is 'Stripe refunds (re_...) as last reported; failed and canceled ones take nothing back. Service role only.';
create index stripe_refunds_payment_idx on billing.stripe_refunds (payment_intent);

create table billing.stripe_charges (
  id text primary key,
  payment_intent text,
  amount_cents bigint,
  amount_refunded_cents bigint not null default 0 check (amount_refunded_cents >= 0),
  updated_at timestamptz not null default now()
);
comment on table billing.stripe_charges is 'Stripe charges (ch_...) reported refunded: the highest amount_refunded seen. Service role only.';
create index stripe_charges_payment_idx on billing.stripe_charges (payment_intent);

create table billing.stripe_disputes (
  id text primary key,
  payment_intent text,
  charge_id text,
  amount_cents bigint not null check (amount_cents >= 0),
  status text not null,
  held_cents bigint not null default 0 check (held_cents >= 0),
  resolution text check (resolution in ('held', 'released', 'debited')),
  updated_at timestamptz not null default now()
);
comment on table billing.stripe_disputes is 'Stripe disputes (dp_...): status as last reported (a closed status is final), the credits held and what became of them (held, released, debited). Service role only.';
create index stripe_disputes_payment_idx on billing.stripe_disputes (payment_intent);

alter table billing.credit_purchases enable row level security;
alter table billing.stripe_refunds enable row level security;
alter table billing.stripe_charges enable row level security;
alter table billing.stripe_disputes enable row level security;
revoke all on billing.credit_purchases, billing.stripe_refunds, billing.stripe_charges, billing.stripe_disputes from public, anon, authenticated;
grant select on billing.credit_purchases to authenticated;
grant select on billing.credit_purchases, billing.stripe_refunds, billing.stripe_charges, billing.stripe_disputes to service_role;
create policy "credit purchases: own, or admin" on billing.credit_purchases for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

-- Restriction ---------------------------------------------------------------------------------------

create view billing.account_standing
with (security_invoker = true)
as
select uc.user_id, uc.balance,
       coalesce((select sum(p.held_cents) from billing.credit_purchases p where p.user_id = uc.user_id), 0)::bigint as held_cents,
       uc.balance < 0 as restricted
from billing.user_credits uc;
comment on view billing.account_standing is 'Per user: balance (cents, held credits already out of it), credits held by open disputes, and restricted = balance below zero (after a refund or dispute of spent credits): no new cluster assignment, no subscription checkout, usage charged nothing more, until a credit purchase brings the balance back to zero. The user reads their own row.';
revoke all on billing.account_standing from public, anon, authenticated;
grant select on billing.account_standing to authenticated, service_role;

create function private.account_restricted(target_user uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((select uc.balance < 0 from billing.user_credits uc where uc.user_id = target_user), false);
$$;
comment on function private.account_restricted(uuid) is 'True while the user''s credit balance is below zero (see billing.account_standing).';
revoke all on function private.account_restricted(uuid) from public;
grant execute on function private.account_restricted(uuid) to service_role;

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
  if private.account_restricted(target_user) then
    raise exception 'the account is restricted: its credit balance is below zero' using errcode = 'P0001', hint = 'account_restricted';
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
comment on function billing.assign_cluster(uuid, text) is 'Assigns a user to the least-loaded active cluster with room; a user already assigned gets their cluster back. Safe under concurrency (one assignment at a time; max_users never exceeded). A restricted account (balance below zero) is refused: P0001, hint account_restricted. Service role.';

-- Settling a purchase -----------------------------------------------------------------------------------

-- One payment's events, purchase and settlement run one at a time (refund.created and charge.refunded
-- of one refund may arrive at once, or before the purchase).
create function private.lock_stripe_payment(payment text)
returns void
language sql
set search_path = ''
as $$
  select pg_advisory_xact_lock(hashtext('billing.stripe_payment'), hashtext(payment));
$$;
revoke all on function private.lock_stripe_payment(text) from public;

create function private.settle_credit_purchase(payment text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  p billing.credit_purchases;
  refunded bigint;
  target bigint;
  d billing.stripe_disputes;
  hold bigint;
begin
  select cp.* into p from billing.credit_purchases cp where cp.payment_intent = payment for update;
  if not found then
    return;
  end if;

  select least(p.amount_paid_cents, greatest(
    coalesce((select sum(r.amount_cents) from billing.stripe_refunds r
              where r.payment_intent = payment and coalesce(r.status, '') not in ('failed', 'canceled')), 0),
    coalesce((select max(c.amount_refunded_cents) from billing.stripe_charges c where c.payment_intent = payment), 0)))
  into refunded;
  target := least(p.credits_cents, round(p.credits_cents::numeric * refunded / p.amount_paid_cents)::bigint);
  if target > p.refund_debited_cents then
    perform billing.add_credit_entry(p.user_id, 'refund', -(target - p.refund_debited_cents),
      format('stripe-refund:%s:r%s', p.purchase_key, p.refund_revision + 1), 'stripe',
      jsonb_build_object('payment_intent', payment, 'refunded_cents', refunded, 'purchase', p.purchase_key), p.currency);
    p.refund_revision := p.refund_revision + 1;
    p.refund_debited_cents := target;
  end if;

  for d in select sd.* from billing.stripe_disputes sd where sd.payment_intent = payment order by sd.id for update loop
    if d.resolution is null then
      hold := least(p.credits_cents, round(p.credits_cents::numeric * least(d.amount_cents, p.amount_paid_cents) / p.amount_paid_cents)::bigint);
      if hold > 0 then
        perform billing.add_credit_entry(p.user_id, 'adjustment', -hold, 'stripe-dispute-hold:' || d.id, 'stripe',
          jsonb_build_object('dispute', d.id, 'payment_intent', payment, 'purchase', p.purchase_key), p.currency);
      end if;
      d.held_cents := hold;
      d.resolution := 'held';
    end if;
    if d.resolution = 'held' and d.status in ('won', 'warning_closed', 'prevented') then
      if d.held_cents > 0 then
        perform billing.add_credit_entry(p.user_id, 'adjustment', d.held_cents, 'stripe-dispute-release:' || d.id, 'stripe',
          jsonb_build_object('dispute', d.id, 'payment_intent', payment, 'purchase', p.purchase_key, 'status', d.status), p.currency);
      end if;
      d.resolution := 'released';
    elsif d.resolution = 'held' and d.status = 'lost' then
      d.resolution := 'debited'; -- the hold stays: it is the debit
    end if;
    update billing.stripe_disputes sd set held_cents = d.held_cents, resolution = d.resolution, updated_at = now() where sd.id = d.id;
  end loop;

  update billing.credit_purchases cp
  set refunded_cents = refunded,
      refund_debited_cents = p.refund_debited_cents,
      refund_revision = p.refund_revision,
      held_cents = coalesce((select sum(sd.held_cents) from billing.stripe_disputes sd where sd.payment_intent = payment and sd.resolution = 'held'), 0),
      dispute_debited_cents = coalesce((select sum(sd.held_cents) from billing.stripe_disputes sd where sd.payment_intent = payment and sd.resolution = 'debited'), 0)
  where cp.purchase_key = p.purchase_key;
end;
$$;
comment on function private.settle_credit_purchase(text) is 'Brings a credit purchase in line with the refunds and disputes recorded for its payment: debits the refunded share of its credits, holds, releases or keeps disputed credits. Idempotent; call under private.lock_stripe_payment.';
revoke all on function private.settle_credit_purchase(text) from public;

-- The PaymentIntent of a checkout session (payment_intent) or of an invoice (its first payment).
create function private.stripe_payment_intent(obj jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select coalesce(
    case when jsonb_typeof(obj -> 'payment_intent') = 'string' then obj ->> 'payment_intent' end,
    obj -> 'payment_intent' ->> 'id',
    case when jsonb_typeof(obj -> 'payments' -> 'data' -> 0 -> 'payment' -> 'payment_intent') = 'string'
         then obj -> 'payments' -> 'data' -> 0 -> 'payment' ->> 'payment_intent' end);
$$;
revoke all on function private.stripe_payment_intent(jsonb) from public;

-- Credits a paid credit-pack purchase once (as before), and links it to its payment.
create or replace function private.credit_stripe_purchase(obj jsonb, amount_cents bigint, currency text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  buyer uuid := private.stripe_object_user(obj);
  credits bigint := coalesce(nullif(obj -> 'metadata' ->> 'credit_cents', '')::bigint, amount_cents);
  purchase text := 'purchase:' || coalesce(nullif(obj -> 'metadata' ->> 'purchase_id', ''), obj ->> 'id');
  payment text := private.stripe_payment_intent(obj);
  entry_currency char(3) := upper(coalesce(currency, 'usd'))::char(3);
begin
  if buyer is null then
    raise exception 'Stripe object % has no known user', obj ->> 'id' using errcode = '23503';
  end if;
  if credits is null or credits <= 0 then
    return;
  end if;
  if payment is not null then
    perform private.lock_stripe_payment(payment);
  end if;
  insert into billing.customers (user_id, stripe_customer_id) values (buyer, obj ->> 'customer')
  on conflict (user_id) do update set stripe_customer_id = coalesce(billing.customers.stripe_customer_id, excluded.stripe_customer_id);
  perform billing.add_credit_entry(buyer, 'purchase', credits, purchase, 'stripe',
    jsonb_build_object('stripe_object', obj ->> 'id', 'payment_intent', payment), entry_currency);
  if coalesce(amount_cents, 0) > 0 then
    insert into billing.credit_purchases as cp (purchase_key, user_id, payment_intent, amount_paid_cents, currency, credits_cents)
    values (purchase, buyer, payment, amount_cents, entry_currency, credits)
    on conflict (purchase_key) do update set payment_intent = coalesce(cp.payment_intent, excluded.payment_intent);
  end if;
  if payment is not null then
    perform private.settle_credit_purchase(payment);
  end if;
end;
$$;
revoke all on function private.credit_stripe_purchase(jsonb, bigint, text) from public;

-- Refund, charge and dispute events: record the object, then settle its purchase (if known yet).
create function private.apply_stripe_payment_event(event_type text, obj jsonb)
returns text
language plpgsql
set search_path = ''
as $$
declare
  charge text := case when event_type like 'charge.refund%' and obj ->> 'object' = 'charge' then obj ->> 'id' else obj ->> 'charge' end;
  payment text := private.stripe_payment_intent(obj);
  closed constant text[] := array['won', 'lost', 'warning_closed', 'prevented'];
begin
  if payment is null and charge is not null then
    select c.payment_intent into payment from billing.stripe_charges c where c.id = charge;
  end if;
  if payment is null then
    return 'ignored: no payment intent';
  end if;
  perform private.lock_stripe_payment(payment);
  case
    when event_type = 'charge.refunded' then
      insert into billing.stripe_charges as c (id, payment_intent, amount_cents, amount_refunded_cents)
      values (obj ->> 'id', payment, (obj ->> 'amount')::bigint, coalesce((obj ->> 'amount_refunded')::bigint, 0))
      on conflict (id) do update
        set amount_refunded_cents = greatest(c.amount_refunded_cents, excluded.amount_refunded_cents),
            payment_intent = coalesce(c.payment_intent, excluded.payment_intent), updated_at = now();
    when event_type in ('refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated') then
      insert into billing.stripe_refunds as r (id, payment_intent, charge_id, amount_cents, status)
      values (obj ->> 'id', payment, charge, (obj ->> 'amount')::bigint, obj ->> 'status')
      on conflict (id) do update
        set status = case when r.status in ('failed', 'canceled') then r.status else excluded.status end,
            amount_cents = excluded.amount_cents, updated_at = now();
    else -- charge.dispute.created / updated / closed
      insert into billing.stripe_disputes as sd (id, payment_intent, charge_id, amount_cents, status)
      values (obj ->> 'id', payment, charge, (obj ->> 'amount')::bigint, obj ->> 'status')
      on conflict (id) do update
        set status = case when sd.status = any (closed) then sd.status else excluded.status end,
            amount_cents = excluded.amount_cents, updated_at = now();
  end case;
  if not exists (select 1 from billing.credit_purchases cp where cp.payment_intent = payment) then
    return 'recorded: no credit purchase for this payment (yet)';
  end if;
  perform private.settle_credit_purchase(payment);
  return 'applied';
end;
$$;
revoke all on function private.apply_stripe_payment_event(text, jsonb) from public;

-- Subscriptions: as before (metadata.tier), moved here unchanged; replaced by the next migration.
create function private.apply_stripe_subscription(event_type text, obj jsonb, event_time timestamptz)
returns text
language plpgsql
set search_path = ''
as $$
declare
  owner uuid := private.stripe_object_user(obj);
  tier text := coalesce(nullif(obj -> 'metadata' ->> 'tier', ''), 'free');
begin
  if owner is null then
    raise exception 'subscription % has no known user', obj ->> 'id' using errcode = '23503';
  end if;
  insert into billing.customers (user_id, stripe_customer_id) values (owner, obj ->> 'customer') on conflict (user_id) do nothing;
  if event_type = 'customer.subscription.deleted' then
    update billing.customers c
    set canceled_subscription_ids = array_append(c.canceled_subscription_ids, obj ->> 'id'),
        subscription_tier = case when c.subscription_id is null or c.subscription_id = obj ->> 'id' then 'free' else c.subscription_tier end,
        subscription_status = case when c.subscription_id is null or c.subscription_id = obj ->> 'id' then 'canceled' else c.subscription_status end,
        subscription_state_at = greatest(c.subscription_state_at, event_time)
    where c.user_id = owner and not (obj ->> 'id' = any (c.canceled_subscription_ids));
    return 'applied';
  end if;
  update billing.customers c
  set subscription_id = obj ->> 'id',
      subscription_status = obj ->> 'status',
      subscription_tier = case when obj ->> 'status' in ('active', 'trialing', 'past_due') then tier else 'free' end,
      subscription_state_at = event_time
  where c.user_id = owner
    and not (obj ->> 'id' = any (c.canceled_subscription_ids))
    and (c.subscription_state_at is null or c.subscription_state_at <= event_time);
  if not found then
    return 'ignored: older than the stored state, or a canceled subscription';
  end if;
  return 'applied';
end;
$$;
revoke all on function private.apply_stripe_subscription(text, jsonb, timestamptz) from public;

create function private.stripe_handled_event_types()
returns text[]
language sql
immutable
set search_path = ''
as $$
  select array[
    'checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed',
    'invoice.paid', 'invoice.payment_failed',
    'customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted',
    'charge.refunded', 'refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated',
    'charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed'];
$$;
comment on function private.stripe_handled_event_types() is 'The Stripe event types billing.apply_stripe_event applies (others are acknowledged and ignored); docs/billing.md lists the same.';
revoke all on function private.stripe_handled_event_types() from public;

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
      if event_type = 'invoice.paid' and obj -> 'metadata' ? 'purchase_id' then
        perform private.credit_stripe_purchase(obj, (obj ->> 'amount_paid')::bigint, obj ->> 'currency');
      end if;
    when event_type like 'customer.subscription.%' then
      result_outcome := private.apply_stripe_subscription(event_type, obj, event_time);
    else
      result_outcome := private.apply_stripe_payment_event(event_type, obj);
  end case;

  update billing.stripe_events e set outcome = result_outcome where e.id = event ->> 'id';
  return jsonb_build_object('event', event ->> 'id', 'outcome', result_outcome);
end;
$$;
comment on function billing.apply_stripe_event(jsonb) is 'Applies a verified Stripe event exactly once (event id recorded with its effects): purchases, invoices, subscriptions, refunds and disputes. Service role.';
