-- The last secrets in client tables move to private tables, so signed-in users read agents.agents and
-- sites.customer_configs with select('*'), which is also what supabase-js sends for
-- .insert(row).select() (issue 15 item 6: it was refused with a table-level 42501 that named no column).
--
--   agents.agents.agent_token (SHA-256 hex of the agent token)
--     -> private.agent_token_salts.token_sha256 (unique), beside the salt the token is derived from
--   sites.customer_configs.woocommerce_consumer_key, woocommerce_consumer_secret, encrypted_credentials
--     -> private.site_credentials (one row per config, same columns and seal checks)
--
-- Existing values are copied in this migration, then the columns are dropped (their unique index and
-- CHECKs with them). private is not exposed and no client role holds any privilege on either table;
-- the Edge Functions (functions/agents/agent-token.ts, functions/chat/site.ts and store.ts) read them.
-- Then authenticated gets table-level SELECT on both tables (RLS unchanged: owners read their rows,
-- and active agents); its INSERT/UPDATE stay column-level as they were. anon keeps its column list on
-- agents.agents (no owner, repository or updated_at) and still has nothing on customer_configs.

-- agents.agents.agent_token -----------------------------------------------------------------------------

alter table private.agent_token_salts
  add column token_sha256 text check (token_sha256 ~ '^[0-9a-f]{64}$'),
  add constraint agent_token_salts_token_sha256_key unique (token_sha256);

update private.agent_token_salts s set token_sha256 = a.agent_token
from agents.agents a
where a.id = s.agent_id and a.agent_token is not null;

-- The functions write the salt and the hash in one transaction, so each is present with the other. A
-- hash without a salt would be a token the platform can no longer derive: stop rather than drop it. A
-- salt without a hash is a token no runtime can present (revoked): it goes.
do $$
declare
  orphans int;
begin
  select count(*) into orphans from agents.agents a
  where a.agent_token is not null and not exists (select 1 from private.agent_token_salts s where s.agent_id = a.id);
  if orphans > 0 then
    raise exception '% agents have a token hash but no salt (private.agent_token_salts); re-issue or clear their tokens first', orphans;
  end if;
end
$$;
delete from private.agent_token_salts where token_sha256 is null;
alter table private.agent_token_salts alter column token_sha256 set not null;

comment on table private.agent_token_salts is 'The agent token of each agent that has one: the salt it is derived from (HMAC with AGENT_TOKEN_SECRET) and its SHA-256, by which a runtime''s token is looked up. Neither yields the token without the secret. Edge Functions only; no client role has any privilege.';
comment on column private.agent_token_salts.token_sha256 is 'SHA-256 (hex) of the agent token (was agents.agents.agent_token). The token itself is shown once, when issued or rotated, and never stored.';
revoke all on private.agent_token_salts from public, anon, authenticated;
grant all on private.agent_token_salts to service_role;

alter table agents.agents drop column agent_token;

revoke select on agents.agents from authenticated;
grant select on agents.agents to authenticated;

comment on table agents.agents is 'AI agents on the marketplace: owner, GitHub source, Algorand payee, per-call price and status. Signed-in users read every column (select(''*''), also as .insert(agent).select()) of their own agents and of active ones; the agent token''s hash is kept in private.agent_token_salts, which no client reads. anon: the listing agents.active_agents_view (select(''*'') works there), or of active agents these columns, which leave out user_id, repo_name, github_url and updated_at: select(''id, name, description, subdomain, repo_owner, agent_address, app_id, price_microalgo, status, runtime_status, category, tags, data_input, example_input, example_output, created_at'').';
comment on view agents.active_agents_view is 'The public marketplace listing: active agents with a healthy runtime. Never exposes the owner.';

-- sites.customer_configs store credentials ------------------------------------------------------------------

create table private.site_credentials (
  config_id uuid primary key references sites.customer_configs (id) on delete cascade,
  woocommerce_consumer_key text check (woocommerce_consumer_key is null or (
    (woocommerce_consumer_key::jsonb ->> 'alg') = 'A256GCM' and woocommerce_consumer_key::jsonb ? 'iv' and woocommerce_consumer_key::jsonb ? 'ct')),
  woocommerce_consumer_secret text check (woocommerce_consumer_secret is null or (
    (woocommerce_consumer_secret::jsonb ->> 'alg') = 'A256GCM' and woocommerce_consumer_secret::jsonb ? 'iv' and woocommerce_consumer_secret::jsonb ? 'ct')),
  encrypted_credentials jsonb check (encrypted_credentials is null or (
    encrypted_credentials ->> 'alg' = 'A256GCM' and encrypted_credentials ? 'iv' and encrypted_credentials ? 'ct')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.site_credentials is 'Store credentials of a site''s chat widget (sites.customer_configs), sealed with AES-256-GCM (functions/_shared/secrets.ts, CREDENTIALS_ENCRYPTION_KEY); plaintext is refused. Written by the service, opened by the chat function only; no client role has any privilege.';
comment on column private.site_credentials.woocommerce_consumer_key is 'WooCommerce REST consumer key, sealed (JSON {alg, iv, ct}).';
comment on column private.site_credentials.woocommerce_consumer_secret is 'WooCommerce REST consumer secret, sealed like the key.';
comment on column private.site_credentials.encrypted_credentials is 'Other integration credentials, sealed.';
revoke all on private.site_credentials from public, anon, authenticated;
grant all on private.site_credentials to service_role;

create trigger update_site_credentials_updated_at before update on private.site_credentials
  for each row execute function private.set_updated_at();

insert into private.site_credentials (config_id, woocommerce_consumer_key, woocommerce_consumer_secret, encrypted_credentials)
select id, woocommerce_consumer_key, woocommerce_consumer_secret, encrypted_credentials
from sites.customer_configs
where woocommerce_consumer_key is not null or woocommerce_consumer_secret is not null or encrypted_credentials is not null;

alter table sites.customer_configs
  drop column woocommerce_consumer_key,
  drop column woocommerce_consumer_secret,
  drop column encrypted_credentials;

revoke select on sites.customer_configs from authenticated;
grant select on sites.customer_configs to authenticated;

comment on table sites.customer_configs is 'Chat widget settings and store integration of one site (by domain). Owners read every column (select(''*''), also as .insert(config).select()); the sealed store credentials (WooCommerce consumer key and secret, other integration credentials) are kept in private.site_credentials, which no client reads.';
