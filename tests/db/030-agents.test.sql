-- Agents: the seed's constraints, the Algorand address check, owner-only RLS with the public listing,
-- column privileges on the payment fields and the token, deployment transitions, and the payment
-- nonce / settlement rules (single use, replay returns the original grant).
begin;
select plan(69);

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

select * from finish();
rollback;
