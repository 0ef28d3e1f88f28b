-- Billing core: tiers, cluster assignment, the append-only ledger and its projection, idempotent
-- usage charging, and who may read what.
begin;
select plan(74);

select is((select array_agg(name order by price_monthly) from billing.subscription_tiers), array['free', 'pro', 'enterprise'], 'the three tiers exist');
select tests.create_supabase_user('ann');
select tests.create_supabase_user('ben');
select tests.create_supabase_user('cat');
select tests.create_supabase_user('dan');
select tests.create_supabase_user('root');
update public.profiles set is_admin = true where id = tests.get_supabase_uid('root');

-- Clusters: least loaded first, current_users kept by the database, max_users never exceeded.
insert into billing.hopsworks_clusters (name, api_url, api_key, max_users, kubeconfig) values
  ('alpha', 'https://alpha.hops.test', 'alpha-secret-key', 2, 'apiVersion: v1 # alpha'),
  ('beta', 'https://beta.hops.test', 'beta-secret-key', 1, 'apiVersion: v1 # beta');
select is((select name from billing.hopsworks_clusters where id = billing.assign_cluster(tests.get_supabase_uid('ann'), 'ann'))::text, 'alpha', 'the first user goes to the first empty cluster');
select is((select name from billing.hopsworks_clusters where id = billing.assign_cluster(tests.get_supabase_uid('ben')))::text, 'beta', 'the next goes to the least-loaded one');
select is((select name from billing.hopsworks_clusters where id = billing.assign_cluster(tests.get_supabase_uid('cat')))::text, 'alpha', 'then to the one with room');
select throws_ok($$select billing.assign_cluster(tests.get_supabase_uid('dan'))$$, 'P0001', 'no active cluster has room for another user', 'a full fleet refuses the assignment');
select is(billing.assign_cluster(tests.get_supabase_uid('ann')), (select id from billing.hopsworks_clusters where name = 'alpha'), 'assigning again returns the same cluster');
select results_eq($$select name::text, current_users from billing.hopsworks_clusters order by name$$, $$values ('alpha', 2), ('beta', 1)$$, 'current_users counts the assignments');
select throws_ok($$update billing.hopsworks_clusters set current_users = 3 where name = 'alpha'$$, '23514', null, 'current_users cannot exceed max_users');
delete from billing.user_hopsworks_assignments where user_id = tests.get_supabase_uid('cat');
select is((select current_users from billing.hopsworks_clusters where name = 'alpha'), 1, 'removing an assignment frees the seat');

-- The ledger: idempotent entries, append-only, projected into user_credits.
select billing.add_credit_entry(tests.get_supabase_uid('ann'), 'purchase', 1000, 'cs_test_ann_1', 'stripe');
select billing.add_credit_entry(tests.get_supabase_uid('ann'), 'purchase', 1000, 'cs_test_ann_1', 'stripe');
select is((select count(*)::int from billing.credit_ledger where idempotency_key = 'cs_test_ann_1'), 1, 'an idempotency key is applied once');
select is((select balance from billing.user_credits where user_id = tests.get_supabase_uid('ann')), 1000::bigint, 'a purchase raises the balance');
select throws_ok($$update billing.credit_ledger set amount_cents = 999999$$, '42501', null, 'ledger entries cannot be updated');
select throws_ok($$delete from billing.credit_ledger$$, '42501', null, 'ledger entries cannot be deleted');
select throws_ok($$truncate billing.credit_ledger$$, '42501', null, 'the ledger cannot be truncated');
select throws_ok($$select billing.add_credit_entry(tests.get_supabase_uid('ann'), 'purchase', -5, 'neg', 'x')$$, '23514', null, 'a purchase is positive');

-- Usage: cost from the tier's rates (free: 6 cents per CPU hour), re-sent totals replace.
select is((select total_cost from billing.record_usage(tests.get_supabase_uid('ann'), null, date '2026-11-02', 10, 0, 0, 0)), 60::bigint, 'cost = hours x rate');
select is((select balance from billing.user_credits where user_id = tests.get_supabase_uid('ann')), 940::bigint, 'the day''s cost is charged');
select lives_ok($$select billing.record_usage(tests.get_supabase_uid('ann'), null, date '2026-11-02', 10, 0, 0, 0)$$, 're-sending the same totals');
select is((select balance from billing.user_credits where user_id = tests.get_supabase_uid('ann')), 940::bigint, '... charges nothing more');
select is((select count(*)::int from billing.usage_daily where user_id = tests.get_supabase_uid('ann')), 1, '... and keeps one row for the day');
select billing.record_usage(tests.get_supabase_uid('ann'), null, date '2026-11-02', 20, 0, 0, 0);
select is((select balance from billing.user_credits where user_id = tests.get_supabase_uid('ann')), 880::bigint, 'higher totals charge the difference');
select billing.record_usage(tests.get_supabase_uid('ann'), null, date '2026-11-02', 5, 0, 0, 0);
select is((select balance from billing.user_credits where user_id = tests.get_supabase_uid('ann')), 970::bigint, 'lower totals refund the difference');
select is((select cpu_hours_used from billing.user_credits where user_id = tests.get_supabase_uid('ann')), 5.0000::numeric, 'hours used follow the replaced totals');

-- Out of credits: charged up to the balance, the rest recorded as uncovered.
select billing.add_credit_entry(tests.get_supabase_uid('ben'), 'purchase', 50, 'cs_test_ben_1', 'stripe');
select results_eq($$select charged_cents, uncovered_cents from billing.record_usage(tests.get_supabase_uid('ben'), null, date '2026-11-03', 0, 1, 0, 0)$$,
  $$values (50::bigint, 200::bigint)$$, 'usage beyond the balance is charged up to it and the rest is uncovered');
select is((select balance from billing.user_credits where user_id = tests.get_supabase_uid('ben')), 0::bigint, 'the balance stops at zero');
select throws_ok($$select billing.record_usage(tests.get_supabase_uid('ben'), null, date '2026-11-04', -1, 0, 0, 0)$$, '22023', null, 'negative usage is refused');
select is(
  (select count(*)::int from billing.user_credits uc
   where uc.balance <> (select coalesce(sum(amount_cents), 0) from billing.credit_ledger l where l.user_id = uc.user_id)),
  0, 'every balance equals the sum of its ledger');

-- The seed's common queries run.
select lives_ok($$SELECT SUM(total_cost) as monthly_total FROM billing.usage_daily WHERE user_id = tests.get_supabase_uid('ann') AND date >= date_trunc('month', CURRENT_DATE)$$, 'monthly total');
select lives_ok($$SELECT date, cpu_hours, gpu_hours, storage_gb_months, total_cost FROM billing.usage_daily WHERE user_id = tests.get_supabase_uid('ann') ORDER BY date DESC LIMIT 30$$, 'daily breakdown');
select results_eq($$SELECT c.name::text, c.current_users, c.max_users, COUNT(a.user_id)::int as assigned_users FROM billing.hopsworks_clusters c LEFT JOIN billing.user_hopsworks_assignments a ON c.id = a.hopsworks_cluster_id GROUP BY c.id ORDER BY 1$$,
  $$values ('alpha', 1, 2, 1), ('beta', 1, 1, 1)$$, 'cluster utilization');
select is((SELECT c.name FROM billing.users u LEFT JOIN billing.user_hopsworks_assignments a ON u.id = a.user_id LEFT JOIN billing.hopsworks_clusters c ON a.hopsworks_cluster_id = c.id WHERE u.id = tests.get_supabase_uid('ann')),
  'alpha', 'user with cluster');

-- Who reads what.
insert into billing.billing_history (user_id, amount, stripe_invoice_id, status) values (tests.get_supabase_uid('ann'), 2900, 'in_test_ann', 'paid');
select tests.authenticate_as('ben');
select is((select count(*)::int from billing.usage_daily), 1, 'a user reads only their own usage');
select is((select count(*)::int from billing.credit_ledger where user_id = tests.get_supabase_uid('ann')), 0, 'a user cannot read another user''s ledger');
select is((select count(*)::int from billing.billing_history), 0, 'a user cannot read another user''s invoices');
select is((select count(*)::int from billing.user_credits where user_id = tests.get_supabase_uid('ann')), 0, 'a user cannot read another user''s credits');
select is((select array_agg(name) from billing.hopsworks_clusters), array['beta']::text[], 'a user sees only their own cluster');
select throws_ok('select api_key from billing.hopsworks_clusters', '42501', null, 'a user cannot read cluster API keys');
select throws_ok($$select billing.record_usage(auth.uid(), null, current_date, 0, 0, 0, 0)$$, '42501', null, 'a user cannot record usage');
select throws_ok($$insert into billing.credit_ledger (user_id, kind, amount_cents, idempotency_key, source) values (auth.uid(), 'purchase', 100000, 'free-money', 'me')$$,
  '42501', null, 'a user cannot credit themselves');
select tests.authenticate_as('root');
select is((select count(*)::int from billing.usage_daily), 2, 'an admin reads every user''s usage');
select throws_ok('select kubeconfig from billing.hopsworks_clusters', '42501', null, 'an admin cannot read kubeconfigs either');
select tests.clear_authentication();
select throws_ok('select * from billing.user_credits', '42501', null, 'anon reads no credits');
select is((select count(*)::int from billing.subscription_tiers), 3, 'anon reads the tiers');
reset role;

-- Stripe dead letters: recorded once per event id (attempts counted), read by the service role only.
select billing.record_stripe_dead_letter('{"id": "evt_dead_1", "type": "checkout.session.completed"}', 'invalid_value', 'invalid input syntax for type bigint', '22P02');
select billing.record_stripe_dead_letter('{"id": "evt_dead_1", "type": "checkout.session.completed"}', 'invalid_value', 'invalid input syntax for type bigint', '22P02');
select billing.record_stripe_dead_letter('[]', 'invalid_event', 'not an event');
select results_eq($$select event_id, error_code, attempts from billing.stripe_dead_letters order by event_id nulls last$$,
  $$values ('evt_dead_1'::text, 'invalid_value'::text, 2), (null, 'invalid_event', 1)$$, 'one dead letter per event id, attempts counted; a body without id is kept too');
select tests.authenticate_as_service_role();
select is((select count(*)::int from billing.stripe_dead_letters), 2, 'the service role reads the dead letters');
select tests.authenticate_as('ann');
select throws_ok('select * from billing.stripe_dead_letters', '42501', null, 'a user cannot read the dead letters');
select throws_ok($$select billing.record_stripe_dead_letter('{}', 'x', 'y')$$, '42501', null, 'a user cannot record a dead letter');
select tests.authenticate_as('root');
select throws_ok('select * from billing.stripe_event_failures', '42501', null, 'an admin cannot read the dead-letter table');
select tests.clear_authentication();
select throws_ok('select * from billing.stripe_dead_letters', '42501', null, 'anon cannot read the dead letters');
reset role;

-- Prices, purchases, standing and the billing policy: who reads what.
insert into billing.stripe_prices (price_id, tier, interval, is_active) values ('price_tap_pro', 'pro', 'month', true), ('price_tap_old', 'pro', 'year', false);
select throws_ok($$insert into billing.stripe_prices (price_id, tier, interval) values ('price_tap_x', 'platinum', 'month')$$, '23503', null, 'a price maps to an existing tier');
select throws_ok($$insert into billing.stripe_prices (price_id, tier, interval) values ('price_tap_y', 'pro', 'week')$$, '22P02', null, 'a price interval is month or year (enum billing.price_interval)');
insert into billing.credit_purchases (purchase_key, user_id, payment_intent, amount_paid_cents, credits_cents)
values ('purchase:tap-ann', tests.get_supabase_uid('ann'), 'pi_tap_ann', 1000, 1000);
select tests.clear_authentication();
select results_eq($$select price_id, tier from billing.stripe_prices$$, $$values ('price_tap_pro'::text, 'pro'::text)$$, 'anon reads the active prices only');
select throws_ok('select * from billing.credit_purchases', '42501', null, 'anon reads no purchases');
select tests.authenticate_as('ben');
select is((select count(*)::int from billing.credit_purchases), 0, 'a user cannot read another user''s purchases');
select is((select count(*)::int from billing.account_standing where user_id = tests.get_supabase_uid('ann')), 0, 'a user cannot read another user''s standing');
select throws_ok('select * from billing.settings', '42501', null, 'a user cannot read the billing policy');
select throws_ok('select * from billing.stripe_disputes', '42501', null, 'a user cannot read disputes');
select throws_ok($$insert into billing.stripe_prices (price_id, tier, interval) values ('price_tap_z', 'enterprise', 'month')$$, '42501', null, 'a user cannot map prices');
select throws_ok('select billing.end_past_due_grace()', '42501', null, 'a user cannot run the grace sweep');
select tests.authenticate_as('ann');
select results_eq($$select purchase_key, credits_cents from billing.credit_purchases$$, $$values ('purchase:tap-ann'::text, 1000::bigint)$$, 'a user reads their own purchases');
reset role;


-- Hopsworks provisioning (20261202090000): a reservation takes no seat until the cluster confirmed.
select tests.create_supabase_user('hw_eve');
select tests.create_supabase_user('hw_fay');
update billing.hopsworks_clusters set status = 'inactive';
insert into billing.hopsworks_clusters (name, api_url, api_key, max_users) values ('gamma', 'https://gamma.test', 'kg', 1);
select is((select state::text from billing.reserve_cluster(tests.get_supabase_uid('hw_eve'))), 'pending', 'a reservation is pending');
select is((select current_users from billing.hopsworks_clusters where name = 'gamma'), 0, 'a pending reservation takes no seat');
select throws_ok($$select billing.reserve_cluster(tests.get_supabase_uid('hw_fay'))$$, 'P0001', 'no active cluster has room for another user', 'but it counts against max_users');
select throws_ok($$select billing.assign_cluster(tests.get_supabase_uid('hw_fay'))$$, 'P0001', 'no active cluster has room for another user', 'assign_cluster counts reservations too');
select is((select state::text || ' ' || hopsworks_username from billing.confirm_assignment(tests.get_supabase_uid('hw_eve'), 'eve001')), 'active eve001', 'confirming makes it active with the username');
select results_eq($$select c.current_users, u.hopsworks_username from billing.hopsworks_clusters c, billing.users u where c.name = 'gamma' and u.id = tests.get_supabase_uid('hw_eve')$$,
  $$values (1, 'eve001'::text)$$, 'the confirmed seat is taken and the username stored on the user');
select is((select state::text from billing.begin_release(tests.get_supabase_uid('hw_eve'))), 'releasing', 'unassigning starts a release');
select is((select current_users from billing.hopsworks_clusters where name = 'gamma'), 1, 'a releasing assignment keeps its seat');
select is(billing.finish_release(tests.get_supabase_uid('hw_eve')), true, 'the cluster deactivated the user: the release finishes');
select results_eq($$select (select current_users from billing.hopsworks_clusters where name = 'gamma'), (select hopsworks_username from billing.users where id = tests.get_supabase_uid('hw_eve'))$$,
  $$values (0, null::text)$$, 'finishing the release frees the seat and clears the username');
select tests.authenticate_as('hw_fay');
select throws_ok($$select billing.reserve_cluster(tests.get_supabase_uid('hw_fay'))$$, '42501', null, 'a user cannot reserve a seat');
reset role;


-- Usage collection (20261202090100): the sealed kubeconfig and its settings are service role only.
select throws_ok($$insert into billing.hopsworks_clusters (name, api_url, api_key, kubeconfig_sealed) values ('delta', 'https://d.test', 'kd', '{"alg": "none", "ct": "x"}')$$, '23514', null, 'kubeconfig_sealed holds only a sealed value');
select tests.authenticate_as('root');
select throws_ok('select kubeconfig_sealed from billing.hopsworks_clusters', '42501', null, 'an admin cannot read the sealed kubeconfig');
select throws_ok('select prometheus_service from billing.hopsworks_clusters', '42501', null, 'an admin cannot read the collector settings');
reset role;

select * from finish();
rollback;
