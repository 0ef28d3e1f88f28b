-- What clients select on the tables that keep column privileges. Each of these tables holds a value no
-- client may read (a token hash, sealed credentials, a cluster's keys), kept out of reach by column
-- grants, so a client's select('*') (also the default of .insert(row).select()) is refused with 42501:
-- clients name the columns they may read. The table comments say which, and tests/db/061 checks that
-- the documented list is readable and the hidden columns are not.
--
-- Decision per table (README, decision records): these secrets are read by the Edge Functions
-- (agent tokens, store credentials, cluster usage keys, provider tokens, BYOK keys), so moving them to
-- a private table changes the functions too; until then the column lists below are the client API.
-- studio.templates.graph_data moved out (20261201050700), and the tables whose column grants cover
-- every column (sites.domains; studio.projects and studio.contexts for anon) take select('*') as is.

comment on table agents.agents is 'AI agents on the marketplace: owner, GitHub source, Algorand payee, per-call price and status. agent_token (the token''s hash) is readable by no client, so clients name the columns (select(''*'') is refused with 42501, also as .insert(row).select()). Owners: select(''id, user_id, name, description, subdomain, repo_owner, repo_name, github_url, agent_address, app_id, price_microalgo, status, runtime_status, category, tags, data_input, example_input, example_output, created_at, updated_at''), e.g. .insert(agent).select(''<those>'').single(). anon: the listing agents.active_agents_view (select(''*'') works there), or those columns but user_id, repo_name, github_url and updated_at, of active agents.';

comment on table sites.customer_configs is 'Chat widget settings and store integration of one site (by domain). The sealed woocommerce_consumer_key, woocommerce_consumer_secret and encrypted_credentials are readable by no client, so owners name the columns (select(''*'') is refused with 42501, also as .insert(row).select()): select(''id, customer_id, domain, business_name, business_description, primary_color, welcome_message, suggested_questions, woocommerce_url, owned_domains, rate_limit, allowed_origins, active, created_at, updated_at''), e.g. .insert(config).select(''<those>'').single().';

comment on table studio.api_keys is 'Users'' own AI provider keys (BYOK). Created by POST /studio/api-keys (sealed there); api_key_encrypted is readable by no client, so owners name the columns (select(''*'') is refused with 42501): select(''id, user_id, name, provider, key_last4, is_active, last_used_at, expires_at, created_at'').';

comment on table billing.hopsworks_clusters is 'Hopsworks clusters users are assigned to. api_key, kubeconfig and usage_key_sha256 are readable by the service role only, so signed-in users name the columns (select(''*'') is refused with 42501): select(''id, name, api_url, max_users, current_users, status, created_at'').';

comment on table cloud.providers is 'Cloud providers whose offers the catalog lists (digitalocean, hetzner, vultr, linode, aws, ...). provider_credentials (sealed) is readable by the service role only, so clients name the columns (select(''*'') is refused with 42501): select(''id, provider, logo_url, created_at'').';
