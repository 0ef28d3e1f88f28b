-- The clusters' admin API keys are stored sealed, like their kubeconfigs (20261202090100): AES-256-GCM
-- with CREDENTIALS_ENCRYPTION_KEY in api_key_sealed, opened only by the billing function. The plaintext
-- column stays for clusters registered before (and by operators who insert rows by hand): the
-- provisioner seals a plaintext key the first time it uses it, when the encryption key is configured,
-- and clears the plaintext; PUT /billing/clusters/:id/api-key stores a new key sealed.

alter table billing.hopsworks_clusters
  add column api_key_sealed jsonb
    check (api_key_sealed is null or (api_key_sealed ->> 'alg' = 'A256GCM' and api_key_sealed ? 'iv' and api_key_sealed ? 'ct')),
  alter column api_key drop not null,
  add constraint hopsworks_clusters_api_key_present check (api_key is not null or api_key_sealed is not null);

comment on column billing.hopsworks_clusters.api_key_sealed is 'Cluster admin API key, sealed {alg, iv, ct} with CREDENTIALS_ENCRYPTION_KEY; read by the provisioner. Service role only.';
comment on column billing.hopsworks_clusters.api_key is 'Plaintext cluster admin API key, for clusters registered by hand: the provisioner seals it into api_key_sealed on first use (when CREDENTIALS_ENCRYPTION_KEY is set) and clears this column. Service role only.';
comment on table billing.hopsworks_clusters is 'Hopsworks clusters users are assigned to. api_key, api_key_sealed, kubeconfig, kubeconfig_sealed, prometheus_service, usage_user_label and usage_key_sha256 are readable by the service role only, so signed-in users name the columns (select(''*'') is refused with 42501): select(''id, name, api_url, max_users, current_users, status, created_at'').';
