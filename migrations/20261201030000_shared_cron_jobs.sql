-- private.unschedule_function on a real pg_cron: it called cron.unschedule(name), which raises
-- "could not find valid entry for job '<name>'" when there is no such job, so unscheduling a schedule
-- twice, or one that never got a cron job (declared before pg_cron and pg_net were there, or where
-- only pg_cron is), failed where pg_cron exists and passed everywhere else (PGlite). Found by
-- tests/stack/cron-schedule.test.ts on PostgreSQL 17 with pg_cron 1.6.
--
-- Now it removes every pg_cron job of that name in this database, by id (cron.unschedule(name) only
-- finds the current user's jobs), and none is no error. cron.job is named in dynamic SQL only: the
-- function is created, and runs, where pg_cron is not installed. Same signature, so the grants stay.
create or replace function private.unschedule_function(job_name text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update private.scheduled_functions set active = false where name = job_name;
  if exists (select from pg_extension where extname = 'pg_cron') then
    execute 'select cron.unschedule(jobid) from cron.job where jobname = $1 and database = current_database()'
      using job_name;
  end if;
end;
$$;
comment on function private.unschedule_function(text) is 'Deactivates a scheduled function call and removes its pg_cron jobs, if any (idempotent).';
