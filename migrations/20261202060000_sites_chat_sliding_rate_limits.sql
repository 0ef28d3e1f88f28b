-- Chat rate limits an attacker cannot sidestep (issue 17 point 3). The fixed one-minute windows of
-- sites.hit_chat_rate_limit keyed on whatever the caller put in X-Forwarded-For; the function now
-- keys on the address the platform vouches for (its /24 or /64 prefix), the visitor's signed
-- session and the whole site, each counted in a sliding one-minute window: a request is allowed when
-- every one of its buckets had fewer than its limit of allowed requests in the 60 seconds before it.
-- Concurrent requests on any number of function instances are counted one after another (an
-- advisory transaction lock per bucket, taken in a fixed order), so a limit is never exceeded.

create table private.chat_rate_hits (
  config_id uuid not null references sites.customer_configs (id) on delete cascade,
  bucket text not null,
  hit_at timestamptz not null
);
create index chat_rate_hits_bucket_idx on private.chat_rate_hits (config_id, bucket, hit_at);
comment on table private.chat_rate_hits is 'One row per allowed chat request and bucket (session:<id>, net:<hash of the address prefix>, site); rows older than the one-minute window are deleted as buckets are hit.';

alter table sites.customer_configs add column site_rate_limit integer not null default 600 check (site_rate_limit between 1 and 100000);
comment on column sites.customer_configs.site_rate_limit is 'Chat requests per minute for the whole site, all visitors together (a ceiling over the per-visitor rate_limit).';
grant insert (site_rate_limit), update (site_rate_limit) on sites.customer_configs to authenticated;
comment on column sites.customer_configs.rate_limit is 'Chat requests per minute per visitor session and per client address prefix (/24 IPv4, /64 IPv6), in a sliding window.';

create function sites.take_chat_rate_limit(config uuid, buckets text[], limits integer[])
returns table (allowed boolean, retry_after_seconds integer, refused_bucket text)
language plpgsql
set search_path = ''
as $$
declare
  b record;
  t timestamptz;
  n integer;
  oldest timestamptz;
  worst_wait double precision := 0;
  refused text;
begin
  if coalesce(array_length(buckets, 1), 0) <> coalesce(array_length(limits, 1), 0) then
    raise exception 'buckets and limits differ in length' using errcode = '22023';
  end if;
  -- One bucket at a time across all instances; a fixed order, so two requests never wait on each other.
  for b in select distinct u.bucket from unnest(buckets) as u(bucket) order by 1 loop
    perform pg_advisory_xact_lock(hashtextextended('chat_rate:' || config::text || ':' || b.bucket, 0));
  end loop;
  t := clock_timestamp();
  for b in select u.bucket, u.lim from unnest(buckets, limits) as u(bucket, lim) loop
    delete from private.chat_rate_hits h where h.config_id = config and h.bucket = b.bucket and h.hit_at <= t - interval '1 minute';
    select count(*), min(h.hit_at) into n, oldest from private.chat_rate_hits h where h.config_id = config and h.bucket = b.bucket;
    if n >= b.lim then
      -- Allowed again when enough of the window's hits have aged out (hits beyond the limit are never stored).
      select h.hit_at into oldest from private.chat_rate_hits h where h.config_id = config and h.bucket = b.bucket
      order by h.hit_at offset greatest(n - b.lim, 0) limit 1;
      if extract(epoch from oldest + interval '1 minute' - t) >= worst_wait then
        worst_wait := extract(epoch from oldest + interval '1 minute' - t);
        refused := b.bucket;
      end if;
    end if;
  end loop;
  if refused is not null then
    return query select false, greatest(1, ceil(worst_wait))::integer, refused;
    return;
  end if;
  insert into private.chat_rate_hits (config_id, bucket, hit_at) select config, u.bucket, t from unnest(buckets) as u(bucket);
  return query select true, 0, null::text;
end;
$$;
comment on function sites.take_chat_rate_limit(uuid, text[], integer[]) is 'Counts one chat request against each bucket of a config (session:<id>, net:<prefix hash>, site) with its per-minute limit, in a sliding one-minute window; allowed only when every bucket is under its limit (a refused request is not counted). refused_bucket names the bucket that refused. Service role.';
revoke all on function sites.take_chat_rate_limit(uuid, text[], integer[]) from public;
grant execute on function sites.take_chat_rate_limit(uuid, text[], integer[]) to service_role;

-- The fixed-window limiter is replaced.
drop function sites.hit_chat_rate_limit(uuid, text[], integer);
drop table private.chat_rate_limits;
