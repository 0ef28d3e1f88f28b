-- Sites (issue 17, point 7): a business's plan and its limits are the platform's to set. Owners
-- could write sites.businesses.plan and sites.business_configs.limits, so the plan's cap on a
-- crawl's max_pages and the pages_per_month quota were theirs to lift. Owners keep writing what is
-- theirs: a business's name and slug, a config's settings; plan and limits are written by the
-- service role (billing, support) only.

revoke insert, update on sites.businesses from authenticated;
grant insert (id, owner_user_id, name, slug) on sites.businesses to authenticated;
grant update (name, slug) on sites.businesses to authenticated;

revoke insert, update on sites.business_configs from authenticated;
grant insert (id, business_id, settings) on sites.business_configs to authenticated;
grant update (settings) on sites.business_configs to authenticated;

comment on column sites.businesses.plan is 'Plan of the business (free, pro, enterprise): caps a crawl''s max_pages (free 500, pro 5000, enterprise 50000). Set by the service role only; owners read it.';
comment on column sites.business_configs.limits is 'Per-period limits: messages_per_month, tokens_per_month, pages_per_month (null or absent = unlimited). The chat widget and crawler stop with a clear error when one is reached. Set by the service role only; owners read them.';
