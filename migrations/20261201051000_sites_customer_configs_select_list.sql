-- The select list documented on sites.customer_configs (20261201050800) with native_app_key
-- (20261201040000), which owners read too. tests/db/061 now checks each documented list is exactly
-- the columns signed-in users may read.

comment on table sites.customer_configs is 'Chat widget settings and store integration of one site (by domain). The sealed woocommerce_consumer_key, woocommerce_consumer_secret and encrypted_credentials are readable by no client, so owners name the columns (select(''*'') is refused with 42501, also as .insert(row).select()): select(''id, customer_id, domain, business_name, business_description, primary_color, welcome_message, suggested_questions, woocommerce_url, owned_domains, rate_limit, allowed_origins, active, created_at, updated_at, native_app_key''), e.g. .insert(config).select(''<those>'').single().';
