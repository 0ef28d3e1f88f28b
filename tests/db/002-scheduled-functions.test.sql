-- private.scheduled_functions: the one list of cron jobs (pg_cron hosted, the stack's scheduler locally).
begin;
select plan(12);

select lives_ok($$select private.schedule_function('nightly-test', '0 3 * * *', 'health', '{"x": 1}')$$, 'a schedule can be declared');
select is((select schedule from private.scheduled_functions where name = 'nightly-test'), '0 3 * * *', 'the schedule is stored');
select lives_ok($$select private.schedule_function('nightly-test', '30 3 * * *', 'health')$$, 'declaring it again replaces it');
select is((select count(*)::int from private.scheduled_functions where name = 'nightly-test'), 1, 'no duplicate job');
select throws_ok($$select private.schedule_function('Bad Name!', '* * * * *', 'health')$$, '23514', null, 'job names are validated');
select lives_ok($$select private.unschedule_function('nightly-test')$$, 'a schedule can be removed');
select is((select active from private.scheduled_functions where name = 'nightly-test'), false, 'an unscheduled job is inactive');

select tests.authenticate_as_service_role();
select tests.clear_authentication();
select throws_ok('select * from private.scheduled_functions', '42501', null, 'anon cannot see scheduled jobs');
reset role;

-- pg_cron before 1.5 cannot run "N seconds": those jobs run every minute there.
select is(private.cron_schedule_for('10 seconds', '1.4-1'), '* * * * *', 'pg_cron 1.4: "10 seconds" runs every minute');
select is(private.cron_schedule_for('10 seconds', '1.6'), '10 seconds', 'pg_cron 1.5+: seconds schedules as declared');
select is(private.cron_schedule_for('30 4 * * *', '1.4-1'), '30 4 * * *', 'cron expressions are unchanged');
select is(private.cron_schedule_for('10 seconds', null), '10 seconds', 'without pg_cron nothing changes');
select * from finish();
rollback;
