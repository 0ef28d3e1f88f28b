-- The clusters' table comment names every column signed-in users cannot read, the usage collector's
-- (20261202090100) included, and keeps the select list they use.
comment on table billing.hopsworks_clusters is 'Hopsworks clusters users are assigned to. api_key, kubeconfig, kubeconfig_sealed, prometheus_service, usage_user_label and usage_key_sha256 are readable by the service role only, so signed-in users name the columns (select(''*'') is refused with 42501): select(''id, name, api_url, max_users, current_users, status, created_at'').';
