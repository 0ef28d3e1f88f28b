-- The two closed sets 20261202010000 and 20261202010100 left as CHECKs become enums, as every closed
-- set in an exposed schema is (20261201050200): clients see them in types/database.ts (Enums,
-- Constants). Labels in alphabetical order (sorting stays as it was with text).
--
--   billing.stripe_prices.interval       billing.price_interval      (month, year)
--   billing.stripe_disputes.resolution   billing.dispute_resolution  (debited, held, released)

create type billing.price_interval as enum ('month', 'year');
comment on type billing.price_interval is 'Billing interval of a Stripe price (billing.stripe_prices).';
create type billing.dispute_resolution as enum ('debited', 'held', 'released');
comment on type billing.dispute_resolution is 'What a dispute did to the credits it concerns: held (open), released (won), debited (lost).';

alter table billing.stripe_prices
  drop constraint stripe_prices_interval_check,
  alter column "interval" type billing.price_interval using "interval"::billing.price_interval;

alter table billing.stripe_disputes
  drop constraint stripe_disputes_resolution_check,
  alter column resolution type billing.dispute_resolution using resolution::billing.dispute_resolution;
