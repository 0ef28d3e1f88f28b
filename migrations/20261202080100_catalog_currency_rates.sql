-- Currency rates from a documented public source (issue 18 point 4): the catalog sync reads the
-- ECB euro reference rates through Frankfurter (GET /v1/latest?base=USD) and hands them to
-- cloud.sync_currency_rates, which writes only the rates that changed. compare_prices and
-- cheapest_price_history convert with the latest row per currency. A scheduled job refreshes the
-- rates on ECB working days after their publication (about 16:00 CET), without a provider sync.

alter table cloud.currency_rates add column rate_date date;
comment on column cloud.currency_rates.rate_date is 'The publication date of the reference rate (null for the seeded defaults).';
comment on column cloud.currency_rates.updated_at is 'When the rate was last written.';

-- rates = {"EUR": 0.8632, ...} (units per 1 USD); USD is always 1.
create function cloud.sync_currency_rates(rates jsonb, rate_date date)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  seen integer;
  written integer;
begin
  if jsonb_typeof(rates) is distinct from 'object' then
    raise exception 'rates must be a JSON object of currency -> units per USD' using errcode = '22023';
  end if;
  with incoming as (
    select upper(r.key)::char(3) as currency, (r.value #>> '{}')::numeric(18, 8) as per_usd
    from jsonb_each(rates) r
    where upper(r.key) ~ '^[A-Z]{3}$' and upper(r.key) <> 'USD'
      and jsonb_typeof(r.value) = 'number' and (r.value #>> '{}')::numeric > 0
  ),
  upserted as (
    insert into cloud.currency_rates as t (currency, per_usd, rate_date, updated_at)
    select i.currency, i.per_usd, sync_currency_rates.rate_date, now() from incoming i
    on conflict (currency) do update
      set per_usd = excluded.per_usd, rate_date = excluded.rate_date, updated_at = now()
      where t.per_usd is distinct from excluded.per_usd
    returning 1
  )
  select (select count(*) from incoming), (select count(*) from upserted) into seen, written;
  return jsonb_build_object('currencies', seen, 'updated', written, 'rate_date', rate_date);
end;
$$;
comment on function cloud.sync_currency_rates(jsonb, date) is 'Ingestion: upserts currency rates (units per USD; USD stays 1), writing only changed rates. Service role.';
revoke all on function cloud.sync_currency_rates(jsonb, date) from public;
grant execute on function cloud.sync_currency_rates(jsonb, date) to service_role;

-- Rates only (no provider, no packages), Monday to Friday at 16:30 UTC.
select private.schedule_function('catalog-currency-rates', '30 16 * * 1-5', 'catalog/sync', '{"providers": [], "packages": false}');
