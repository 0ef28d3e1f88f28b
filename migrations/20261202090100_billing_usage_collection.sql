-- Usage collection (issue 20 point 3). A daily job (POST /billing/collect-usage) reads each active
-- cluster's per-user usage of the day from the cluster's Prometheus, reached through the Kubernetes
-- API server's service proxy with the cluster's kubeconfig, and records it through the same path as
-- POST /billing/usage (billing.record_usage: re-sent totals replace, so a re-run changes nothing).
-- The kubeconfig is stored sealed (AES-256-GCM, CREDENTIALS_ENCRYPTION_KEY, like provider tokens and
-- BYOK keys) in kubeconfig_sealed; the old plaintext column is not read by the collector, and setting
-- the kubeconfig through PUT /billing/clusters/:id/kubeconfig clears it.

alter table billing.hopsworks_clusters
  add column kubeconfig_sealed jsonb
    check (kubeconfig_sealed is null or (kubeconfig_sealed ->> 'alg' = 'A256GCM' and kubeconfig_sealed ? 'iv' and kubeconfig_sealed ? 'ct')),
  add column prometheus_service text not null default 'monitoring/prometheus-k8s:9090'
    check (prometheus_service ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?:[A-Za-z0-9-]+$'),
  add column usage_user_label text not null default 'hopsworks_user'
    check (usage_user_label ~ '^[a-zA-Z_][a-zA-Z0-9_]*$');
comment on column billing.hopsworks_clusters.kubeconfig_sealed is 'The cluster''s kubeconfig (JSON), sealed {alg, iv, ct} with CREDENTIALS_ENCRYPTION_KEY; read by the usage collector. Service role only.';
comment on column billing.hopsworks_clusters.kubeconfig is 'Deprecated plaintext kubeconfig: not read; PUT /billing/clusters/:id/kubeconfig stores it sealed in kubeconfig_sealed and clears this column. Service role only.';
comment on column billing.hopsworks_clusters.prometheus_service is 'The cluster''s Prometheus as namespace/service:port, reached through the Kubernetes API service proxy by the usage collector. Service role only.';
comment on column billing.hopsworks_clusters.usage_user_label is 'Kubernetes label (on pods and PVCs) that carries the Hopsworks username; kube-state-metrics exports it as label_<name>. Service role only.';

select private.schedule_function('billing-collect-usage', '20 0 * * *', 'billing/collect-usage', '{}');
