-- Agents: paid but not served (issue 16, x402 point 9). Every settled payment gets a delivery record:
-- whether the call it bought reached the agent's runtime and got an answer.
--
--   delivered  the runtime answered with a status below 500 (a 4xx is the agent's own answer to the
--              call: delivered); runtime_status holds it
--   failed     the last attempt failed: failure_reason runtime_error (5xx), connection_failed (refused,
--              reset, DNS, TLS, or the answer broke off), timeout (no complete answer within
--              AGENT_RUNTIME_TIMEOUT_MS), abandoned (no result recorded before attempt_deadline: the
--              request serving it died)
--   pending    an attempt is in flight (until attempt_deadline)
--
-- The settling request owns attempt 1 from the moment the payment row is written (a trigger creates
-- the record with it), so nobody else can take the first forward. A failed delivery stays redeemable:
-- the same payment re-sent before redeemable_until (the challenge nonce's expires_at) claims the next
-- attempt with agents.claim_delivery, which locks the record, so of concurrent re-sends exactly one
-- forwards; at most max_attempts attempts in all. After that, or once redeemable_until has passed, the
-- payment is owed a refund: agents.refundable_payments lists it to the agent's owner, the payer's user
-- and the platform, and agents.record_payment_refund records the refund transaction once.
--
-- Payments settled before this migration get a record with status delivered: the old code kept no
-- record, so a served call and a failed one cannot be told apart afterwards.
--
-- Errors of agents.record_payment_refund (SQLSTATE PTnnn makes PostgREST answer with HTTP status nnn;
-- hint is the stable code):
--   22023 invalid_refund_txid       not an Algorand transaction id (52 base32 characters)
--   PT404 payment_not_found         no such payment
--   PT403 payment_not_yours         the caller is neither the agent's owner nor the platform
--   PT409 payment_not_refundable    its call was delivered, or can still be redeemed
--   PT409 payment_already_refunded  a refund is recorded for it already
--   PT409 refund_txid_used          that transaction is recorded as the refund of another payment

create type agents.delivery_status as enum ('delivered', 'failed', 'pending');
comment on type agents.delivery_status is 'Delivery of a paid call to the agent''s runtime: pending (an attempt in flight), delivered (the runtime answered, status < 500), failed (the last attempt failed).';
create type agents.delivery_failure as enum ('abandoned', 'connection_failed', 'runtime_error', 'timeout');
comment on type agents.delivery_failure is 'Why an attempt failed: runtime_error (the runtime answered 5xx), connection_failed (refused, reset, DNS, TLS, or the answer broke off), timeout (no complete answer in time), abandoned (no result recorded before the attempt''s deadline).';

create table agents.payment_deliveries (
  payment_id uuid primary key references agents.payments (id) on delete cascade,
  status agents.delivery_status not null default 'pending',
  attempts integer not null default 1 check (attempts >= 0),
  max_attempts integer not null default 3 check (max_attempts >= 1),
  runtime_status integer check (runtime_status between 100 and 599),
  failure_reason agents.delivery_failure,
  failure_detail text check (length(failure_detail) <= 500),
  redeemable_until timestamptz not null,
  attempt_started_at timestamptz not null default now(),
  attempt_deadline timestamptz not null default now() + interval '2 minutes',
  delivered_at timestamptz,
  updated_at timestamptz not null default now(),
  check ((status = 'delivered') = (delivered_at is not null)),
  check (status <> 'failed' or failure_reason is not null)
);
comment on table agents.payment_deliveries is 'Delivery of the call each payment bought: delivered, failed (with the reason) or pending; attempts counted. Readable by the payer''s user and the agent''s owner; written only by the agents function.';
comment on column agents.payment_deliveries.status is 'pending (an attempt in flight), delivered (the runtime answered below 500), failed (the last attempt failed; see failure_reason).';
comment on column agents.payment_deliveries.attempts is 'Attempts started so far (the settling request''s is the first).';
comment on column agents.payment_deliveries.max_attempts is 'At most this many attempts (MAX_DELIVERY_ATTEMPTS in functions/agents/delivery.ts).';
comment on column agents.payment_deliveries.runtime_status is 'HTTP status of the runtime''s last answer (a 5xx when failure_reason is runtime_error).';
comment on column agents.payment_deliveries.failure_reason is 'Why the last attempt failed: runtime_error, connection_failed, timeout or abandoned.';
comment on column agents.payment_deliveries.failure_detail is 'What the last failed attempt saw (e.g. "HTTP 503", "ECONNRESET"), for the owner.';
comment on column agents.payment_deliveries.redeemable_until is 'A failed delivery may be retried by re-sending the same payment until then (the challenge nonce''s expires_at).';
comment on column agents.payment_deliveries.attempt_deadline is 'An attempt still pending after this was abandoned (its request died); the next re-send may retry it.';
comment on column agents.payment_deliveries.delivered_at is 'When the runtime''s answer was recorded.';

create table agents.payment_refunds (
  payment_id uuid primary key references agents.payments (id) on delete cascade,
  refund_txid text not null unique check (refund_txid ~ '^[A-Z2-7]{52}$'),
  recorded_by uuid references auth.users (id) on delete set null,
  refunded_at timestamptz not null default now()
);
comment on table agents.payment_refunds is 'The refund of a payment whose call was never served: the Algorand transaction that paid it back, once per payment. Readable by the payer''s user and the agent''s owner; written by agents.record_payment_refund.';
comment on column agents.payment_refunds.refund_txid is 'Algorand transaction id of the refund; unique, so one transaction refunds one payment.';
comment on column agents.payment_refunds.recorded_by is 'The owner who recorded it (null: the platform).';

alter table agents.payment_deliveries enable row level security;
alter table agents.payment_refunds enable row level security;
grant select on agents.payment_deliveries, agents.payment_refunds to authenticated;
grant all on agents.payment_deliveries, agents.payment_refunds to service_role;
create policy "Payers and agent owners can view deliveries" on agents.payment_deliveries for select to authenticated
  using (exists (select 1 from agents.payments p
                 where p.id = payment_id
                   and (p.payer_user_id = (select auth.uid())
                        or exists (select 1 from agents.agents a where a.id = p.agent_id and a.user_id = (select auth.uid())))));
create policy "Payers and agent owners can view refunds" on agents.payment_refunds for select to authenticated
  using (exists (select 1 from agents.payments p
                 where p.id = payment_id
                   and (p.payer_user_id = (select auth.uid())
                        or exists (select 1 from agents.agents a where a.id = p.agent_id and a.user_id = (select auth.uid())))));

insert into agents.payment_deliveries (payment_id, status, attempts, redeemable_until, attempt_started_at, attempt_deadline, delivered_at)
select p.id, 'delivered', 1, p.created_at, p.created_at, p.created_at, p.created_at from agents.payments p;

-- The settling request owns attempt 1: the record is created with the payment row, in its transaction.
create function private.agents_payment_delivery_start()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into agents.payment_deliveries (payment_id, redeemable_until)
  values (new.id, coalesce((select n.expires_at from agents.payment_nonces n where n.nonce = new.nonce), new.created_at));
  return null;
end;
$$;
comment on function private.agents_payment_delivery_start() is 'AFTER INSERT on agents.payments: the delivery record, attempt 1 pending (owned by the settling request), redeemable until the nonce expires.';
revoke all on function private.agents_payment_delivery_start() from public;
create trigger payments_delivery_start after insert on agents.payments
  for each row execute function private.agents_payment_delivery_start();

-- A pending attempt past its deadline was abandoned; a failed one may be retried while attempts are
-- left and the challenge has not expired. Refundable = failed (or abandoned) for good.
create function private.agents_delivery_refundable(d agents.payment_deliveries)
returns boolean
language sql
stable
set search_path = ''
as $$
  select (d.status = 'failed' or (d.status = 'pending' and d.attempt_deadline <= now()))
     and (d.attempts >= d.max_attempts or d.redeemable_until <= now());
$$;
comment on function private.agents_delivery_refundable(agents.payment_deliveries) is 'True when the paid call was not served and can no longer be redeemed: a refund is owed.';
revoke all on function private.agents_delivery_refundable(agents.payment_deliveries) from public;
grant execute on function private.agents_delivery_refundable(agents.payment_deliveries) to authenticated, service_role;

create function private.agents_delivery_json(d agents.payment_deliveries)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object('status', d.status, 'attempts', d.attempts, 'max_attempts', d.max_attempts,
    'runtime_status', d.runtime_status, 'failure_reason', d.failure_reason, 'redeemable_until', d.redeemable_until,
    'refund', (select jsonb_build_object('txid', r.refund_txid, 'refunded_at', r.refunded_at)
               from agents.payment_refunds r where r.payment_id = d.payment_id));
$$;
comment on function private.agents_delivery_json(agents.payment_deliveries) is 'A delivery record as the agents function reports it to the caller (with the refund, if any).';
revoke all on function private.agents_delivery_json(agents.payment_deliveries) from public;
grant execute on function private.agents_delivery_json(agents.payment_deliveries) to service_role;

-- Claims an attempt at delivering the call a payment bought. Outcomes:
--   claimed      this caller forwards now: attempt (its number) must be closed with record_delivery
--   delivered    the call was served already: never a second forward
--   in_progress  another request's attempt is in flight
--   not_served   failed for good (attempts used up, or redeemable_until passed), or refunded
--   not_yours    the payment was made by a signed-in user and caller is someone else
--   unknown      no such payment
-- settling = true: the request that settled the payment takes the attempt 1 it owns (the trigger
-- created it); it sets the bound and the attempt's deadline.
create function agents.claim_delivery(
  claim_txid text, settling boolean, max_attempts integer, attempt_seconds integer, caller uuid default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  p agents.payments;
  d agents.payment_deliveries;
begin
  select * into p from agents.payments x where x.txid = claim_txid;
  if p.id is null then
    return jsonb_build_object('outcome', 'unknown');
  end if;
  select * into d from agents.payment_deliveries x where x.payment_id = p.id for update;
  if d.payment_id is null then
    return jsonb_build_object('outcome', 'unknown');
  end if;
  if settling then
    if d.status <> 'pending' or d.attempts <> 1 then
      return jsonb_build_object('outcome', 'in_progress', 'delivery', private.agents_delivery_json(d));
    end if;
    update agents.payment_deliveries x
    set max_attempts = claim_delivery.max_attempts, attempt_deadline = now() + make_interval(secs => attempt_seconds), updated_at = now()
    where x.payment_id = p.id
    returning * into d;
    return jsonb_build_object('outcome', 'claimed', 'attempt', d.attempts, 'delivery', private.agents_delivery_json(d));
  end if;
  if d.status = 'delivered' then
    return jsonb_build_object('outcome', 'delivered', 'delivery', private.agents_delivery_json(d));
  end if;
  if d.status = 'pending' and d.attempt_deadline > now() then
    return jsonb_build_object('outcome', 'in_progress', 'delivery', private.agents_delivery_json(d));
  end if;
  if d.status = 'pending' then
    update agents.payment_deliveries x
    set status = 'failed', failure_reason = 'abandoned', failure_detail = 'no result recorded before the attempt''s deadline', updated_at = now()
    where x.payment_id = p.id
    returning * into d;
  end if;
  if exists (select 1 from agents.payment_refunds r where r.payment_id = p.id) or private.agents_delivery_refundable(d) then
    return jsonb_build_object('outcome', 'not_served', 'delivery', private.agents_delivery_json(d));
  end if;
  if p.payer_user_id is not null and p.payer_user_id is distinct from caller then
    return jsonb_build_object('outcome', 'not_yours');
  end if;
  update agents.payment_deliveries x
  set status = 'pending', attempts = x.attempts + 1, attempt_started_at = now(),
      attempt_deadline = now() + make_interval(secs => attempt_seconds), updated_at = now()
  where x.payment_id = p.id
  returning * into d;
  return jsonb_build_object('outcome', 'claimed', 'attempt', d.attempts, 'delivery', private.agents_delivery_json(d));
end;
$$;
comment on function agents.claim_delivery(text, boolean, integer, integer, uuid) is 'Claims the next attempt at delivering a paid call (see the outcomes in the migration); the delivery record is locked, so concurrent re-sends get one claim. Service role.';

-- Closes an attempt: delivered with the runtime's status, or failed with the reason. Only the attempt
-- that is still current is recorded (a late result of an attempt taken over changes nothing).
create function agents.record_delivery(
  claim_txid text, attempt integer, delivered boolean, answer_status integer default null,
  reason agents.delivery_failure default null, detail text default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  d agents.payment_deliveries;
begin
  if not delivered and reason is null then
    raise exception 'a failed attempt needs a reason' using errcode = '22023', hint = 'invalid_delivery';
  end if;
  update agents.payment_deliveries x
  set status = case when delivered then 'delivered' else 'failed' end::agents.delivery_status,
      runtime_status = answer_status,
      failure_reason = case when delivered then null else reason end,
      failure_detail = case when delivered then null else left(detail, 500) end,
      delivered_at = case when delivered then now() end,
      updated_at = now()
  from agents.payments p
  where p.txid = claim_txid and x.payment_id = p.id and x.status = 'pending' and x.attempts = attempt
  returning x.* into d;
  if d.payment_id is null then
    return jsonb_build_object('recorded', false);
  end if;
  return jsonb_build_object('recorded', true, 'delivery', private.agents_delivery_json(d),
                            'refundable', private.agents_delivery_refundable(d));
end;
$$;
comment on function agents.record_delivery(text, integer, boolean, integer, agents.delivery_failure, text) is 'Records the result of a delivery attempt (only while it is the current one). Service role.';

revoke all on function agents.claim_delivery(text, boolean, integer, integer, uuid) from public;
revoke all on function agents.record_delivery(text, integer, boolean, integer, agents.delivery_failure, text) from public;
grant execute on function agents.claim_delivery(text, boolean, integer, integer, uuid) to service_role;
grant execute on function agents.record_delivery(text, integer, boolean, integer, agents.delivery_failure, text) to service_role;

-- Paid, not served: what is owed (and what was paid back) ------------------------------------------

create view agents.refundable_payments with (security_invoker = true) as
select p.id as payment_id, p.agent_id, p.txid, p.payer_address, p.payer_user_id, p.pay_to, p.amount_microalgo, p.network,
       p.created_at as paid_at, d.attempts, d.max_attempts, d.failure_reason, d.failure_detail, d.runtime_status,
       d.redeemable_until, r.refund_txid, r.refunded_at, (r.payment_id is null) as refund_owed
from agents.payments p
join agents.payment_deliveries d on d.payment_id = p.id
left join agents.payment_refunds r on r.payment_id = p.id
where r.payment_id is not null or private.agents_delivery_refundable(d);
comment on view agents.refundable_payments is 'Payments whose call was never served and can no longer be redeemed: refund_owed until a refund is recorded (refund_txid). The agent''s owner and the payer''s user see their rows (RLS of the underlying tables); the service role sees all.';
grant select on agents.refundable_payments to authenticated, service_role;

-- Records the refund of an unserved payment. SECURITY DEFINER (clients cannot write refunds): the
-- caller is the agent's owner (role authenticated, auth.uid()) or the platform (a role that may act as
-- service_role, e.g. the service key or the functions' own connection).
create function private.agents_record_payment_refund(target_payment uuid, refund_txid text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  acting text := coalesce(nullif(current_setting('role', true), 'none'), session_user);
  platform boolean := acting <> 'authenticated' and pg_has_role(acting, 'service_role', 'member');
  p agents.payments;
  d agents.payment_deliveries;
  agent_owner uuid;
  refund agents.payment_refunds;
begin
  if refund_txid is null or refund_txid !~ '^[A-Z2-7]{52}$' then
    raise exception 'refund_txid is not an Algorand transaction id' using errcode = '22023', hint = 'invalid_refund_txid';
  end if;
  select * into p from agents.payments x where x.id = target_payment;
  if p.id is null then
    raise exception 'no payment %', target_payment using errcode = 'PT404', hint = 'payment_not_found';
  end if;
  select a.user_id into agent_owner from agents.agents a where a.id = p.agent_id;
  if not platform and (agent_owner is null or agent_owner is distinct from auth.uid()) then
    raise exception 'payment % is not for an agent of yours', target_payment using errcode = 'PT403', hint = 'payment_not_yours';
  end if;
  select * into d from agents.payment_deliveries x where x.payment_id = p.id for update;
  if exists (select 1 from agents.payment_refunds r where r.payment_id = p.id) then
    raise exception 'payment % is refunded already', target_payment using errcode = 'PT409', hint = 'payment_already_refunded';
  end if;
  if d.payment_id is null or not private.agents_delivery_refundable(d) then
    raise exception 'payment % is not refundable: its call was delivered or can still be redeemed', target_payment
      using errcode = 'PT409', hint = 'payment_not_refundable';
  end if;
  if exists (select 1 from agents.payment_refunds r where r.refund_txid = agents_record_payment_refund.refund_txid) then
    raise exception 'transaction % is recorded as another payment''s refund', refund_txid using errcode = 'PT409', hint = 'refund_txid_used';
  end if;
  begin
    insert into agents.payment_refunds (payment_id, refund_txid, recorded_by)
    values (p.id, agents_record_payment_refund.refund_txid, case when platform then null else auth.uid() end)
    returning * into refund;
  exception when unique_violation then
    -- Another payment's refund with this txid committed meanwhile (this payment's own row is locked above).
    raise exception 'transaction % is recorded as another payment''s refund', refund_txid using errcode = 'PT409', hint = 'refund_txid_used';
  end;
  return jsonb_build_object('payment_id', refund.payment_id, 'refund_txid', refund.refund_txid,
                            'refunded_at', refund.refunded_at, 'recorded_by', refund.recorded_by);
end;
$$;
comment on function private.agents_record_payment_refund(uuid, text) is 'The body of agents.record_payment_refund: checks the caller (owner or platform) and refundability, then records the refund once.';
revoke all on function private.agents_record_payment_refund(uuid, text) from public;
grant execute on function private.agents_record_payment_refund(uuid, text) to authenticated, service_role;

create function agents.record_payment_refund(target_payment uuid, refund_txid text)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
  select private.agents_record_payment_refund(target_payment, refund_txid);
$$;
comment on function agents.record_payment_refund(uuid, text) is 'The agent''s owner or the platform records the Algorand transaction that refunded an unserved payment (listed in agents.refundable_payments). Returns {payment_id, refund_txid, refunded_at, recorded_by}. Errors (hint): invalid_refund_txid (22023), payment_not_found (PT404), payment_not_yours (PT403), payment_not_refundable, payment_already_refunded, refund_txid_used (PT409).';
revoke all on function agents.record_payment_refund(uuid, text) from public, anon;
grant execute on function agents.record_payment_refund(uuid, text) to authenticated, service_role;
