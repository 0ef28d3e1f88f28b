-- Catalog schema: keys, views, grants and RLS, search RPCs (without vectors; see vitest for those).
begin;
select plan(73);

-- Keys the source document lacked.
select col_is_pk('cloud', 'providers', 'id', 'providers has a primary key');
select col_is_pk('cloud', 'regions', 'id', 'regions has a primary key');
select col_is_pk('cloud', 'cred', 'id', 'cred has a primary key');
select col_is_pk('cloud', 'data', 'id', 'data has a primary key');
select throws_ok($$insert into cloud.instances (provider, instance_id) values ('aws', 'gpu-h100-x8')$$, '23505', null, 'instances are unique per (provider, instance_id)');
select throws_ok($$insert into cloud.regions (provider, region_id) values ('aws', 'us-east-1')$$, '23505', null, 'regions are unique per (provider, region_id)');
select throws_ok($$insert into cloud.instances (provider, instance_id) values ('nosuchcloud', 'x')$$, '23503', null, 'an instance needs a known provider');
select throws_ok($$insert into cloud.bitnami_packages (name, category) values ('x', 999)$$, '23503', null, 'a package needs a known category');
select throws_ok($$insert into cloud.instances (provider, instance_id, price_monthly) values ('aws', 'neg', -1)$$, '23514', null, 'prices cannot be negative');
select throws_ok($$insert into cloud.instances (provider, instance_id, regions) values ('aws', 'obj', '{"a": 1}')$$, '23514', null, 'regions must be a JSON array');

-- search_tsv is the database's job.
update cloud.bitnami_packages set description = 'A zanzibar-grade authorization service' where name = 'vault';
select ok((select search_tsv @@ websearch_to_tsquery('english', 'zanzibar') from cloud.bitnami_packages where name = 'vault'), 'search_tsv follows the description');
select ok((select search_tsv @@ websearch_to_tsquery('english', 'secrets') from cloud.bitnami_packages where name = 'vault'), 'search_tsv includes the keywords');

-- Credentials: sealed only, and never readable by clients.
select throws_ok($$update cloud.providers set provider_credentials = '{"token": "dop_v1_plaintext"}' where provider = 'digitalocean'$$, '23514', null, 'plaintext credentials are refused');
select lives_ok($$update cloud.providers set provider_credentials = '{"alg": "A256GCM", "iv": "AAAA", "ct": "BBBB"}' where provider = 'digitalocean'$$, 'sealed credentials are stored');
select tests.clear_authentication();
select throws_ok('select provider_credentials from cloud.providers', '42501', null, 'anon cannot read provider credentials');
select throws_ok('select * from cloud.providers', '42501', null, 'anon cannot select * (it includes the credentials)');
select is((select count(*)::int from cloud.providers where provider = 'digitalocean' and logo_url is not null), 1, 'anon reads the rest of providers');
select throws_ok('select * from cloud.cred', '42501', null, 'anon cannot read cloud.cred');
select throws_ok('select * from cloud.data', '42501', null, 'anon cannot read cloud.data');
select throws_ok($$insert into cloud.instances (provider, instance_id) values ('aws', 'anon-write')$$, '42501', null, 'anon cannot write the catalog');
select ok((select count(*) from cloud.instances) > 300 and (select count(*) from cloud.bitnami_packages) > 50, 'anon reads the catalog');
select tests.create_supabase_user('catalog_user');
select tests.authenticate_as('catalog_user');
select throws_ok('select provider_credentials from cloud.providers', '42501', null, 'authenticated users cannot read provider credentials');
select throws_ok('select * from cloud.cred', '42501', null, 'authenticated users cannot read cloud.cred');
select throws_ok($$update cloud.instances set price_monthly = 0$$, '42501', null, 'authenticated users cannot change prices');
reset role;

-- Views: security invoker, and region membership per provider (us-east-1 exists at aws and at lambdalabs).
select ok((select 'security_invoker=true' = any (reloptions) from pg_class where oid = 'cloud.instances_with_city'::regclass), 'instances_with_city is security_invoker');
select ok((select 'security_invoker=true' = any (reloptions) from pg_class where oid = 'cloud.instances_with_country'::regclass), 'instances_with_country is security_invoker');
select is((select count(*)::int from cloud.instances_with_city where provider = 'aws' and instance_id = 'c-1vcpu-1gb'), 6,
  'an aws instance sold in the 6 aws regions appears once per aws region');
select is((select count(*)::int from cloud.instances_with_city where provider = 'aws' and city = 'Washington'), 0,
  'it never picks up another provider''s region of the same id (lambdalabs us-east-1, Washington)');
select has_column('cloud', 'instances_with_city', 'continent', 'instances_with_city has city, country and continent');
select has_column('cloud', 'instances_with_country', 'country', 'instances_with_country has country');
set local enable_seqscan = off;
select ok((select count(*) from (select 1 from cloud.instances_with_country where country = 'Japan') x) > 0
  and exists (select 1 from cloud.regions where country = 'Japan'), 'country filter runs with region membership indexed');
reset enable_seqscan;

-- The document's query patterns. (3) references alias r outside its FROM list and cannot run as
-- written on any Postgres; its corrected form is checked instead (see README).
select results_eq(
  $$SELECT provider, name, gpu_model, gpu_count, price_monthly FROM cloud.instances WHERE gpu_count > 0 ORDER BY price_monthly LIMIT 1$$,
  $$select 'hetzner'::varchar, '1x NVIDIA RTX 4000 Ada'::varchar, 'RTX 4000 Ada'::varchar, 1, 182.5000::numeric$$,
  'pattern 1: GPU instances by price');
select results_eq(
  $$SELECT p.name, p.version, p.stars, c.name as category FROM cloud.bitnami_packages p LEFT JOIN cloud.bitnami_categories c ON p.category = c.category_id WHERE p.deprecated = false ORDER BY p.stars DESC LIMIT 2$$,
  $$values ('kube-prometheus-stack', '65.5.0', 3100, 'Monitoring and logging'), ('ingress-nginx', '4.11.3', 2900, 'Networking')$$,
  'pattern 2: packages by category, most starred first, deprecated excluded');
select throws_ok($$SELECT i.*, r.city, r.country FROM cloud.instances_with_city i WHERE i.country = 'United States' AND i.gpu_count > 0$$,
  '42P01', null, 'pattern 3 as written references a missing alias');
select ok((select bool_and(country = 'United States' and gpu_count > 0) and count(*) > 10
  from (SELECT i.gpu_count, i.city, i.country FROM cloud.instances_with_city i WHERE i.country = 'United States' AND i.gpu_count > 0) x),
  'pattern 3 (alias corrected): US GPU instances with their city');

-- Search RPCs honour their filters (no query embedding: cheapest first).
select ok((select bool_and(provider = 'aws' and gpu_count >= 4) and count(*) = 5 from cloud.search_instances(match_count => 5, provider_filter => 'AWS', min_gpu_count => 4)),
  'search_instances: provider (case-insensitive) and minimum GPU count');
select ok((select bool_and(price_monthly <= 100) from cloud.search_instances(match_count => 50, max_price_monthly => 100)), 'search_instances: max monthly price');
select ok((select bool_and(price_hourly <= 1 and cpu_cores >= 8 and memory_gb >= 32) from cloud.search_instances(match_count => 50, max_price_hourly => 1, min_vcpu => 8, min_memory_gb => 32)),
  'search_instances: max hourly price, min vCPU and memory');
select ok((select count(*) = 0 from cloud.search_instances(match_count => 500, provider_filter => 'digitalocean') where instance_id = 'm-64vcpu-512gb'),
  'search_instances: unavailable offers are excluded by default');
select ok((select bool_and(exists (select 1 from cloud.regions r where r.provider = s.provider and s.regions ? r.region_id and r.city = 'Tokyo'))
  from cloud.search_instances(match_count => 20, city_filter => 'Tokyo', gpu_model_filter => 'h100') s), 'search_instances: city and GPU model');
select is((select array_agg(provider order by price_monthly) = array_agg(provider) from cloud.compare_prices('H100', 8, target_currency => 'EUR')), true,
  'compare_prices: one cheapest offer per provider, cheapest first');
select is((select currency from cloud.compare_prices('RTX 4000 Ada', 1, target_currency => 'usd') where provider = 'hetzner'), 'USD'::char(3),
  'compare_prices: converts EUR offers into the requested currency');
select throws_ok($$select * from cloud.compare_prices('H100', target_currency => 'XYZ')$$, '22023', 'unknown currency XYZ',
  'compare_prices: an unknown currency raises 22023 (hint unknown_currency), not an empty list');
select is((select array_agg(id order by id) from cloud.search_instances(match_count => 500, continent_filter => 'eu')),
          (select array_agg(id order by id) from cloud.search_instances(match_count => 500, continent_filter => 'Europe')),
  'search_instances: continent EU / any case = Europe');
select is((select array_agg(id order by id) from cloud.search_instances(match_count => 500, country_filter => 'deu')),
          (select array_agg(id order by id) from cloud.search_instances(match_count => 500, country_filter => 'Germany')),
  'search_instances: country as ISO alpha-3 code, any case');
select is((select array_agg(id order by id) from cloud.search_instances(match_count => 500, gpu_model_filter => 'NVIDIA A100 80GB')),
          (select array_agg(id order by id) from cloud.instances where available and gpu_model = 'A100' and (gpu_memory_gb = 80 or gpu_memory_gb = 80 * gpu_count)),
  'search_instances: a GPU model in another spelling, narrowed to its memory variant');
select is((select count(*)::int from cloud.search_instances(match_count => 10, continent_filter => 'Atlantis')), 0,
  'search_instances: a value that matches nothing gives no rows (no error)');
select is(private.offer_filter_problem(continent_filter => 'Atlantis'), 'continent', 'offer_filter_problem names an unknown continent');
select is(private.offer_filter_problem(country_filter => 'fr', continent_filter => 'europe'), null, 'offer_filter_problem: known values are no problem');
select ok((select bool_and(exists (select 1 from cloud.regions r where r.provider = s.provider and s.regions ? r.region_id and r.continent = 'Oceania')) and count(*) > 0
  from cloud.search_instances(match_count => 20, continent_filter => 'Oceania') s), 'search_instances: continent');
select ok((select bool_and(official) and count(*) > 0 from cloud.search_packages(official_only => true, match_count => 100)), 'search_packages: official only');
select ok((select bool_and(repository_verified_publisher) and count(*) > 0 from cloud.search_packages(verified_publisher_only => true, match_count => 100)),
  'search_packages: verified publishers only');
select is((select name from cloud.search_packages('postgresql operator', operator_only => true) limit 1), 'cloudnative-pg', 'search_packages: full text with the operator filter');
select ok((select bool_and(not deprecated) and bool_and(category = 4) from cloud.search_packages(category_filter => 4, match_count => 50)), 'search_packages: category, and deprecated excluded');
select tests.clear_authentication();
select is((select name from cloud.search_packages('postgres') limit 1), 'postgresql', 'search_packages (anon): text only, a synonym (postgres = postgresql), name first');
select is((select name from cloud.search_packages('k8s postgres operator') limit 1), 'cloudnative-pg', 'search_packages: k8s = kubernetes');
select is((select name from cloud.search_packages('promethus') limit 1), 'prometheus', 'search_packages: a misspelt name (trigram vocabulary)');
select throws_ok($$select * from private.search_synonyms$$, '42501', null, 'clients cannot read the synonyms table directly');
select throws_ok($$insert into private.search_synonyms (term, synonyms) values ('x', '{y}')$$, '42501', null, 'clients cannot add synonyms');
reset role;

-- Price history (issue 18 point 5): written by the database on price changes, append-only, readable by everyone.
reset role;
insert into cloud.instances (provider, instance_id, gpu_count, gpu_model, cpu_cores, memory_gb, price_monthly, price_hourly, price_currency, regions, data_source_timestamp)
values ('hetzner', 'hist-a', 2, 'Histo X9', 16, 64, 1000, 1.4, 'USD', '["fsn1"]', '2026-03-01 10:00Z'),
       ('vultr', 'hist-b', 2, 'Histo X9', 16, 64, 1200, 1.6, 'USD', '["ewr"]', '2026-03-01 10:00Z');
update cloud.instances set description = 'touched' where instance_id = 'hist-a';
select is((select count(*)::int from cloud.price_history h join cloud.instances i on i.id = h.offer_id where i.instance_id = 'hist-a'), 1,
  'price_history: a new offer gets one row; a write that leaves the price alone adds none');
update cloud.instances set price_monthly = 900, price_hourly = 1.25, data_source_timestamp = '2026-03-03 08:00Z' where instance_id = 'hist-a';
update cloud.instances set price_monthly = 800, price_hourly = 1.1, data_source_timestamp = '2026-03-04 08:00Z' where instance_id = 'hist-b';
update cloud.instances set available = false, data_source_timestamp = '2026-03-05 08:00Z' where instance_id = 'hist-b';
select results_eq($$select price_monthly::float, available from cloud.offer_price_history((select id from cloud.instances where instance_id = 'hist-b'))$$,
  $$values (1200::float, true), (800::float, true), (null::float, false)$$, 'offer_price_history: oldest first, a withdrawn offer has a null price');
select throws_ok($$update cloud.price_history set price_monthly = 1$$, '55000', null, 'price_history: rows cannot be updated');
select throws_ok($$delete from cloud.price_history$$, '55000', null, 'price_history: rows cannot be deleted directly');
select results_eq($$select day, price_monthly::float, provider::text from cloud.cheapest_price_history('histo x9', 2, since => '2026-02-28', until => '2026-03-06')$$,
  $$values ('2026-03-01'::date, 1000::float, 'hetzner'), ('2026-03-02', 1000, 'hetzner'), ('2026-03-03', 900, 'hetzner'),
           ('2026-03-04', 800, 'vultr'), ('2026-03-05', 900, 'hetzner'), ('2026-03-06', 900, 'hetzner')$$,
  'cheapest_price_history: daily cheapest price in effect at the end of each day, withdrawn offers left out, no row before the first price');
select results_eq($$select day, price_monthly::float from cloud.cheapest_price_history('Histo X9', continent_filter => 'north america', since => '2026-03-03', until => '2026-03-05')$$,
  $$values ('2026-03-03'::date, 1200::float), ('2026-03-04', 800)$$, 'cheapest_price_history: continent filter (vultr ewr only)');
select is((select price_monthly from cloud.cheapest_price_history('Histo X9', since => '2026-03-01', until => '2026-03-01', target_currency => 'eur')),
  (select round(1000 * per_usd, 4) from cloud.currency_rates where currency = 'EUR'), 'cheapest_price_history: converted with the latest rate');
select throws_ok($$select * from cloud.cheapest_price_history('Histo X9', target_currency => 'XYZ')$$, '22023', null, 'cheapest_price_history: unknown currency is refused');
select tests.clear_authentication();
select is((select count(*)::int from cloud.price_history h join cloud.instances i on i.id = h.offer_id where i.instance_id like 'hist-%'), 5, 'anon reads price history');
select throws_ok($$insert into cloud.price_history (offer_id, price_currency, available, recorded_at) select id, 'USD', true, now() from cloud.instances limit 1$$,
  '42501', null, 'anon cannot write price history');
select tests.authenticate_as_service_role();
select throws_ok($$insert into cloud.price_history (offer_id, price_currency, available, recorded_at) select id, 'USD', true, now() from cloud.instances limit 1$$,
  '42501', null, 'the service role cannot write price history directly either');
select tests.clear_authentication();
select throws_ok($$select cloud.sync_currency_rates('{"EUR": 2}', '2026-12-01')$$, '42501', null, 'anon cannot write currency rates');
reset role;
select is((cloud.sync_currency_rates('{"EUR": 0.9, "usd": 5, "GBP": 0.79, "xx": 1, "JPY": -1}', '2026-12-01') ->> 'updated')::int, 1,
  'sync_currency_rates: only the changed, valid rates are written (USD stays 1; malformed codes and non-positive rates are ignored)');
select is((select array_agg(per_usd::float order by currency) from cloud.currency_rates where currency in ('EUR', 'USD')), array[0.9, 1]::float[],
  'sync_currency_rates: EUR updated, USD untouched');

select * from finish();
rollback;
