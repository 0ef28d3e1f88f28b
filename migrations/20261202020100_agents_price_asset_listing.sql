-- The price asset (20261202020000) where clients read prices: the marketplace listing shows it beside
-- price_microalgo, and the table comment lists it among the columns anon reads.

create or replace view agents.active_agents_view with (security_invoker = true) as
select id, name, description, subdomain, repo_owner, category, tags, price_microalgo, created_at,
       agent_address, app_id, data_input, example_input, example_output, price_asset
from agents.agents
where status = 'active'
  and runtime_status = 'active';
comment on view agents.active_agents_view is 'The public marketplace listing: active agents with a healthy runtime, with their price (price_microalgo in base units of price_asset: ALGO or a symbol of agents.payment_assets). Never exposes the owner.';

comment on table agents.agents is 'AI agents on the marketplace: owner, GitHub source, Algorand payee, per-call price (in price_asset) and status. Signed-in users read every column (select(''*''), also as .insert(agent).select()) of their own agents and of active ones; the agent token''s hash is kept in private.agent_token_salts, which no client reads. anon: the listing agents.active_agents_view (select(''*'') works there), or of active agents these columns, which leave out user_id, repo_name, github_url and updated_at: select(''id, name, description, subdomain, repo_owner, agent_address, app_id, price_microalgo, price_asset, status, runtime_status, category, tags, data_input, example_input, example_output, created_at'').';
