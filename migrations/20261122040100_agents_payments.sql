-- Agents: pay-per-call in native ALGO (x402 "exact" scheme). A call first gets a single-use nonce
-- bound to the agent, the price and the payee; the payer's transaction carries it in its note. The
-- agents function claims the nonce for one transaction id before it submits anything, and settles
-- (payment row + nonce consumed) in one transaction after confirmation. txid is UNIQUE, so neither a
-- replayed transaction nor a reused nonce can buy a second call.

create table agents.payment_nonces (
  nonce text primary key check (nonce ~ '^[0-9a-f]{32}$'),
  agent_id uuid not null references agents.agents (id) on delete cascade,
  amount_microalgo bigint not null check (amount_microalgo >= 0),
  pay_to varchar(58) not null check (private.is_algorand_address(pay_to)),
  network text not null,
  resource text not null,
  requested_by uuid references auth.users (id) on delete set null,
  expires_at timestamptz not null,
  txid text unique check (txid ~ '^[A-Z2-7]{52}$'),
  claimed_at timestamptz,
  consumed_at timestamptz,
  created_at timestamptz not null default now(),
  check ((txid is null) = (claimed_at is null)),
  check (consumed_at is null or txid is not null)
);
comment on table agents.payment_nonces is 'Single-use, expiring payment nonces: one per 402 challenge, bound to an agent, an amount and a payee. Service only.';
comment on column agents.payment_nonces.txid is 'The transaction that claimed this nonce (set before submission, cleared if the submission fails).';
comment on column agents.payment_nonces.consumed_at is 'When the payment settled; a consumed nonce never pays for a second call.';
create index payment_nonces_agent_idx on agents.payment_nonces (agent_id);
create index payment_nonces_expires_idx on agents.payment_nonces (expires_at) where consumed_at is null;

create table agents.payments (
  id uuid primary key default gen_random_uuid(),
  agent_id uuid references agents.agents (id) on delete set null,
  payer_address varchar(58) not null check (private.is_algorand_address(payer_address)),
  payer_user_id uuid references auth.users (id) on delete set null,
  pay_to varchar(58) not null check (private.is_algorand_address(pay_to)),
  txid text not null unique check (txid ~ '^[A-Z2-7]{52}$'),
  amount_microalgo bigint not null check (amount_microalgo >= 0),
  confirmed_round bigint not null check (confirmed_round > 0),
  network text not null,
  nonce text not null unique references agents.payment_nonces (nonce),
  created_at timestamptz not null default now()
);
comment on table agents.payments is 'One row per settled per-call payment (confirmed on chain). Readable by the payer''s user and the agent''s owner; written only by the agents function.';
comment on column agents.payments.payer_address is 'Algorand account that paid (the transaction sender).';
comment on column agents.payments.payer_user_id is 'The signed-in user who made the call, when the call carried a user JWT.';
comment on column agents.payments.txid is 'Algorand transaction id of the payment; unique, so a transaction pays for one call only.';
comment on column agents.payments.amount_microalgo is 'Amount paid in microAlgos (the agent''s price when the nonce was issued).';
comment on column agents.payments.confirmed_round is 'Round in which the payment was confirmed.';
comment on column agents.payments.network is 'x402 network name: algorand-mainnet, algorand-testnet or algorand:<genesis hash>.';
create index payments_agent_idx on agents.payments (agent_id, created_at desc);
create index payments_payer_user_idx on agents.payments (payer_user_id, created_at desc);

alter table agents.payment_nonces enable row level security;
alter table agents.payments enable row level security;
grant select on agents.payments to authenticated;
grant all on agents.payments, agents.payment_nonces to service_role;
create policy "Payers and agent owners can view payments" on agents.payments for select to authenticated
  using (payer_user_id = (select auth.uid())
         or exists (select 1 from agents.agents a where a.id = agent_id and a.user_id = (select auth.uid())));

-- The grant a settled payment bought: the body of X-PAYMENT-RESPONSE plus what a replay is told.
create function private.payment_grant(p agents.payments)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object('success', true, 'transaction', p.txid, 'network', p.network, 'payer', p.payer_address,
    'amount', p.amount_microalgo, 'round', p.confirmed_round, 'agent_id', p.agent_id, 'nonce', p.nonce, 'settled_at', p.created_at);
$$;
revoke all on function private.payment_grant(agents.payments) from public;

-- Issues a nonce for one call of an active agent; purges this agent's long-expired unclaimed ones.
create function agents.issue_payment_nonce(target_agent uuid, network text, resource text, ttl_seconds integer, requested_by uuid default null)
returns agents.payment_nonces
language plpgsql
set search_path = ''
as $$
declare
  a agents.agents;
  issued agents.payment_nonces;
begin
  select * into a from agents.agents where id = target_agent and status = 'active' and runtime_status = 'active';
  if a.id is null or a.agent_address is null then
    raise exception 'agent % is not accepting calls', target_agent using errcode = 'P0001', hint = 'agent_unavailable';
  end if;
  delete from agents.payment_nonces n
  where n.agent_id = target_agent and n.txid is null and n.expires_at < now() - interval '1 hour';
  insert into agents.payment_nonces (nonce, agent_id, amount_microalgo, pay_to, network, resource, requested_by, expires_at)
  values (encode(extensions.gen_random_bytes(16), 'hex'), a.id, a.price_microalgo, a.agent_address, network, resource,
          requested_by, now() + make_interval(secs => ttl_seconds))
  returning * into issued;
  return issued;
end;
$$;
comment on function agents.issue_payment_nonce(uuid, text, text, integer, uuid) is 'A single-use nonce for one paid call of an active agent, at its current price and payee. Service role.';

-- Claims a nonce for a transaction before it is submitted. Outcomes:
--   claimed       this caller owns the nonce now (and must settle or release it)
--   replayed      this txid (or this nonce) already paid for a call: grant returned, no second call
--   in_progress   another request is settling this very transaction right now
--   nonce_reused  the nonce was claimed by a different transaction
--   nonce_expired / unknown_nonce
-- A claim older than stale_after_seconds that never settled (its worker died) may be taken over by the
-- same transaction, which then confirms it on chain instead of submitting twice.
create function agents.claim_payment_nonce(claim_nonce text, target_agent uuid, claim_txid text, stale_after_seconds integer default 60)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  n agents.payment_nonces;
  paid agents.payments;
begin
  select * into paid from agents.payments p where p.txid = claim_txid;
  if paid.id is not null then
    return jsonb_build_object('outcome', 'replayed', 'grant', private.payment_grant(paid));
  end if;
  select * into n from agents.payment_nonces p where p.nonce = claim_nonce for update;
  if n.nonce is null or n.agent_id <> target_agent then
    return jsonb_build_object('outcome', 'unknown_nonce');
  end if;
  if n.consumed_at is not null then
    select * into paid from agents.payments p where p.nonce = n.nonce;
    return jsonb_build_object('outcome', case when n.txid = claim_txid then 'replayed' else 'nonce_reused' end,
                              'grant', private.payment_grant(paid));
  end if;
  if n.txid is not null and n.txid <> claim_txid then
    return jsonb_build_object('outcome', 'nonce_reused');
  end if;
  if n.txid = claim_txid and n.claimed_at > now() - make_interval(secs => stale_after_seconds) then
    return jsonb_build_object('outcome', 'in_progress');
  end if;
  if n.txid is null and n.expires_at <= now() then
    return jsonb_build_object('outcome', 'nonce_expired');
  end if;
  update agents.payment_nonces p set txid = claim_txid, claimed_at = now() where p.nonce = n.nonce;
  return jsonb_build_object('outcome', 'claimed', 'takeover', n.txid is not null, 'amount', n.amount_microalgo,
                            'pay_to', n.pay_to, 'network', n.network, 'requested_by', n.requested_by);
end;
$$;
comment on function agents.claim_payment_nonce(text, uuid, text, integer) is 'Claims a payment nonce for one transaction id before submission (see the outcomes in the migration). Service role.';

-- Frees a claim whose transaction was rejected, so the payer can pay again with the same nonce.
create function agents.release_payment_nonce(claim_nonce text, claim_txid text)
returns boolean
language sql
set search_path = ''
as $$
  update agents.payment_nonces set txid = null, claimed_at = null
  where nonce = claim_nonce and txid = claim_txid and consumed_at is null
  returning true;
$$;
comment on function agents.release_payment_nonce(text, text) is 'Releases an unsettled claim (the transaction was rejected). Service role.';

-- Records a confirmed payment and consumes its nonce, atomically; a txid seen before returns its
-- original grant with outcome replayed.
create function agents.settle_payment(
  claim_nonce text, claim_txid text, payer text, amount bigint, confirmed_round bigint, payer_user uuid default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  n agents.payment_nonces;
  paid agents.payments;
begin
  select * into n from agents.payment_nonces p where p.nonce = claim_nonce for update;
  select * into paid from agents.payments p where p.txid = claim_txid or p.nonce = claim_nonce;
  if paid.id is not null then
    return jsonb_build_object('outcome', 'replayed', 'grant', private.payment_grant(paid));
  end if;
  if n.nonce is null or n.txid is distinct from claim_txid then
    raise exception 'nonce % is not claimed by %', claim_nonce, claim_txid using errcode = 'P0001', hint = 'nonce_not_claimed';
  end if;
  if amount <> n.amount_microalgo then
    raise exception 'amount % does not match the nonce''s %', amount, n.amount_microalgo using errcode = 'P0001', hint = 'wrong_amount';
  end if;
  insert into agents.payments (agent_id, payer_address, payer_user_id, pay_to, txid, amount_microalgo, confirmed_round, network, nonce)
  values (n.agent_id, payer, coalesce(payer_user, n.requested_by), n.pay_to, claim_txid, amount, confirmed_round, n.network, n.nonce)
  returning * into paid;
  update agents.payment_nonces p set consumed_at = now() where p.nonce = n.nonce;
  return jsonb_build_object('outcome', 'settled', 'grant', private.payment_grant(paid));
end;
$$;
comment on function agents.settle_payment(text, text, text, bigint, bigint, uuid) is 'Records a confirmed payment and consumes its nonce in one transaction (UNIQUE txid and nonce). Service role.';

revoke all on function agents.issue_payment_nonce(uuid, text, text, integer, uuid) from public;
revoke all on function agents.claim_payment_nonce(text, uuid, text, integer) from public;
revoke all on function agents.release_payment_nonce(text, text) from public;
revoke all on function agents.settle_payment(text, text, text, bigint, bigint, uuid) from public;
grant execute on function agents.issue_payment_nonce(uuid, text, text, integer, uuid) to service_role;
grant execute on function agents.claim_payment_nonce(text, uuid, text, integer) to service_role;
grant execute on function agents.release_payment_nonce(text, text) to service_role;
grant execute on function agents.settle_payment(text, text, text, bigint, bigint, uuid) to service_role;
