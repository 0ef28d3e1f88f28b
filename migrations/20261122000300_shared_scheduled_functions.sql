-- Scheduled Edge Function calls, declared once in the database. Hosted, pg_cron fires them via
-- pg_net (URL and service key from Vault); locally, the stack's scheduler reads the same table.

do $$
begin
  if exists (select from pg_available_extensions where name = 'pg_cron')
     and exists (select from pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_cron with schema pg_catalog;
    create extension if not exists pg_net with schema extensions;
  end if;
end
$$;

create table private.scheduled_functions (
  name text primary key check (name ~ '^[a-z0-9][a-z0-9_-]*$'),
  schedule text not null,
  function_name text not null check (function_name ~ '^[a-z0-9][a-z0-9_-]*$'),
  body jsonb not null default '{}'::jsonb,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.scheduled_functions is 'Cron-scheduled POSTs to /functions/v1/<function_name> with the service role. pg_cron runs them when hosted; the local stack scheduler otherwise.';
comment on column private.scheduled_functions.schedule is 'Cron expression (5 fields, or pg_cron''s "N seconds").';
comment on column private.scheduled_functions.body is 'JSON body sent with each call.';

create trigger scheduled_functions_set_updated_at
  before update on private.scheduled_functions
  for each row execute function private.set_updated_at();

revoke all on private.scheduled_functions from public, anon, authenticated;
grant select on private.scheduled_functions to service_role;

-- Declares (or replaces) a schedule. Domain migrations call this; where pg_cron and pg_net exist it
-- also (re)creates the cron job, reading the project URL and service key from Vault secrets
-- 'project_url' and 'service_role_key' (see README, "Deploy").
create or replace function private.schedule_function(
  job_name text,
  schedule text,
  function_name text,
  body jsonb default '{}'::jsonb
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into private.scheduled_functions (name, schedule, function_name, body)
  values (job_name, schedule, function_name, body)
  on conflict (name) do update
    set schedule = excluded.schedule, function_name = excluded.function_name, body = excluded.body, active = true;

  if exists (select from pg_extension where extname = 'pg_cron') and exists (select from pg_extension where extname = 'pg_net') then
    execute format(
      'select cron.schedule(%L, %L, %L)',
      job_name,
      schedule,
      format(
        $job$select net.http_post(
          url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/%s',
          headers := jsonb_build_object(
            'Content-Type', 'application/json',
            'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')
          ),
          body := %L::jsonb,
          timeout_milliseconds := 30000
        )$job$,
        function_name,
        body::text
      )
    );
  end if;
end;
$$;
comment on function private.schedule_function(text, text, text, jsonb) is 'Declares a cron-scheduled function call (and the pg_cron job where pg_cron exists).';
revoke all on function private.schedule_function(text, text, text, jsonb) from public;

create or replace function private.unschedule_function(job_name text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update private.scheduled_functions set active = false where name = job_name;
  if exists (select from pg_extension where extname = 'pg_cron') then
    execute format('select cron.unschedule(%L)', job_name);
  end if;
end;
$$;
comment on function private.unschedule_function(text) is 'Deactivates a scheduled function call (and removes its pg_cron job).';
revoke all on function private.unschedule_function(text) from public;
