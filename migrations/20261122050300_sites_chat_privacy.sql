-- Sites II: what the chat widget and the privacy flow need from the database. Rate limits and usage
-- limits are decided here, so any number of function instances agree; a visitor's conversation is
-- written in one call per turn; verifications store only a hash of the code; a privacy export and an
-- erasure each run in one transaction. Service role only (the functions call them); owners read the
-- resulting rows under the sites RLS.

-- Rate limits: a fixed one-minute window per key (config + session, config + IP hash).
create table private.chat_rate_limits (
  config_id uuid not null references sites.customer_configs (id) on delete cascade,
  bucket text not null,
  window_start timestamptz not null,
  hits integer not null default 0,
  primary key (config_id, bucket, window_start)
);
comment on table private.chat_rate_limits is 'Chat requests per config, key and minute. Old windows are purged as new ones open.';

create function sites.hit_chat_rate_limit(config uuid, buckets text[], max_per_minute integer)
returns table (allowed boolean, retry_after_seconds integer)
language plpgsql
set search_path = ''
as $$
declare
  current_window timestamptz := date_trunc('minute', now());
  worst integer := 0;
  b text;
  n integer;
begin
  delete from private.chat_rate_limits r where r.config_id = config and r.window_start < current_window - interval '5 minutes';
  foreach b in array buckets loop
    insert into private.chat_rate_limits as r (config_id, bucket, window_start, hits)
    values (config, b, current_window, 1)
    on conflict (config_id, bucket, window_start) do update set hits = r.hits + 1
    returning r.hits into n;
    worst := greatest(worst, n);
  end loop;
  return query select worst <= max_per_minute,
    case when worst <= max_per_minute then 0 else ceil(extract(epoch from current_window + interval '1 minute' - now()))::integer end;
end;
$$;
comment on function sites.hit_chat_rate_limit(uuid, text[], integer) is 'Counts one request against every bucket (e.g. session:<id>, ip:<hash>) of a config for this minute; allowed while each stays within max_per_minute. Service role.';

-- Usage against the business's limits (calendar month).
create function sites.chat_usage_check(target_domain uuid)
returns table (allowed boolean, limit_name text, used bigint, limit_value bigint)
language sql
stable
set search_path = ''
as $$
  with b as (
    select d.business_id, coalesce(c.limits, '{}') as limits
    from sites.domains d left join sites.business_configs c on c.business_id = d.business_id
    where d.id = target_domain
  ), u as (
    select coalesce(u.messages, 0)::bigint as messages, coalesce(u.tokens, 0)::bigint as tokens
    from b left join sites.business_usage u on u.business_id = b.business_id and u.period_start = date_trunc('month', now())::date
  ), checks as (
    select 'messages_per_month' as name, u.messages as used, (b.limits ->> 'messages_per_month')::bigint as lim from b, u
    union all
    select 'tokens_per_month', u.tokens, (b.limits ->> 'tokens_per_month')::bigint from b, u
  )
  select coalesce(bool_and(lim is null or used < lim), true),
         (array_agg(name) filter (where lim is not null and used >= lim))[1],
         (array_agg(used) filter (where lim is not null and used >= lim))[1],
         (array_agg(lim) filter (where lim is not null and used >= lim))[1]
  from checks;
$$;
comment on function sites.chat_usage_check(uuid) is 'Whether the domain''s business is within its monthly message and token limits (no business: unlimited). Service role.';

-- One chat turn: the conversation (created on first use, keyed by domain + session; it records the
-- visitor's verified email), the question and the answer with its metadata, and the business's usage.
create function sites.record_chat_turn(
  target_domain uuid, customer uuid, session text, conversation uuid, question text, answer text, answer_metadata jsonb, tokens integer,
  visitor_email text default null
)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  conv uuid;
  business uuid;
begin
  if conversation is not null then
    select c.id into conv from sites.conversations c where c.id = conversation and c.domain_id = target_domain and c.session_id = session;
    if conv is null then
      raise exception 'conversation % does not belong to this session', conversation using errcode = 'P0001', hint = 'conversation_not_found';
    end if;
  else
    select c.id into conv from sites.conversations c
    where c.domain_id = target_domain and c.session_id = session and c.ended_at is null
    order by c.created_at desc limit 1;
  end if;
  if conv is null then
    insert into sites.conversations (customer_id, domain_id, session_id) values (customer, target_domain, session) returning id into conv;
  end if;
  if visitor_email is not null then
    update sites.conversations c set visitor_email = lower(record_chat_turn.visitor_email) where c.id = conv and c.visitor_email is null;
  end if;
  insert into sites.messages (conversation_id, role, content, metadata) values
    (conv, 'user', question, jsonb_build_object('tokens', answer_metadata -> 'prompt_tokens')),
    (conv, 'assistant', answer, answer_metadata);
  select d.business_id into business from sites.domains d where d.id = target_domain;
  if business is not null then
    insert into sites.business_usage as u (business_id, period_start, messages, tokens)
    values (business, date_trunc('month', now())::date, 1, greatest(tokens, 0))
    on conflict (business_id, period_start) do update set messages = u.messages + 1, tokens = u.tokens + greatest(excluded.tokens, 0);
  end if;
  return conv;
end;
$$;
comment on function sites.record_chat_turn(uuid, uuid, text, uuid, text, text, jsonb, integer, text) is 'Stores one question and answer in the session''s conversation (recording the visitor''s verified email on it), and counts the business''s usage. Service role.';

-- Verifications: the code's SHA-256 only; 5 attempts; expiry.
create function sites.check_verification(verification uuid, presented_code_hash text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  v sites.customer_verifications;
begin
  select * into v from sites.customer_verifications where id = verification for update;
  if v.id is null then
    return 'not_found';
  elsif v.verified_at is not null then
    return 'verified';
  elsif v.expires_at < now() then
    return 'expired';
  elsif v.attempts >= 5 then
    return 'too_many_attempts';
  end if;
  if v.code_hash is distinct from presented_code_hash then
    update sites.customer_verifications set attempts = attempts + 1 where id = verification;
    return 'wrong_code';
  end if;
  update sites.customer_verifications set verified_at = now() where id = verification;
  return 'verified';
end;
$$;
comment on function sites.check_verification(uuid, text) is 'Checks a one-time code against its hash: verified | wrong_code | expired | too_many_attempts | not_found (5 attempts). Service role.';

-- Everything stored about one email within one tenant (domain), as one JSON document.
create function sites.privacy_export(target_domain uuid, subject_email text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with e as (select lower(subject_email) as email)
  select jsonb_build_object(
    'email', (select email from e),
    'domain', (select d.domain from sites.domains d where d.id = target_domain),
    'exported_at', now(),
    'conversations', coalesce((
      select jsonb_agg(to_jsonb(c) || jsonb_build_object('messages', (
        select coalesce(jsonb_agg(to_jsonb(m) order by m.created_at), '[]') from sites.messages m where m.conversation_id = c.id)) order by c.created_at)
      from sites.conversations c where c.domain_id = target_domain and (c.visitor_email = (select email from e)
        or exists (select 1 from sites.messages m where m.conversation_id = c.id and strpos(lower(m.content), (select email from e)) > 0))), '[]'),
    'verifications', coalesce((
      select jsonb_agg(to_jsonb(v) - 'code_hash' order by v.created_at) from sites.customer_verifications v
      where v.domain_id = target_domain and v.email = (select email from e)), '[]'),
    'access_logs', coalesce((
      select jsonb_agg(to_jsonb(l) order by l.created_at) from sites.customer_access_logs l
      where l.domain_id = target_domain and (l.email = (select email from e) or strpos(lower(l.details::text), (select email from e)) > 0)), '[]'),
    'cached_customer_data', coalesce((
      select jsonb_agg(to_jsonb(k) order by k.created_at) from sites.customer_data_cache k
      where k.domain_id = target_domain and (k.email = (select email from e) or strpos(lower(k.data::text), (select email from e)) > 0)), '[]'),
    'privacy_requests', coalesce((
      select jsonb_agg(to_jsonb(p) - 'result' order by p.created_at) from sites.privacy_requests p
      where p.domain_id = target_domain and p.email = (select email from e)), '[]'));
$$;
comment on function sites.privacy_export(uuid, text) is 'GDPR/CCPA access: every row about the email within the domain (conversations of that visitor or whose messages mention the email, with messages; verifications without code hashes; access logs; cached customer data; privacy requests). Service role.';

-- Erases everything about one email within one tenant, in one transaction. What remains: the privacy
-- request itself (the audit record the law requires: who asked, what, when, done), with counts.
create function sites.privacy_erase(target_domain uuid, subject_email text, request uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  subject text := lower(subject_email);
  counts jsonb;
  n_conversations integer;
  n_verifications integer;
  n_logs integer;
  n_cache integer;
begin
  delete from sites.conversations c where c.domain_id = target_domain and (c.visitor_email = subject
    or exists (select 1 from sites.messages m where m.conversation_id = c.id and strpos(lower(m.content), subject) > 0));
  get diagnostics n_conversations = row_count;
  update sites.privacy_requests set verification_id = null where domain_id = target_domain and privacy_requests.email = subject;
  delete from sites.customer_verifications v where v.domain_id = target_domain and v.email = subject;
  get diagnostics n_verifications = row_count;
  delete from sites.customer_access_logs l where l.domain_id = target_domain and (l.email = subject or strpos(lower(l.details::text), subject) > 0);
  get diagnostics n_logs = row_count;
  delete from sites.customer_data_cache k where k.domain_id = target_domain and (k.email = subject or strpos(lower(k.data::text), subject) > 0);
  get diagnostics n_cache = row_count;
  counts := jsonb_build_object('conversations', n_conversations, 'verifications', n_verifications, 'access_logs', n_logs, 'cached_customer_data', n_cache);
  -- Earlier requests of the same person collapse into this one.
  delete from sites.privacy_requests p where p.domain_id = target_domain and p.email = subject and p.id <> request;
  update sites.privacy_requests set status = 'completed', completed_at = now(), result = jsonb_build_object('erased', counts)
  where id = request;
  return counts;
end;
$$;
comment on function sites.privacy_erase(uuid, text, uuid) is 'GDPR/CCPA deletion: erases every row about the email within the domain in one transaction; only the completing privacy request remains as the audit record. Service role.';

do $$
declare
  f text;
begin
  foreach f in array array['sites.hit_chat_rate_limit(uuid, text[], integer)', 'sites.chat_usage_check(uuid)',
    'sites.record_chat_turn(uuid, uuid, text, uuid, text, text, jsonb, integer, text)', 'sites.check_verification(uuid, text)',
    'sites.privacy_export(uuid, text)', 'sites.privacy_erase(uuid, text, uuid)'] loop
    execute format('revoke all on function %s from public', f);
    execute format('grant execute on function %s to service_role', f);
  end loop;
end;
$$;

-- Owners process the privacy requests of their domains (status and result), nothing else.
grant update (status, result, completed_at) on sites.privacy_requests to authenticated;
create policy "privacy_requests: owner of the domain processes" on sites.privacy_requests for update to authenticated
  using ((select private.owns_domain(domain_id))) with check ((select private.owns_domain(domain_id)));
