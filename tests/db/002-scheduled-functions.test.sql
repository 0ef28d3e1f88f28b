-- private.scheduled_functions: the one list of cron jobs (pg_cron hosted, the stack's scheduler locally).
begin;
select plan(8);

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

select * from finish();
rollback;
