-- Sites: domain verification (claims per user, one verified claim per host, only the functions
-- verify) and privacy requests (issue 17 points 2 and 4).
begin;
select plan(12);

select tests.create_supabase_user('vera');
select tests.create_supabase_user('mal');
create temp table claims as
with m as (insert into sites.domains (user_id, domain) values (tests.get_supabase_uid('mal'), 'contested.example') returning id),
     v as (insert into sites.domains (user_id, domain) values (tests.get_supabase_uid('vera'), 'contested.example') returning id)
select (select id from m) as mal_id, (select id from v) as vera_id;
-- (The two inserts above would have failed on the old unique(domain).)
select is((select count(*)::int from sites.domains where domain = 'contested.example'), 2, 'two users claim the same host');
select throws_ok($$insert into sites.domains (user_id, domain) values (tests.get_supabase_uid('mal'), 'contested.example')$$,
  '23505', null, 'one claim per user and host');
select is((select sites.record_domain_verification((select vera_id from claims), 'found') ->> 'status'), 'verified', 'the claim whose token is found is verified');
select is((select sites.record_domain_verification((select mal_id from claims), 'found') ->> 'status'), 'taken', 'a second claim of a verified host is not');
select throws_ok($$update sites.domains set verified_at = now() where id = (select mal_id from claims)$$,
  '23505', null, 'at most one verified claim per host, whoever writes');
create temp table due as select * from sites.start_due_crawls() as id;
select is((select array_agg(j.domain_id) from due join sites.content_refresh_jobs j on j.id = due.id),
  array[(select vera_id from claims)], 'due crawls open jobs for verified claims only');
select is((select sites.record_domain_verification((select vera_id from claims), 'unreachable') ->> 'status'), 'still_verified', 'one unreachable check keeps the verification');
select is((select sites.record_domain_verification((select vera_id from claims), 'absent', 'no token') ->> 'status'), 'unverified', 'a site without the token loses it at once');

grant select on claims to authenticated;
set local role authenticated;
select tests.authenticate_as('mal');
select throws_ok($$update sites.domains set verified_at = now() where id = (select mal_id from claims)$$, '42501', null, 'owners cannot mark their claim verified');
select throws_ok($$update sites.domains set domain = 'other.example' where id = (select mal_id from claims)$$, '42501', null, 'nor move a claim to another host');
select is((select count(*)::int from sites.domains where verification_token is not null), 1, 'an owner reads the token of their own claim only');
select throws_ok($$select sites.record_domain_verification((select mal_id from claims), 'found')$$, '42501', null, 'clients cannot record a verification');
reset role;

select * from finish();
rollback;
