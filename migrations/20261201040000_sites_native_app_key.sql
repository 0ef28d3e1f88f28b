-- The chat widget for native (mobile) apps. A browser names the page it runs on in the Origin header,
-- which allowed_origins checks; a native app sends no Origin, so it was refused unless a site allowed
-- every origin ('*'). A site now lets apps in by giving them a public app key: the app sends it as
-- X-App-Key with every widget request, and the chat function takes a request without Origin when the
-- key is the site's. The key is public (it ships inside the app, like a publishable key): it is not an
-- access secret but the owner's switch, and rotating it retires old app builds. Null = apps refused.
-- App requests are rate limited like browser visitors (per session and per IP).

alter table sites.customer_configs
  add column native_app_key text check (native_app_key ~ '^wk_[A-Za-z0-9_-]{32,128}$');
comment on column sites.customer_configs.native_app_key is
  'Public key a native app sends as X-App-Key (no Origin header) to use this site''s chat widget; null = native apps refused. Set by sites.rotate_native_app_key; owners read it and may clear it.';

-- Owners read the key (to put it in their app) and clear it; a new one comes from the RPC below.
grant select (native_app_key), update (native_app_key) on sites.customer_configs to authenticated;

-- A fresh key for a config the caller owns (RLS on customer_configs decides: SECURITY INVOKER).
create function sites.rotate_native_app_key(config_id uuid)
returns text
language plpgsql
security invoker
set search_path = ''
as $$
declare
  new_key text := 'wk_' || replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
begin
  update sites.customer_configs c set native_app_key = new_key where c.id = rotate_native_app_key.config_id;
  if not found then
    raise exception 'no chat widget config % of yours', config_id using errcode = 'P0002', hint = 'config_not_found';
  end if;
  return new_key;
end;
$$;
comment on function sites.rotate_native_app_key(uuid) is
  'Owner: gives the site''s chat widget a new native app key (wk_ + 64 hex) and returns it; the previous key stops working at once. P0002 when the config is not the caller''s.';
revoke all on function sites.rotate_native_app_key(uuid) from public, anon;
grant execute on function sites.rotate_native_app_key(uuid) to authenticated, service_role;
