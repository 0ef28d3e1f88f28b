-- pg_cron runs "N seconds" schedules from version 1.5; PostgreSQL 15 projects created on older
-- Supabase images (and Debian bookworm) have pg_cron 1.4, where cron.schedule('10 seconds', ...) fails
-- with 22023 "invalid schedule" and stops 20261122010000 (embed-queue). Found by applying the
-- migrations on PostgreSQL 15.18 with pg_cron 1.4.2 (pg_net stand-in). Placed before the first
-- sub-minute schedule; where pg_cron is older than 1.5 the cron job runs every minute instead (the
-- nearest it can do) and the declared schedule stays in private.scheduled_functions. Databases already
-- past 20261122010000 apply it out of order (`supabase db push --include-all`); there it changes
-- nothing that has run.

create or replace function private.cron_schedule_for(schedule text, pg_cron_version text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when schedule ~* '^\s*\d+\s+seconds?\s*$'
     and pg_cron_version is not null
     and string_to_array(split_part(pg_cron_version, '-', 1), '.')::integer[] < array[1, 5]
    then '* * * * *'
    else schedule
  end;
$$;
comment on function private.cron_schedule_for(text, text) is 'The schedule to give pg_cron of this version: "N seconds" becomes every minute before pg_cron 1.5, which cannot run sub-minute jobs.';
revoke all on function private.cron_schedule_for(text, text) from public;

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
declare
  cron_version text := (select e.extversion from pg_extension e where e.extname = 'pg_cron');
begin
  insert into private.scheduled_functions (name, schedule, function_name, body)
  values (job_name, schedule, function_name, body)
  on conflict (name) do update
    set schedule = excluded.schedule, function_name = excluded.function_name, body = excluded.body, active = true;

  if cron_version is not null and exists (select from pg_extension where extname = 'pg_net') then
    execute format(
      'select cron.schedule(%L, %L, %L)',
      job_name,
      private.cron_schedule_for(schedule, cron_version),
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
comment on function private.schedule_function(text, text, text, jsonb) is 'Declares a cron-scheduled function call (and the pg_cron job where pg_cron and pg_net exist; "N seconds" runs every minute on pg_cron < 1.5).';
