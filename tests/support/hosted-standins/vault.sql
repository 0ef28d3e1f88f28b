-- Stand-in for Supabase Vault (supabase_vault), created by tests/stack/cron-schedule.test.ts in its
-- own cron database only: Debian packages no Vault. The names the project uses are Vault's:
-- vault.create_secret(secret, name) as README "Deploy" says, and vault.decrypted_secrets(name,
-- decrypted_secret) as the cron jobs read it. Unlike Vault, nothing here is encrypted.
create schema vault;

create table vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text unique,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create view vault.decrypted_secrets as
  select id, name, description, secret, secret as decrypted_secret, key_id, nonce, created_at, updated_at
  from vault.secrets;

create function vault.create_secret(new_secret text, new_name text default null, new_description text default '', new_key_id uuid default null)
returns uuid
language sql
as $$
  insert into vault.secrets (secret, name, description, key_id)
  values (new_secret, new_name, new_description, new_key_id)
  returning id
$$;

revoke all on schema vault from public;
