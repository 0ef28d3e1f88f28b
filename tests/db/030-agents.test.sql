-- Agents: the seed's constraints, the Algorand address check, owner-only RLS with the public listing,
-- column privileges on the payment fields and the token, deployment transitions, and the payment
-- nonce / settlement rules (single use, replay returns the original grant), and delivery of the paid call
-- (attempts claimed once each, at most max_attempts, then refundable; refunds recorded once by the owner or platform).
begin;
select plan(119);

select tests.create_supabase_user('ann');
select tests.create_supabase_user('ben');
select tests.create_supabase_user('cal');

-- Addresses made with algosdk (keys 0x01.., 0x02.., 0x03..); the last one's checksum is broken.
create temp table addr (name text primary key, address text);
grant select on addr to anon, authenticated;
insert into addr values
  ('ann', 'RKEOHXLUBHYZL7KS3MWTZOS5OLFGOCN7DWKBEG7TOSEADNAPN5OOTUNSLE'),
  ('ben', 'QE4XODVIPULV6VVDKRTMGTD6ZTFY3CURWTXDPIS56YHVXD6JWOKORTLPBU'),
  ('app', 'OKSDOCOXVGMBXQ5TP5YA4VWTZWZJLJP3OMIILPHMHGHURUFE2Q3JP62QNU'),
  ('bad', 'RKEOHXLUBHYZL7KS3MWTZOS5OLFGOCN7DWKBEG7TOSEADNAPN5OOTUNSLA');

-- The address check ----------------------------------------------------------------------------------
select ok(private.is_algorand_address((select address from addr where name = 'ann')), 'a real address passes');
select ok(private.is_algorand_address((select address from addr where name = 'app')), 'an application address passes');
select ok(not private.is_algorand_address((select address from addr where name = 'bad')), 'one flipped checksum bit fails');
select ok(not private.is_algorand_address('RKEOHXLUBHYZL7KS3MWTZOS5OLFGOCN7DWKBEG7TOSEADNAPN5OOTUNSLF'), 'non-zero padding bits fail');
select ok(not private.is_algorand_address(lower((select address from addr where name = 'ann'))), 'lowercase fails');
select ok(not private.is_algorand_address('RKEOHXLUBHYZL7KS3MWTZOS5OLFGOCN7DWKBEG7TOSEADNAPN5OOTUNS'), 'a short address fails');

-- Owners create agents; the seed's checks hold ------------------------------------------------------
select tests.authenticate_as('ann');
insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url, category, tags, price_microalgo)
values ('Summarizer', 'ann-summarizer', 'ann', 'summarizer', 'https://github.com/ann/summarizer', 'Language', array['nlp', 'summaries'], 250000),
       ('Charts', 'ann-charts', 'ann', 'charts', 'https://github.com/ann/charts', 'Data Analysis', array['charts'], 1000000);
select is((select user_id from agents.agents where subdomain = 'ann-summarizer'), tests.get_supabase_uid('ann'), 'user_id defaults to the caller');
select is((select status || '/' || runtime_status || '/' || category from agents.agents where subdomain = 'ann-charts'), 'pending/pending/Data Analysis', 'defaults: pending, pending');
select throws_ok($$insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url) values ('x', 'Bad_Sub', 'ann', 'x', 'https://github.com/ann/x')$$,
  '23514', null, 'the subdomain format is enforced');
select throws_ok($$insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url, price_microalgo) values ('x', 'neg', 'ann', 'neg', 'https://github.com/ann/neg', -1)$$,
  '23514', null, 'a negative price is refused');
select throws_ok($$insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url, category) values ('x', 'cat', 'ann', 'cat', 'https://github.com/ann/cat', 'Gambling')$$,
  '22P02', null, 'an undocumented category is refused (not a value of agents.agent_category)');
select throws_ok($$insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url) values ('x', 'ann-summarizer', 'ann', 'other', 'https://github.com/ann/other')$$,
  '23505', null, 'subdomains are unique');
select throws_ok($$insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url) values ('x', 'again', 'ann', 'summarizer', 'https://github.com/ann/summarizer')$$,
  '23505', null, 'one agent per user and repository');
select throws_ok($$insert into agents.agents (user_id, name, subdomain, repo_owner, repo_name, github_url) values (tests.get_supabase_uid('ben'), 'x', 'for-ben', 'ben', 'x', 'https://github.com/ben/x')$$,
  '42501', null, 'an agent cannot be created for someone else');
select throws_ok($$insert into agents.agents (name, subdomain, repo_owner, repo_name, github_url, agent_address) values ('x', 'payee', 'ann', 'payee', 'https://github.com/ann/payee', (select address from addr where name = 'ann'))$$,
  '42501', null, 'owners cannot set the payee address');
select throws_ok($$update agents.agents set app_id = 5 where subdomain = 'ann-charts'$$, '42501', null, 'owners cannot set the app id');
select throws_ok($$insert into private.agent_token_salts (agent_id, salt, token_sha256) select id, repeat('a', 32), repeat('a', 64) from agents.agents where subdomain = 'ann-charts'$$,
  '42501', null, 'owners cannot write a token hash');
select throws_ok($$select token_sha256 from private.agent_token_salts$$, '42501', null, 'owners cannot read the token hashes');
select throws_ok($$update agents.agents set status = 'active' where subdomain = 'ann-charts'$$, '42501', null, 'an owner cannot activate an undeployed agent');
insert into agents.deployments (agent_id) select id from agents.agents where subdomain = 'ann-summarizer';
select is((select count(*)::int from agents.deployments), 1, 'an owner requests a deployment of their agent');
select throws_ok($$insert into agents.deployments (agent_id) select id from agents.agents where subdomain = 'ann-summarizer'$$,
  '23505', null, 'one open deployment per agent');
select throws_ok($$update agents.deployments set status = 'success'$$, '42501', null, 'owners cannot move deployments themselves');

-- The deploy backend moves deployments through valid transitions only ---------------------------------
reset role;
create temp table dep as select id, agent_id from agents.deployments;
grant select on dep to anon, authenticated;
select is(agents.apply_deployment_event('evt-1', (select id from dep), null, 'deploying', 'build started', null, null, null) ->> 'outcome', 'applied', 'pending -> deploying');
select is((select status from agents.agents where id = (select agent_id from dep))::text, 'deploying', 'the agent is deploying');
select is(agents.apply_deployment_event('evt-1', (select id from dep), null, 'deploying', 'build started', null, null, null) ->> 'outcome', 'duplicate', 'a redelivered event is ignored');
select is((select build_logs from agents.deployments), 'build started', 'and its logs are not appended twice');
select throws_ok($$select agents.apply_deployment_event('evt-2', (select id from dep), null, 'pending')$$, 'P0001', null, 'deploying -> pending is refused');
select throws_ok($$select agents.apply_deployment_event('evt-3', (select id from dep), null, 'success', null, null, (select address from addr where name = 'bad'), 1001)$$,
  'P0001', 'agent_address is not a valid Algorand address', 'a bad payee address is refused');
select is((select status from agents.deployments)::text, 'deploying', 'refused events change nothing');
select is(agents.apply_deployment_event('evt-5', (select id from dep), 'job-77', 'deploying', 'image pushed', null, null, null) ->> 'outcome', 'applied', 'the job id is recorded');
select is(agents.apply_deployment_event('evt-6', null, 'job-77', 'success', 'live', 'Deployed', (select address from addr where name = 'app'), 1001) ->> 'status', 'success', 'a deployment is found by its job id');
select results_eq($$select status::text, runtime_status::text, agent_address::text, app_id from agents.agents where id = (select agent_id from dep)$$,
  $$select 'active', 'active', (select address from addr where name = 'app'), 1001::bigint$$, 'success activates the agent with its payee and app id');
select is((select build_logs || '|' || (completed_at is not null)::text from agents.deployments), E'build started\nimage pushed\nlive|true', 'logs are appended and completion stamped');
select throws_ok($$select agents.apply_deployment_event('evt-7', (select id from dep), null, 'failed')$$, 'P0001', null, 'a terminal deployment is final');
select throws_ok($$select agents.apply_deployment_event('evt-8', (select id from dep), 'job-other', 'deploying')$$, 'P0001', null, 'a job id cannot change');
select throws_ok($$select agents.apply_deployment_event('evt-9', gen_random_uuid(), null, 'deploying')$$, 'P0001', 'no such deployment', 'unknown deployments are refused');

-- The listing, and who sees what ------------------------------------------------------------------------
select tests.clear_authentication();
select results_eq($$select subdomain::text from agents.active_agents_view$$, $$values ('ann-summarizer')$$, 'anon lists the active agent only');
select throws_ok($$select user_id from agents.agents$$, '42501', null, 'anon cannot read owners');
select throws_ok($$select * from agents.deployments$$, '42501', null, 'anon cannot read deployments');
select throws_ok($$select * from agents.payments$$, '42501', null, 'anon cannot read payments');
select throws_ok($$select * from agents.payment_nonces$$, '42501', null, 'nobody but the service reads nonces');
select tests.authenticate_as('ben');
select results_eq($$select subdomain::text from agents.agents order by 1$$, $$values ('ann-summarizer')$$, 'another user sees the active listing, not pending agents');
select is((select count(*)::int from agents.deployments), 0, 'another user sees no deployments');
select is((select total_deployments from agents.get_agent_stats((select agent_id from dep))), 0::bigint, 'another user''s stats read as zero');
update agents.agents set name = 'hijacked';
select is((select name::text from agents.agents where subdomain = 'ann-summarizer'), 'Summarizer', 'another user cannot update the agent');
delete from agents.agents;
select is((select count(*)::int from agents.active_agents_view), 1, 'another user cannot delete it');
select throws_ok($$insert into agents.deployments (agent_id) select agent_id from dep$$, '42501', null, 'another user cannot deploy it');
select tests.authenticate_as('ann');
select results_eq($$select * from agents.get_agent_stats((select agent_id from dep))$$,
  $$select 1::bigint, 1::bigint, 0::bigint, (select started_at from agents.deployments)$$, 'the owner reads the stats');
update agents.agents set status = 'inactive' where subdomain = 'ann-summarizer';
select is((select count(*)::int from agents.active_agents_view), 0, 'an owner pauses an agent and it leaves the listing');
update agents.agents set status = 'active' where subdomain = 'ann-summarizer';
select is((select count(*)::int from agents.active_agents_view), 1, 'and resumes it');
reset role;
update agents.agents set updated_at = now() - interval '1 day' where subdomain = 'ann-charts';
select tests.authenticate_as('ann');
update agents.agents set description = 'Charts from CSV' where subdomain = 'ann-charts';
select ok((select updated_at = now() from agents.agents where subdomain = 'ann-charts'), 'updated_at follows updates');

-- Payment nonces and settlement ------------------------------------------------------------------------
reset role;
create temp table n1 as select * from agents.issue_payment_nonce((select agent_id from dep), 'algorand-testnet', '/agents/ann-summarizer/invoke', 300, tests.get_supabase_uid('ben'));
grant select on n1 to authenticated;
select results_eq($$select amount_microalgo, pay_to::text from n1$$, $$select 250000::bigint, (select address from addr where name = 'app')$$, 'a nonce binds the price and the payee');
select throws_ok($$select agents.issue_payment_nonce((select id from agents.agents where subdomain = 'ann-charts'), 'algorand-testnet', '/x', 300)$$,
  'P0001', null, 'no nonce for an agent that is not active');
select is(agents.claim_payment_nonce((select nonce from n1), (select id from agents.agents where subdomain = 'ann-charts'), repeat('A', 52)) ->> 'outcome', 'unknown_nonce', 'a nonce is bound to its agent');
select is(agents.claim_payment_nonce((select nonce from n1), (select agent_id from dep), repeat('A', 52)) ->> 'outcome', 'claimed', 'the first transaction claims the nonce');
select is(agents.claim_payment_nonce((select nonce from n1), (select agent_id from dep), repeat('A', 52)) ->> 'outcome', 'in_progress', 'the same transaction again is in progress');
select is(agents.claim_payment_nonce((select nonce from n1), (select agent_id from dep), repeat('B', 52)) ->> 'outcome', 'nonce_reused', 'another transaction cannot take the nonce');
select throws_ok($$select agents.settle_payment((select nonce from n1), repeat('A', 52), (select address from addr where name = 'ben'), 1, 10)$$,
  'P0001', null, 'a settlement must pay the nonce''s amount');
select is(agents.settle_payment((select nonce from n1), repeat('A', 52), (select address from addr where name = 'ben'), 250000, 10) ->> 'outcome', 'settled', 'the payment settles');
select is(agents.settle_payment((select nonce from n1), repeat('A', 52), (select address from addr where name = 'ben'), 250000, 10) #>> '{grant,transaction}', repeat('A', 52), 'settling again returns the original grant');
select is((select count(*)::int from agents.payments), 1, 'one payment row');
select is(agents.claim_payment_nonce((select nonce from n1), (select agent_id from dep), repeat('A', 52)) ->> 'outcome', 'replayed', 'a replayed transaction is told it already paid');
select is(agents.claim_payment_nonce((select nonce from n1), (select agent_id from dep), repeat('C', 52)) ->> 'outcome', 'nonce_reused', 'a consumed nonce cannot be reused');
create temp table n2 as select * from agents.issue_payment_nonce((select agent_id from dep), 'algorand-testnet', '/x', 300);
update agents.payment_nonces set expires_at = now() - interval '1 second' where nonce = (select nonce from n2);
select is(agents.claim_payment_nonce((select nonce from n2), (select agent_id from dep), repeat('D', 52)) ->> 'outcome', 'nonce_expired', 'an expired nonce cannot be claimed');

select tests.authenticate_as('ben');
select is((select count(*)::int from agents.payments), 1, 'the payer''s user sees the payment');
select tests.authenticate_as('ann');
select is((select count(*)::int from agents.payments), 1, 'the agent''s owner sees it');
select tests.authenticate_as('cal');
select is((select count(*)::int from agents.payments), 0, 'a third user does not');
select throws_ok($$select agents.issue_payment_nonce((select agent_id from dep), 'algorand-testnet', '/x', 300)$$, '42501', null, 'clients cannot issue nonces');
select throws_ok($$select agents.settle_payment('x', 'y', 'z', 1, 1)$$, '42501', null, 'clients cannot settle payments');

-- Delivery of the paid call, retries, refunds ------------------------------------------------------------
reset role;
-- The SQLSTATE and hint of the error a statement raises ('no error' if none), run as the current role.
create function tests.agents_error(query text)
returns text
language plpgsql
as $$
declare
  state text;
  hint text;
begin
  execute query;
  return 'no error';
exception when others then
  get stacked diagnostics state = returned_sqlstate, hint = pg_exception_hint;
  return state || ' ' || coalesce(hint, '');
end;
$$;
grant execute on function tests.agents_error(text) to anon, authenticated;
create temp table p1 as select id, txid from agents.payments where txid = repeat('A', 52);
grant select on p1 to authenticated;
select results_eq($$select status::text, attempts, max_attempts from agents.payment_deliveries where payment_id = (select id from p1)$$,
  $$values ('pending', 1, 3)$$, 'a settled payment gets its delivery record: attempt 1 pending, owned by the settling request');
select is(agents.claim_delivery(repeat('A', 52), true, 3, 60) ->> 'outcome', 'claimed', 'the settling request takes its first attempt');
select is(agents.claim_delivery(repeat('A', 52), false, 3, 60, tests.get_supabase_uid('ben')) ->> 'outcome', 'in_progress', 'a re-send while it is in flight is not forwarded');
select is(agents.record_delivery(repeat('A', 52), 1, false, 500, 'runtime_error', 'HTTP 500') #>> '{delivery,failure_reason}', 'runtime_error', 'a failed attempt is recorded with its reason');
select is(agents.claim_delivery(repeat('A', 52), false, 3, 60) ->> 'outcome', 'not_yours', 'a paid-for call of a signed-in user is retried only for that user');
select is(agents.claim_delivery(repeat('A', 52), false, 3, 60, tests.get_supabase_uid('ben')) ->> 'attempt', '2', 'the payer''s re-send claims attempt 2');
select is(agents.claim_delivery(repeat('A', 52), false, 3, 60, tests.get_supabase_uid('ben')) ->> 'outcome', 'in_progress', 'one claim per attempt');
select is(agents.record_delivery(repeat('A', 52), 1, true, 200) ->> 'recorded', 'false', 'a result of an attempt that is no longer current changes nothing');
select is(agents.record_delivery(repeat('A', 52), 2, false, null, 'timeout', 'no answer') #>> '{delivery,attempts}', '2', 'attempt 2 fails (timeout)');
select is(agents.claim_delivery(repeat('A', 52), false, 3, 60, tests.get_supabase_uid('ben')) ->> 'attempt', '3', 'attempt 3 is claimed');
select is(agents.record_delivery(repeat('A', 52), 3, false, null, 'connection_failed', 'ECONNRESET') ->> 'refundable', 'true', 'after the last attempt fails a refund is owed');
select is(agents.claim_delivery(repeat('A', 52), false, 3, 60, tests.get_supabase_uid('ben')) ->> 'outcome', 'not_served', 'no fourth attempt');
select throws_ok($$select agents.record_delivery(repeat('A', 52), 3, false)$$, '22023', null, 'a failure needs a reason');

-- A delivered payment: never forwarded again, never refundable.
create temp table n3 as select * from agents.issue_payment_nonce((select agent_id from dep), 'algorand-testnet', '/x', 300);
select is(agents.claim_payment_nonce((select nonce from n3), (select agent_id from dep), repeat('E', 52)) ->> 'outcome', 'claimed', 'a second payment claims its nonce');
select is(agents.settle_payment((select nonce from n3), repeat('E', 52), (select address from addr where name = 'ben'), 250000, 11) ->> 'outcome', 'settled', 'and settles');
select is(agents.claim_delivery(repeat('E', 52), true, 3, 60) ->> 'attempt', '1', 'its settling request forwards');
select is(agents.record_delivery(repeat('E', 52), 1, true, 422) #>> '{delivery,status}', 'delivered', 'a 4xx from the runtime is the agent''s answer: delivered');
select is(agents.claim_delivery(repeat('E', 52), false, 3, 60) ->> 'outcome', 'delivered', 'a delivered payment re-sent is never forwarded again');
create temp table p3 as select id from agents.payments where txid = repeat('E', 52);
grant select on p3 to authenticated;

select tests.authenticate_as('ann');
select results_eq($$select payment_id, attempts, failure_reason::text, refund_owed from agents.refundable_payments$$,
  $$select (select id from p1), 3, 'connection_failed', true$$, 'the agent''s owner sees the unserved payment as refundable (the delivered one is not listed)');
select is((select count(*)::int from agents.payment_deliveries), 2, 'the owner reads the delivery records of their agent''s payments');
select throws_ok($$update agents.payment_deliveries set status = 'delivered'$$, '42501', null, 'clients cannot write delivery records');
select throws_ok($$insert into agents.payment_refunds (payment_id, refund_txid) select id, repeat('R', 52) from p1$$, '42501', null, 'clients cannot write refunds directly');
select throws_ok($$select agents.claim_delivery(repeat('A', 52), false, 3, 60)$$, '42501', null, 'clients cannot claim deliveries');
select is(tests.agents_error($$select agents.record_payment_refund((select id from p3), repeat('R', 52))$$), 'PT409 payment_not_refundable', 'a delivered payment is not refundable');
select is(tests.agents_error($$select agents.record_payment_refund((select id from p1), 'r-lowercase')$$), '22023 invalid_refund_txid', 'a malformed refund txid is refused');
select is(tests.agents_error($$select agents.record_payment_refund(gen_random_uuid(), repeat('R', 52))$$), 'PT404 payment_not_found', 'an unknown payment is refused');
select tests.authenticate_as('cal');
select is((select count(*)::int from agents.refundable_payments), 0, 'another user sees no refundable payments');
select is((select count(*)::int from agents.payment_deliveries), 0, 'nor delivery records');
select is(tests.agents_error($$select agents.record_payment_refund((select id from p1), repeat('R', 52))$$), 'PT403 payment_not_yours', 'another user cannot record the refund');
select tests.authenticate_as('ben');
select is(tests.agents_error($$select agents.record_payment_refund((select id from p1), repeat('R', 52))$$), 'PT403 payment_not_yours', 'nor can the payer');
select tests.authenticate_as('ann');
select is(agents.record_payment_refund((select id from p1), repeat('R', 52)) ->> 'recorded_by', tests.get_supabase_uid('ann')::text, 'the owner records the refund transaction');
select is(tests.agents_error($$select agents.record_payment_refund((select id from p1), repeat('S', 52))$$), 'PT409 payment_already_refunded', 'a payment is refunded once');
select tests.authenticate_as('ben');
select results_eq($$select refund_owed, refund_txid from agents.refundable_payments$$, $$values (false, repeat('R', 52))$$,
  'the payer sees that the call was not served and was refunded');
select tests.authenticate_as_service_role();
select is((select count(*)::int from agents.refundable_payments), 1, 'the service role sees every refundable payment');
select is(agents.claim_delivery(repeat('A', 52), false, 3, 60, tests.get_supabase_uid('ben')) ->> 'outcome', 'not_served', 'a refunded payment is never forwarded');
select tests.clear_authentication();
select throws_ok($$select * from agents.refundable_payments$$, '42501', null, 'anon reads no refundable payments');
select throws_ok($$select agents.record_payment_refund((select id from p1), repeat('T', 52))$$, '42501', null, 'anon cannot record refunds');

-- Deploying from GitHub: agents.request_deployment / record_deployment_job (service role only) -------------
select tests.authenticate_as('ann');
select throws_ok($$select agents.request_deployment((select id from agents.agents where subdomain = 'ann-charts'), repeat('a', 40), 'main')$$,
  '42501', null, 'owners cannot open deployments through the RPC (the deploy route does, after GitHub said yes)');
select throws_ok($$select agents.record_deployment_job(gen_random_uuid(), 'job-x')$$, '42501', null, 'nor record a job id');
select throws_ok($$select * from private.deployment_requests$$, '42501', null, 'nor read the idempotency keys');
select tests.authenticate_as_service_role();
create temp table charts as select id from agents.agents where subdomain = 'ann-charts';
select is(agents.request_deployment((select id from charts), repeat('a', 40), 'main', 'key-1', null) ->> 'outcome', 'created', 'a first request opens a deployment');
create temp table charts_dep as select id from agents.deployments where agent_id = (select id from charts);
select is(agents.request_deployment((select id from charts), repeat('a', 40), 'main', 'key-1', null) #>> '{deployment,id}', (select id::text from charts_dep),
  'the same key returns the same deployment');
select is(agents.request_deployment((select id from charts), repeat('a', 40), 'main', null, null) ->> 'outcome', 'resumed',
  'the same commit, not yet acknowledged by the backend, is resumed');
select throws_like($$select agents.request_deployment((select id from charts), repeat('b', 40), 'v2', 'key-2', 'v2')$$, '%has an open deployment%',
  'another commit cannot open beside it (deployment_in_progress)');
select throws_like($$select agents.request_deployment((select id from charts), repeat('a', 40), 'main', 'key-1', 'main')$$, '%was used for another request',
  'a key names one request (idempotency_key_reused)');
select throws_ok($$update agents.deployments set commit_sha = 'abc123' where id = (select id from charts_dep)$$, '23514', null, 'commit_sha is a full sha');
select is(agents.record_deployment_job((select id from charts_dep), 'job-1') ->> 'job_id', 'job-1', 'the backend''s job id is stored');
select is(agents.record_deployment_job((select id from charts_dep), 'job-2') ->> 'job_id', 'job-1', 'once');
select throws_like($$select agents.request_deployment((select id from charts), repeat('a', 40), 'main', null, null)$$, '%has an open deployment%',
  'an acknowledged deployment is not resumed by another request');
select is((select count(*)::int from agents.deployments where agent_id = (select id from charts)), 1, 'one deployment in all');
select tests.clear_authentication();

select * from finish();
rollback;
