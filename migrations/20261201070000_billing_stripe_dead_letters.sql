-- Poison Stripe events: an event that can never apply (unknown user, a non-UUID user_id, no `created`,
-- `credit_cents: "abc"`, a body that is not an event, an unknown tier) is recorded here with its error
-- and acknowledged, instead of answering 500 until Stripe disables the endpoint. The functions classify
-- the failure (validation, SQLSTATE class 22 / 23) and call billing.record_stripe_dead_letter; transient
-- failures (connections, 40001, 40P01) are never recorded and still answer 5xx. Reconcile skips the
-- events recorded here.

create table billing.stripe_event_failures (
  id bigint generated always as identity primary key,
  event_id text unique,
  type text,
  error_code text not null,
  error_message text not null,
  sqlstate text,
  payload jsonb not null,
  attempts int not null default 1,
  first_failed_at timestamptz not null default now(),
  last_failed_at timestamptz not null default now()
);
comment on table billing.stripe_event_failures is 'Stripe events that can never apply (dead letters), with their error. Service role only, read through billing.stripe_dead_letters.';
comment on column billing.stripe_event_failures.event_id is 'Stripe event id (evt_...); null when the signed body carried none.';
comment on column billing.stripe_event_failures.error_code is 'Stable code: invalid_event, unknown_tier, unknown_reference, missing_value, invalid_value, constraint_violation.';
comment on column billing.stripe_event_failures.attempts is 'Deliveries of this event that failed (Stripe redeliveries and reconcile runs).';
alter table billing.stripe_event_failures enable row level security;
revoke all on billing.stripe_event_failures from public, anon, authenticated;
grant select on billing.stripe_event_failures to service_role;

create view billing.stripe_dead_letters
with (security_invoker = true)
as
select f.event_id, f.type, f.error_code, f.error_message, f.sqlstate, f.attempts, f.first_failed_at, f.last_failed_at, f.payload
from billing.stripe_event_failures f;
comment on view billing.stripe_dead_letters is 'Stripe events recorded as poison (never applied), newest failure in last_failed_at. Service role only.';
revoke all on billing.stripe_dead_letters from public, anon, authenticated;
grant select on billing.stripe_dead_letters to service_role;

create function billing.record_stripe_dead_letter(event jsonb, error_code text, error_message text, sqlstate text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  failed_id text := case when jsonb_typeof(event) = 'object' then event ->> 'id' end;
  failed_type text := case when jsonb_typeof(event) = 'object' then event ->> 'type' end;
begin
  if failed_id is null then
    insert into billing.stripe_event_failures (event_id, type, error_code, error_message, sqlstate, payload)
    values (null, failed_type, error_code, error_message, sqlstate, event);
  else
    insert into billing.stripe_event_failures as f (event_id, type, error_code, error_message, sqlstate, payload)
    values (failed_id, failed_type, error_code, error_message, sqlstate, event)
    on conflict (event_id) do update
      set attempts = f.attempts + 1, last_failed_at = now(), error_code = excluded.error_code,
          error_message = excluded.error_message, sqlstate = excluded.sqlstate;
  end if;
  return jsonb_build_object('event', failed_id, 'outcome', 'dead_letter', 'code', error_code);
end;
$$;
comment on function billing.record_stripe_dead_letter(jsonb, text, text, text) is 'Records a Stripe event that can never apply, with its error (one row per event id, attempts counted). Service role only.';
revoke all on function billing.record_stripe_dead_letter(jsonb, text, text, text) from public, anon, authenticated;
grant execute on function billing.record_stripe_dead_letter(jsonb, text, text, text) to service_role;
