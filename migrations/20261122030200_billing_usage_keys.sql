-- Per-cluster usage keys: a cluster's metering agent may post usage for its own cluster with its key
-- (only the sha256 is stored), instead of holding the service role key. Daily Stripe reconciliation.

alter table billing.hopsworks_clusters add column usage_key_sha256 text unique;
comment on column billing.hopsworks_clusters.usage_key_sha256 is 'sha256 (hex) of the cluster''s usage-posting key. Service role only.';

select private.schedule_function('billing-reconcile', '30 4 * * *', 'billing/reconcile', '{}');
