-- Sites II in the database: the chat rate limit and usage counters, verification attempts, the
-- privacy export and erasure, and who may call or change what.
begin;
select plan(21);

select tests.create_supabase_user('ann');
select tests.create_supabase_user('ben');
create temp table t as
with c as (insert into sites.customers (auth_user_id, email) values (tests.get_supabase_uid('ann'), 'ann@shop.test') returning id),
     d as (insert into sites.domains (user_id, domain) values (tests.get_supabase_uid('ann'), 'ann.example.com') returning id),
     cfg as (insert into sites.customer_configs (customer_id, domain, rate_limit) select id, 'ann.example.com', 2 from c returning id)
select (select id from c) as customer_id, (select id from d) as domain_id, (select id from cfg) as config_id;
grant select on t to authenticated;

-- Rate limit: per bucket in a sliding minute, shared by every caller; a refused request is not counted.
select is((select allowed from sites.take_chat_rate_limit((select config_id from t), array['session:a', 'net:x'], array[2, 2])), true, 'first request allowed');
select is((select allowed from sites.take_chat_rate_limit((select config_id from t), array['session:a', 'net:x'], array[2, 2])), true, 'second allowed');
select is((select refused_bucket from sites.take_chat_rate_limit((select config_id from t), array['session:b', 'net:x'], array[2, 2])), 'net:x', 'a third from the same address prefix is refused, whatever the session');
select ok((select retry_after_seconds between 1 and 60 and not allowed from sites.take_chat_rate_limit((select config_id from t), array['session:c', 'net:x'], array[2, 2])), 'a refusal says when to retry');
select is((select allowed from sites.take_chat_rate_limit((select config_id from t), array['net:y', 'site'], array[5, 1])), true, 'the site ceiling allows its first request');
select is((select refused_bucket from sites.take_chat_rate_limit((select config_id from t), array['net:z', 'site'], array[5, 1])), 'site', 'the site ceiling refuses the next, from any address');
select throws_ok($$select * from sites.take_chat_rate_limit((select config_id from t), array['a', 'b'], array[1])$$, '22023', null, 'every bucket needs its limit');

-- Knowledge search ranks by relevance, not recency: the newer FAQ that only shares a word loses.
insert into sites.structured_extractions (domain_id, url, extract_type, extracted_data, extracted_at) values
  ((select domain_id from t), 'https://ann.example.com/items/23', 'faq', '{"questions": [{"question": "What is item 23?", "answer": "Item 23 is a lamp."}]}', now() - interval '2 days'),
  ((select domain_id from t), 'https://ann.example.com/items/99', 'faq', '{"questions": [{"question": "What is item 99?", "answer": "Item 99 is a chair."}]}', now());
select is((select url from sites.search_knowledge('What is item 23?', array_fill(0.01, array[1536])::extensions.vector, (select domain_id from t), 1)),
  'https://ann.example.com/items/23', 'knowledge search: the matching FAQ first, though older');

-- A chat turn creates the conversation once per session.
select sites.record_chat_turn((select domain_id from t), (select customer_id from t), 'sess-1', null, 'Hi', 'Hello', '{"tokens": 5}', 5);
select sites.record_chat_turn((select domain_id from t), (select customer_id from t), 'sess-1', null, 'More', 'Sure', '{"tokens": 7}', 7);
select is((select count(*)::int from sites.conversations where session_id = 'sess-1'), 1, 'one conversation per session');
select is((select count(*)::int from sites.messages), 4, 'two turns, four messages');
select throws_ok($$select sites.record_chat_turn((select domain_id from t), (select customer_id from t), 'sess-2', (select id from sites.conversations limit 1), 'x', 'y', '{}', 0)$$,
  'P0001', null, 'a session cannot write into another session''s conversation');

-- Verifications: the hash only, 5 attempts.
insert into sites.customer_verifications (domain_id, email, purpose, method, code_hash, expires_at)
select domain_id, 'v@mail.test', 'privacy_request', 'email_code', encode(extensions.digest('123456', 'sha256'), 'hex'), now() + interval '10 minutes' from t;
select is(sites.check_verification((select id from sites.customer_verifications), repeat('0', 64)), 'wrong_code', 'a wrong code is counted');
update sites.customer_verifications set attempts = 5;
select is(sites.check_verification((select id from sites.customer_verifications), encode(extensions.digest('123456', 'sha256'), 'hex')), 'too_many_attempts', 'after 5 attempts even the right code fails');

-- Export and erasure stay inside the tenant and the email.
update sites.conversations set visitor_email = 'v@mail.test';
insert into sites.privacy_requests (domain_id, email, request_type, due_at) select domain_id, 'v@mail.test', 'delete', now() + interval '30 days' from t;
select is(jsonb_array_length(sites.privacy_export((select domain_id from t), 'V@Mail.test') -> 'conversations'), 1, 'the export finds the email case-insensitively');
select is((sites.privacy_erase((select domain_id from t), 'v@mail.test', (select id from sites.privacy_requests)) ->> 'conversations')::int, 1, 'the erasure removes the conversation');
select is((select count(*)::int from sites.messages), 0, 'and its messages');
select is((select status from sites.privacy_requests), 'completed', 'the request remains, completed');

-- Who may call and change what.
select tests.authenticate_as('ben');
select throws_ok($$select sites.privacy_export((select domain_id from t), 'v@mail.test')$$, '42501', null, 'clients cannot export');
update sites.privacy_requests set status = 'rejected';
select tests.authenticate_as('ann');
select is((select status from sites.privacy_requests), 'completed', 'another owner cannot change her requests');
select throws_ok($$select * from sites.take_chat_rate_limit((select config_id from t), array['x'], array[1])$$, '42501', null, 'clients cannot touch the rate limiter');
select throws_ok($$select * from sites.search_knowledge('x', null, (select domain_id from t), 1)$$, '42501', null, 'clients cannot call the chat knowledge search');
reset role;

select * from finish();
rollback;
