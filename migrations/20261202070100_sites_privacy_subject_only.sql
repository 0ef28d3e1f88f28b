-- Sites: privacy requests cover the data subject and nobody else (issue 17 point 4).
--
-- Before: the export and the erasure matched every conversation whose messages contained the email,
-- so Mallory's verified access export held Bob's phone number (Bob had typed her email) and Alice's
-- erasure deleted Bob's conversation; the erasure also deleted earlier privacy requests; opening a
-- request had no limit (30 requests mailed 31 codes) and each request gave 5 more code guesses.
--
-- Now:
-- - The subject's data is what is recorded as theirs: conversations where they are the verified
--   visitor (conversations.visitor_email), verifications of their email, access logs and cached store
--   data keyed by their email, and their privacy requests.
-- - Conversations of others that merely mention the email are listed to the site owner for review
--   (sites.privacy_review_items, readable by the owner), never exported, never erased automatically.
-- - The erasure keeps every privacy request and its audit trail: the privacy-request verifications
--   (code hash cleared) and the access log entries written by the privacy flow.
-- - sites.open_privacy_request opens a request atomically: at most one open request per site, email
--   and type; at most 3 codes per site and email an hour and 10 requests per site and client address
--   an hour; no new code once 5 wrong codes were tried for that email on that site within 24 hours.
-- - sites.check_privacy_code refuses every code (too_many_attempts) once 5 wrong codes were tried for
--   that email on that site within 24 hours, whichever requests they were tried on.

-- Conversations of others that mention a request's email: for the owner to review.
create table sites.privacy_review_items (
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null references sites.privacy_requests (id) on delete cascade,
  domain_id uuid not null references sites.domains (id) on delete cascade,
  conversation_id uuid not null references sites.conversations (id) on delete cascade,
  reason text not null default 'mentions_email' check (reason in ('mentions_email')),
  created_at timestamptz not null default now(),
  unique (request_id, conversation_id)
);
comment on table sites.privacy_review_items is 'Conversations of other visitors whose messages mention a verified privacy request''s email: listed to the site owner for review (GET /privacy/requests), never exported to the requester, never erased automatically. Owners read.';
create index privacy_review_items_domain_idx on sites.privacy_review_items (domain_id, created_at desc);
create index privacy_review_items_conversation_idx on sites.privacy_review_items (conversation_id);
alter table sites.privacy_review_items enable row level security;
grant select on sites.privacy_review_items to authenticated;
grant select, insert, update, delete on sites.privacy_review_items to service_role;
create policy "privacy_review_items: owner of the domain reads" on sites.privacy_review_items for select to authenticated
  using ((select private.owns_domain(domain_id)));

-- Requests per site and client address (a hash), for the hourly limit.
create table private.privacy_request_hits (
  domain_id uuid not null references sites.domains (id) on delete cascade,
  client_hash text not null,
  created_at timestamptz not null default now()
);
comment on table private.privacy_request_hits is 'POST /privacy/requests per site and client address hash; rows older than a day are purged as new ones arrive.';
create index privacy_request_hits_idx on private.privacy_request_hits (domain_id, client_hash, created_at);
revoke all on private.privacy_request_hits from public, anon, authenticated;

-- Wrong codes tried for one email on one site within 24 hours, over all its privacy requests.
create function private.privacy_wrong_codes(target_domain uuid, subject_email text)
returns integer
language sql
stable
set search_path = ''
as $$
  select coalesce(sum(v.attempts), 0)::integer from sites.customer_verifications v
  where v.domain_id = target_domain and v.email = lower(subject_email) and v.purpose = 'privacy_request'
    and v.created_at > now() - interval '24 hours';
$$;
revoke all on function private.privacy_wrong_codes(uuid, text) from public;

-- Opens a privacy request and its verification (the code's hash; the function mails the code when
-- the outcome is 'opened'). Serialised per site and email, and per site and client address.
create function sites.open_privacy_request(
  target_domain uuid, subject_email text, request_type text, regulation text, details jsonb, code_hash text, client_hash text
)
returns table (outcome text, request_id uuid, due_at timestamptz, retry_after_seconds integer)
language plpgsql
set search_path = ''
as $$
declare
  subject text := lower(subject_email);
  hits integer;
  codes integer;
  oldest timestamptz;
  verification uuid;
  request sites.privacy_requests;
begin
  perform pg_advisory_xact_lock(hashtextextended('privacy-client:' || target_domain || ':' || client_hash, 0));
  perform pg_advisory_xact_lock(hashtextextended('privacy-email:' || target_domain || ':' || subject, 0));
  delete from private.privacy_request_hits h where h.domain_id = target_domain and h.client_hash = open_privacy_request.client_hash
    and h.created_at < now() - interval '1 day';
  insert into private.privacy_request_hits (domain_id, client_hash) values (target_domain, open_privacy_request.client_hash);
  select count(*), min(h.created_at) into hits, oldest from private.privacy_request_hits h
  where h.domain_id = target_domain and h.client_hash = open_privacy_request.client_hash and h.created_at > now() - interval '1 hour';
  if hits > 10 then
    return query select 'rate_limited', null::uuid, null::timestamptz, greatest(1, ceil(extract(epoch from oldest + interval '1 hour' - now())))::integer;
    return;
  end if;
  if private.privacy_wrong_codes(target_domain, subject) >= 5 then
    return query select 'too_many_attempts', null::uuid, null::timestamptz, null::integer;
    return;
  end if;
  select r.* into request from sites.privacy_requests r
  join sites.customer_verifications v on v.id = r.verification_id
  where r.domain_id = target_domain and r.email = subject and r.request_type = open_privacy_request.request_type::sites.privacy_request_type
    and r.status = 'pending_verification' and v.verified_at is null and v.expires_at > now() and v.attempts < 5
  limit 1;
  if request.id is not null then
    return query select 'already_open', null::uuid, null::timestamptz, null::integer;
    return;
  end if;
  select count(*), min(v.created_at) into codes, oldest from sites.customer_verifications v
  where v.domain_id = target_domain and v.email = subject and v.purpose = 'privacy_request' and v.created_at > now() - interval '1 hour';
  if codes >= 3 then
    return query select 'rate_limited', null::uuid, null::timestamptz, greatest(1, ceil(extract(epoch from oldest + interval '1 hour' - now())))::integer;
    return;
  end if;
  insert into sites.customer_verifications (domain_id, email, purpose, method, code_hash, expires_at)
  values (target_domain, subject, 'privacy_request', 'email_code', open_privacy_request.code_hash, now() + interval '15 minutes')
  returning id into verification;
  insert into sites.privacy_requests (domain_id, email, request_type, regulation, verification_id, details, due_at)
  values (target_domain, subject, open_privacy_request.request_type::sites.privacy_request_type,
          open_privacy_request.regulation::sites.privacy_regulation, verification, coalesce(details, '{}'),
          now() + make_interval(days => case when open_privacy_request.regulation = 'ccpa' then 45 else 30 end))
  returning * into request;
  return query select 'opened', request.id, request.due_at, null::integer;
end;
$$;
comment on function sites.open_privacy_request(uuid, text, text, text, jsonb, text, text) is 'Opens a privacy request with its email-code verification (code hash given): opened | already_open (one open request per site, email and type) | rate_limited (3 codes per site and email an hour, 10 requests per site and client an hour; with retry_after_seconds) | too_many_attempts (5 wrong codes for that email within 24 h). Service role.';

-- Checks a privacy request's code under the cap over all of that email's requests on the site.
create function sites.check_privacy_code(request uuid, presented_code_hash text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  r sites.privacy_requests;
begin
  select * into r from sites.privacy_requests p where p.id = request;
  if r.id is null or r.verification_id is null then
    return 'not_found';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('privacy-email:' || r.domain_id || ':' || r.email, 0));
  if private.privacy_wrong_codes(r.domain_id, r.email) >= 5 then
    return 'too_many_attempts';
  end if;
  return sites.check_verification(r.verification_id, presented_code_hash);
end;
$$;
comment on function sites.check_privacy_code(uuid, text) is 'Checks the code of a privacy request: verified | wrong_code | expired | too_many_attempts (5 wrong codes for that email on that site within 24 h, over all its requests) | not_found. Service role.';

-- Lists the conversations of others that mention the request's email, for the owner.
create function sites.privacy_flag_mentions(request uuid)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  r sites.privacy_requests;
  n integer;
begin
  select * into r from sites.privacy_requests p where p.id = request;
  if r.id is null then
    return 0;
  end if;
  insert into sites.privacy_review_items (request_id, domain_id, conversation_id)
  select r.id, r.domain_id, c.id from sites.conversations c
  where c.domain_id = r.domain_id and c.visitor_email is distinct from r.email
    and exists (select 1 from sites.messages m where m.conversation_id = c.id and strpos(lower(m.content), r.email) > 0)
  on conflict (request_id, conversation_id) do nothing;
  select count(*) into n from sites.privacy_review_items i where i.request_id = r.id;
  return n;
end;
$$;
comment on function sites.privacy_flag_mentions(uuid) is 'Lists (sites.privacy_review_items) the conversations of other visitors on the request''s site whose messages mention its email; returns how many are listed. Service role.';

-- The subject's own data only.
create or replace function sites.privacy_export(target_domain uuid, subject_email text)
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
      from sites.conversations c where c.domain_id = target_domain and c.visitor_email = (select email from e)), '[]'),
    'verifications', coalesce((
      select jsonb_agg(to_jsonb(v) - 'code_hash' order by v.created_at) from sites.customer_verifications v
      where v.domain_id = target_domain and v.email = (select email from e)), '[]'),
    'access_logs', coalesce((
      select jsonb_agg(to_jsonb(l) order by l.created_at) from sites.customer_access_logs l
      where l.domain_id = target_domain and l.email = (select email from e)), '[]'),
    'cached_customer_data', coalesce((
      select jsonb_agg(to_jsonb(k) order by k.created_at) from sites.customer_data_cache k
      where k.domain_id = target_domain and k.email = (select email from e)), '[]'),
    'privacy_requests', coalesce((
      select jsonb_agg(to_jsonb(p) - 'result' order by p.created_at) from sites.privacy_requests p
      where p.domain_id = target_domain and p.email = (select email from e)), '[]'));
$$;
comment on function sites.privacy_export(uuid, text) is 'GDPR/CCPA access: the subject''s own rows within the domain (conversations where they are the verified visitor, with messages; verifications without code hashes; access logs and cached store data keyed by their email; their privacy requests). Conversations of others that mention the email are not included (sites.privacy_flag_mentions lists them to the owner). Service role.';

-- Erases the subject's own data; keeps the privacy requests and their audit trail.
create or replace function sites.privacy_erase(target_domain uuid, subject_email text, request uuid)
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
  delete from sites.conversations c where c.domain_id = target_domain and c.visitor_email = subject;
  get diagnostics n_conversations = row_count;
  delete from sites.customer_verifications v where v.domain_id = target_domain and v.email = subject and v.purpose <> 'privacy_request';
  get diagnostics n_verifications = row_count;
  update sites.customer_verifications v set code_hash = null where v.domain_id = target_domain and v.email = subject and v.purpose = 'privacy_request';
  delete from sites.customer_access_logs l where l.domain_id = target_domain and l.email = subject and l.actor <> 'privacy';
  get diagnostics n_logs = row_count;
  delete from sites.customer_data_cache k where k.domain_id = target_domain and k.email = subject;
  get diagnostics n_cache = row_count;
  counts := jsonb_build_object('conversations', n_conversations, 'verifications', n_verifications, 'access_logs', n_logs, 'cached_customer_data', n_cache);
  update sites.privacy_requests set status = 'completed', completed_at = now(), result = jsonb_build_object('erased', counts)
  where id = request;
  return counts;
end;
$$;
comment on function sites.privacy_erase(uuid, text, uuid) is 'GDPR/CCPA deletion: erases the subject''s own rows within the domain in one transaction (conversations where they are the verified visitor, order verifications, access logs and cached store data keyed by their email). Every privacy request stays, with its verifications (code hash cleared) and the privacy flow''s access log entries: the audit trail. Conversations of others that mention the email are not erased (listed to the owner). Service role.';

do $$
declare
  f text;
begin
  foreach f in array array['sites.open_privacy_request(uuid, text, text, text, jsonb, text, text)', 'sites.check_privacy_code(uuid, text)',
    'sites.privacy_flag_mentions(uuid)'] loop
    execute format('revoke all on function %s from public', f);
    execute format('grant execute on function %s to service_role', f);
  end loop;
end;
$$;
grant execute on function private.privacy_wrong_codes(uuid, text) to service_role;
