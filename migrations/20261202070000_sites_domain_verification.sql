-- Sites: a domain is crawled and its widget served only once its owner has proved control of it
-- (issue 17 point 2). Until now sites.domains.domain was unique across users, so the first user to
-- register a site squatted it, and anyone could crawl any site.
--
-- Now a row of sites.domains is one user's claim on a host: several users may claim the same host
-- (one claim per user), each with its own verification_token. The owner publishes the token at
--   http(s)://<domain>/.well-known/five-domains-verification.txt   (one token per line)
-- and asks for a check; the first claim whose token is found is verified, and only one claim per host
-- can be verified at a time (unique partial index). Verified claims are re-checked daily by the
-- scheduled call 'sites-domain-verification' (POST /domains/recheck): a site that answers without the
-- token loses verification at once, one that cannot be reached loses it after 3 failed checks in a row.
-- Unverified claims are neither crawled (start_due_crawls, POST /scrape) nor served (chat, privacy).
--
-- Chat widget configs (customer_configs) were unique per domain too: the same squatting. They are now
-- unique per customer and domain; the chat serves the config whose customer owns the verified claim.
--
-- Existing domains start unverified: their owners verify them once (docs/sites.md, "Domain verification").

alter table sites.domains drop constraint domains_domain_key;
alter table sites.domains
  add column verification_token text not null default encode(extensions.gen_random_bytes(16), 'hex')
    check (verification_token ~ '^[0-9a-f]{32}$'),
  add column verified_at timestamptz,
  add column verification_checked_at timestamptz,
  add column verification_failures integer not null default 0 check (verification_failures >= 0),
  add column verification_error text;
comment on column sites.domains.domain is 'Host (lowercase, optional :port), e.g. shop.example.com. Several users may claim a host; one claim per user; at most one verified claim per host.';
comment on column sites.domains.verification_token is 'This claim''s token: publish it as a line of http(s)://<domain>/.well-known/five-domains-verification.txt, then POST /domains/verify. Owners read it.';
comment on column sites.domains.verified_at is 'When the token was first found on the site (null = unverified: not crawled, not served). Written by the domains function.';
comment on column sites.domains.verification_checked_at is 'Last check of the token (owner request or the daily re-check).';
comment on column sites.domains.verification_failures is 'Checks in a row that could not reach the site; 3 end the verification.';
comment on column sites.domains.verification_error is 'Why the last check did not verify (null after a successful one).';
create unique index domains_one_claim_per_user on sites.domains (user_id, domain);
create unique index domains_one_verified_claim on sites.domains (domain) where verified_at is not null;
create index domains_verification_due_idx on sites.domains (verification_checked_at nulls first) where verified_at is not null;

-- Owners read the verification columns (every column stays readable, so select('*') works); they
-- write none of them, and cannot change a claim's domain (no UPDATE on domain, as before).
grant select (verification_token, verified_at, verification_checked_at, verification_failures, verification_error)
  on sites.domains to authenticated;

alter table sites.customer_configs drop constraint idx_customer_configs_domain;
alter table sites.customer_configs add constraint customer_configs_customer_domain_key unique (customer_id, domain);
create index idx_customer_configs_domain on sites.customer_configs (domain);

-- The outcome of one check of a claim's token, recorded atomically.
--   found        the site serves the token        -> verified (or 'taken': another claim is verified)
--   absent       the site answered without it     -> unverified at once
--   unreachable  no answer (network, 5xx, timeout) -> unverified after 3 in a row
-- Returns {status: verified | taken | unverified | still_verified, verified_at, failures}.
create function sites.record_domain_verification(target_domain uuid, outcome text, error text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  d sites.domains;
begin
  if outcome not in ('found', 'absent', 'unreachable') then
    raise exception 'unknown verification outcome %', outcome using errcode = '22023';
  end if;
  select * into d from sites.domains where id = target_domain for update;
  if d.id is null then
    return jsonb_build_object('status', 'not_found');
  end if;
  if outcome = 'found' then
    if exists (select 1 from sites.domains o where o.domain = d.domain and o.id <> d.id and o.verified_at is not null) then
      update sites.domains set verification_checked_at = now(), verification_error = 'another claim of this domain is verified'
      where id = d.id;
      return jsonb_build_object('status', 'taken', 'verified_at', null, 'failures', d.verification_failures);
    end if;
    begin
      update sites.domains set verified_at = coalesce(verified_at, now()), verification_checked_at = now(),
        verification_failures = 0, verification_error = null
      where id = d.id returning * into d;
    exception when unique_violation then
      -- Another claim of the same host was verified at the same moment.
      update sites.domains set verification_checked_at = now(), verification_error = 'another claim of this domain is verified'
      where id = target_domain;
      return jsonb_build_object('status', 'taken', 'verified_at', null, 'failures', d.verification_failures);
    end;
    return jsonb_build_object('status', 'verified', 'verified_at', d.verified_at, 'failures', 0);
  end if;
  update sites.domains set
    verification_checked_at = now(),
    verification_failures = case when outcome = 'unreachable' then verification_failures + 1 else 0 end,
    verification_error = record_domain_verification.error,
    verified_at = case when outcome = 'absent' or verification_failures + 1 >= 3 then null else verified_at end
  where id = d.id returning * into d;
  return jsonb_build_object('status', case when d.verified_at is null then 'unverified' else 'still_verified' end,
    'verified_at', d.verified_at, 'failures', d.verification_failures);
end;
$$;
comment on function sites.record_domain_verification(uuid, text, text) is 'Records one check of a domain claim''s token (found | absent | unreachable): verified (one verified claim per host: else taken), unverified at once when absent, after 3 unreachable checks in a row. Service role (the domains function).';

-- Verified claims whose last check is older than a day, oldest first.
create function sites.domains_due_for_recheck(max_domains integer default 50)
returns table (id uuid, domain text, verification_token text)
language sql
stable
set search_path = ''
as $$
  select d.id, d.domain, d.verification_token from sites.domains d
  where d.verified_at is not null and (d.verification_checked_at is null or d.verification_checked_at < now() - interval '1 day')
  order by d.verification_checked_at nulls first
  limit greatest(max_domains, 0);
$$;
comment on function sites.domains_due_for_recheck(integer) is 'Verified domain claims not checked within a day, oldest first (default 50). Service role (the daily re-check).';

-- Due crawls: as before (20261122050200), for verified claims only.
create or replace function sites.start_due_crawls()
returns setof uuid
language sql
set search_path = ''
as $$
  select (sites.start_crawl(d.id)).id
  from sites.domains d
  where d.active and d.verified_at is not null
    and (d.last_scraped_at is null or d.last_scraped_at < now() - case d.scrape_frequency
          when 'daily' then interval '1 day' when 'monthly' then interval '1 month' else interval '7 days' end)
    and not exists (select 1 from sites.content_refresh_jobs j where j.domain_id = d.id and j.status in ('pending', 'running'));
$$;
comment on function sites.start_due_crawls() is 'Opens crawl jobs for active, verified domains that are due (daily, weekly, monthly since last_scraped_at). Service role.';

revoke all on function sites.record_domain_verification(uuid, text, text) from public;
revoke all on function sites.domains_due_for_recheck(integer) from public;
grant execute on function sites.record_domain_verification(uuid, text, text), sites.domains_due_for_recheck(integer) to service_role;

select private.schedule_function('sites-domain-verification', '17 * * * *', 'domains/recheck', '{}');
