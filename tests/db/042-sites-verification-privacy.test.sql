-- Sites: domain verification (claims per user, one verified claim per host, only the functions
-- verify) and privacy requests (issue 17 points 2 and 4).
begin;
select plan(22);

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

-- Privacy: the subject's own data only; others' conversations that mention the email go to review.
create temp table p as
with bob as (insert into sites.conversations (domain_id, session_id, visitor_email) select vera_id, 'sess-bob', 'bob@mail.test' from claims returning id),
     amy as (insert into sites.conversations (domain_id, session_id, visitor_email) select vera_id, 'sess-amy', 'amy@mail.test' from claims returning id)
select (select id from bob) as bob_conv, (select id from amy) as amy_conv;
insert into sites.messages (conversation_id, role, content) select bob_conv, 'user', 'Call my ex AMY@mail.test, I live at 1 Bob Lane' from p;
insert into sites.messages (conversation_id, role, content) select amy_conv, 'user', 'Where is my order?' from p;
select is((select jsonb_agg(c -> 'id') from jsonb_array_elements(sites.privacy_export((select vera_id from claims), 'amy@mail.test') -> 'conversations') c),
  (select jsonb_agg(amy_conv) from p), 'the export holds the subject''s own conversation, not one that mentions her');
create temp table r as select * from sites.open_privacy_request((select vera_id from claims), 'Amy@mail.test', 'delete', 'gdpr', '{}', repeat('a', 64), 'client-1');
select is((select outcome from r), 'opened', 'a request is opened');
select is((select outcome from sites.open_privacy_request((select vera_id from claims), 'amy@mail.test', 'delete', 'gdpr', '{}', repeat('b', 64), 'client-2')),
  'already_open', 'one open request per site, email and type');
select is(sites.privacy_flag_mentions((select request_id from r)), 1, 'the conversation that mentions her is listed for review');
select is((sites.privacy_erase((select vera_id from claims), 'amy@mail.test', (select request_id from r)) ->> 'conversations')::int, 1, 'the erasure removes her own conversation');
select is((select count(*)::int from sites.conversations where id = (select bob_conv from p)), 1, 'and leaves the one that mentions her');
create temp table r2 as select * from sites.open_privacy_request((select vera_id from claims), 'zed@mail.test', 'access', 'gdpr', '{}', repeat('c', 64), 'client-3');
create temp table r3 as select * from sites.open_privacy_request((select vera_id from claims), 'zed@mail.test', 'delete', 'gdpr', '{}', repeat('d', 64), 'client-3');
select sites.check_privacy_code((select request_id from r2), repeat('0', 64)) from generate_series(1, 5);
select is(sites.check_privacy_code((select request_id from r3), repeat('d', 64)), 'too_many_attempts', 'five wrong codes on one request lock the others of that email');
select is((select outcome from sites.open_privacy_request((select vera_id from claims), 'zed@mail.test', 'rectify', 'gdpr', '{}', repeat('e', 64), 'client-3')),
  'too_many_attempts', 'and no new request gets a code');

grant select on claims to authenticated;
set local role authenticated;
select tests.authenticate_as('vera');
select is((select count(*)::int from sites.privacy_review_items), 1, 'the owner reads the review list of her site');
select tests.authenticate_as('mal');
select is((select count(*)::int from sites.privacy_review_items), 0, 'another user reads none of it');
select throws_ok($$update sites.domains set verified_at = now() where id = (select mal_id from claims)$$, '42501', null, 'owners cannot mark their claim verified');
select throws_ok($$update sites.domains set domain = 'other.example' where id = (select mal_id from claims)$$, '42501', null, 'nor move a claim to another host');
select is((select count(*)::int from sites.domains where verification_token is not null), 1, 'an owner reads the token of their own claim only');
select throws_ok($$select sites.record_domain_verification((select mal_id from claims), 'found')$$, '42501', null, 'clients cannot record a verification');
reset role;

select * from finish();
rollback;
