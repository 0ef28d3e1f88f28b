-- Agents: calls priced in an Algorand Standard Asset (e.g. USDC) as well as native ALGO, and
-- payments that carry no nonce in their note (what the x402-avm clients send), bound to a challenge
-- by its requirements (issue 16, point 7).
--
-- * agents.payment_assets: the asset id of a symbol on each x402 network (USDC on mainnet and
--   testnet are seeded; a private network adds its own rows). ALGO is asset 0 everywhere.
-- * agents.agents.price_asset: the symbol the price is in; price_microalgo is then in that asset's
--   base units (micro-USDC for USDC).
-- * payment_nonces.asset_id and payments.asset_id: what the challenge asked for and what was paid.
-- * agents.claim_payment_challenge: a nonce-less payment claims the oldest open challenge of that
--   agent whose requirements (payee, asset, amount, network) it meets, for one txid, atomically.

create table agents.payment_assets (
  network text not null,
  symbol text not null check (symbol ~ '^[A-Z0-9]{1,16}$' and symbol <> 'ALGO'),
  asset_id bigint not null check (asset_id > 0),
  decimals integer not null check (decimals between 0 and 19),
  primary key (network, symbol)
);
comment on table agents.payment_assets is 'Which Algorand Standard Asset a price symbol (e.g. USDC) is on each x402 network (algorand-mainnet, algorand-testnet, algorand:<genesis hash>). ALGO is native (asset 0) and has no row. Readable by everyone; written by the service role.';
alter table agents.payment_assets enable row level security;
create policy "Anyone can read payment assets" on agents.payment_assets for select to anon, authenticated using (true);
grant select on agents.payment_assets to anon, authenticated;
grant all on agents.payment_assets to service_role;
insert into agents.payment_assets (network, symbol, asset_id, decimals) values
  ('algorand-mainnet', 'USDC', 31566704, 6),
  ('algorand-testnet', 'USDC', 10458941, 6);

alter table agents.agents add column price_asset text not null default 'ALGO' check (price_asset ~ '^[A-Z0-9]{1,16}$');
comment on column agents.agents.price_asset is 'What a call is paid in: ALGO (native, the default) or a symbol of agents.payment_assets (e.g. USDC). price_microalgo is in this asset''s base units.';
comment on column agents.agents.price_microalgo is 'Price of one call in base units of price_asset: microAlgos for ALGO (1 ALGO = 1,000,000), micro-USDC for USDC.';
grant select (price_asset) on agents.agents to anon;
grant insert (price_asset), update (price_asset) on agents.agents to authenticated;

alter table agents.payment_nonces add column asset_id bigint not null default 0 check (asset_id >= 0);
comment on column agents.payment_nonces.asset_id is 'Asset the challenge asked for: 0 = native ALGO, else the ASA id.';
comment on column agents.payment_nonces.amount_microalgo is 'Amount the challenge asked for, in base units of asset_id.';
alter table agents.payments add column asset_id bigint not null default 0 check (asset_id >= 0);
comment on column agents.payments.asset_id is 'Asset paid: 0 = native ALGO, else the ASA id (amount_microalgo is then in its base units).';
comment on column agents.payments.amount_microalgo is 'Amount paid in base units of asset_id (microAlgos for ALGO); the agent''s price when the challenge was issued.';
-- Nonce-less claims look for an open challenge of an agent with given requirements.
create index payment_nonces_open_idx on agents.payment_nonces (agent_id, created_at) where txid is null and consumed_at is null;

-- The grant now names the asset paid.
create or replace function private.payment_grant(p agents.payments)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object('success', true, 'transaction', p.txid, 'network', p.network, 'payer', p.payer_address,
    'amount', p.amount_microalgo, 'asset', p.asset_id, 'round', p.confirmed_round, 'agent_id', p.agent_id, 'nonce', p.nonce,
    'settled_at', p.created_at);
$$;

-- Issues a nonce at the agent's current price, payee and asset (ALGO: 0; a symbol: its id on this
-- network, P0001 asset_not_configured when the network has no such asset).
create or replace function agents.issue_payment_nonce(target_agent uuid, network text, resource text, ttl_seconds integer, requested_by uuid default null)
returns agents.payment_nonces
language plpgsql
set search_path = ''
as $$
declare
  a agents.agents;
  issued agents.payment_nonces;
  asset bigint := 0;
begin
  select * into a from agents.agents where id = target_agent and status = 'active' and runtime_status = 'active';
  if a.id is null or a.agent_address is null then
    raise exception 'agent % is not accepting calls', target_agent using errcode = 'P0001', hint = 'agent_unavailable';
  end if;
  if a.price_asset <> 'ALGO' then
    select pa.asset_id into asset from agents.payment_assets pa where pa.network = issue_payment_nonce.network and pa.symbol = a.price_asset;
    if asset is null then
      raise exception 'asset % is not configured on %', a.price_asset, issue_payment_nonce.network using errcode = 'P0001', hint = 'asset_not_configured';
    end if;
  end if;
  delete from agents.payment_nonces n
  where n.agent_id = target_agent and n.txid is null and n.expires_at < now() - interval '1 hour';
  insert into agents.payment_nonces (nonce, agent_id, amount_microalgo, asset_id, pay_to, network, resource, requested_by, expires_at)
  values (encode(extensions.gen_random_bytes(16), 'hex'), a.id, a.price_microalgo, asset, a.agent_address, issue_payment_nonce.network,
          issue_payment_nonce.resource, issue_payment_nonce.requested_by, now() + make_interval(secs => ttl_seconds))
  returning * into issued;
  return issued;
end;
$$;

-- Claims, for a payment without a nonce in its note, the oldest open challenge of the agent whose
-- requirements it meets: same payee, asset, amount and network, unexpired, unclaimed, and issued to
-- nobody or to payer_user. Calls for one txid are serialized (advisory lock), so a txid claims one
-- challenge at most; concurrent txids skip each other's rows. Outcomes:
--   claimed (with the nonce)   this caller owns that challenge now and must settle or release it
--   replayed (with the grant)  this txid already paid for a call
--   in_progress                another request is settling this txid right now
--   no_matching_challenge      no open challenge asks for this payment
-- A claim older than stale_after_seconds that never settled may be taken over by the same txid.
create function agents.claim_payment_challenge(
  target_agent uuid, claim_txid text, pay_to text, asset_id bigint, amount bigint, network text, payer_user uuid default null,
  stale_after_seconds integer default 60
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  n agents.payment_nonces;
  paid agents.payments;
begin
  perform pg_advisory_xact_lock(hashtextextended('agents.claim_payment_challenge:' || claim_txid, 0));
  select * into paid from agents.payments p where p.txid = claim_txid;
  if paid.id is not null then
    return jsonb_build_object('outcome', 'replayed', 'grant', private.payment_grant(paid));
  end if;
  select * into n from agents.payment_nonces p where p.txid = claim_txid for update;
  if n.nonce is not null then
    if n.claimed_at > now() - make_interval(secs => stale_after_seconds) then
      return jsonb_build_object('outcome', 'in_progress');
    end if;
    update agents.payment_nonces p set claimed_at = now() where p.nonce = n.nonce;
    return jsonb_build_object('outcome', 'claimed', 'takeover', true, 'nonce', n.nonce);
  end if;
  select * into n from agents.payment_nonces p
  where p.agent_id = target_agent and p.txid is null and p.consumed_at is null and p.expires_at > now()
    and p.pay_to = claim_payment_challenge.pay_to and p.asset_id = claim_payment_challenge.asset_id
    and p.amount_microalgo = claim_payment_challenge.amount and p.network = claim_payment_challenge.network
    and (p.requested_by is null or p.requested_by = payer_user)
  order by p.created_at, p.nonce
  limit 1
  for update skip locked;
  if n.nonce is null then
    return jsonb_build_object('outcome', 'no_matching_challenge');
  end if;
  update agents.payment_nonces p set txid = claim_txid, claimed_at = now() where p.nonce = n.nonce;
  return jsonb_build_object('outcome', 'claimed', 'takeover', false, 'nonce', n.nonce);
end;
$$;
comment on function agents.claim_payment_challenge(uuid, text, text, bigint, bigint, text, uuid, integer) is 'Claims for a nonce-less payment (one txid) the oldest open challenge of the agent with the same payee, asset, amount and network (see the outcomes in the migration). Service role.';
revoke all on function agents.claim_payment_challenge(uuid, text, text, bigint, bigint, text, uuid, integer) from public;
grant execute on function agents.claim_payment_challenge(uuid, text, text, bigint, bigint, text, uuid, integer) to service_role;

-- Settlement now records the asset of the challenge.
create or replace function agents.settle_payment(
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
  insert into agents.payments (agent_id, payer_address, payer_user_id, pay_to, txid, amount_microalgo, asset_id, confirmed_round, network, nonce)
  values (n.agent_id, payer, coalesce(payer_user, n.requested_by), n.pay_to, claim_txid, amount, n.asset_id, confirmed_round, n.network, n.nonce)
  returning * into paid;
  update agents.payment_nonces p set consumed_at = now() where p.nonce = n.nonce;
  return jsonb_build_object('outcome', 'settled', 'grant', private.payment_grant(paid));
end;
$$;
