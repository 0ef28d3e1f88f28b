-- The chat widget's monthly message limit, reserved atomically. Before, a request checked
-- sites.chat_usage_check and the turn was counted later by sites.record_chat_turn, so concurrent
-- requests (20 at once from two app instances against a limit of 5 let 11 to 20 through on
-- PostgreSQL 17) all passed the check. Now a request takes its message from the allowance with one
-- conditional UPDATE (concurrent ones queue on the row and re-check the condition), and gives it
-- back if no answer is stored; record_chat_turn adds the tokens only.

create function sites.reserve_chat_message(target_domain uuid)
returns table (allowed boolean, limit_name text, used bigint, limit_value bigint)
language plpgsql
set search_path = ''
as $$
declare
  business uuid;
  limits jsonb;
  month date := date_trunc('month', now())::date;
  max_messages bigint;
  max_tokens bigint;
  usage_row sites.business_usage;
begin
  select d.business_id, coalesce(c.limits, '{}') into business, limits
  from sites.domains d left join sites.business_configs c on c.business_id = d.business_id
  where d.id = target_domain;
  if business is null then
    return query select true, null::text, null::bigint, null::bigint; -- no business: unlimited
    return;
  end if;
  max_messages := (limits ->> 'messages_per_month')::bigint;
  max_tokens := (limits ->> 'tokens_per_month')::bigint;
  insert into sites.business_usage (business_id, period_start, messages, tokens)
  values (business, month, 0, 0)
  on conflict (business_id, period_start) do nothing;
  update sites.business_usage u set messages = u.messages + 1
  where u.business_id = business and u.period_start = month
    and (max_messages is null or u.messages < max_messages)
    and (max_tokens is null or u.tokens < max_tokens)
  returning u.* into usage_row;
  if found then
    return query select true, null::text, usage_row.messages::bigint, max_messages;
    return;
  end if;
  select u.* into usage_row from sites.business_usage u where u.business_id = business and u.period_start = month;
  if max_messages is not null and usage_row.messages >= max_messages then
    return query select false, 'messages_per_month'::text, usage_row.messages::bigint, max_messages;
  else
    return query select false, 'tokens_per_month'::text, usage_row.tokens::bigint, max_tokens;
  end if;
end;
$$;
comment on function sites.reserve_chat_message(uuid) is 'Takes one message from the domain''s business monthly allowance, atomically (never more than messages_per_month, also under concurrency; none once tokens_per_month is used up). allowed = false names the limit reached. No business: always allowed. Service role.';

create function sites.release_chat_message(target_domain uuid)
returns void
language sql
set search_path = ''
as $$
  update sites.business_usage u set messages = greatest(u.messages - 1, 0)
  from sites.domains d
  where d.id = target_domain and u.business_id = d.business_id and u.period_start = date_trunc('month', now())::date;
$$;
comment on function sites.release_chat_message(uuid) is 'Gives back a message reserved by reserve_chat_message when no answer was stored (the request failed). Service role.';

create or replace function sites.record_chat_turn(
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
  if business is not null and tokens > 0 then
    -- The message itself was counted by reserve_chat_message.
    insert into sites.business_usage as u (business_id, period_start, messages, tokens)
    values (business, date_trunc('month', now())::date, 0, tokens)
    on conflict (business_id, period_start) do update set tokens = u.tokens + excluded.tokens;
  end if;
  return conv;
end;
$$;
comment on function sites.record_chat_turn(uuid, uuid, text, uuid, text, text, jsonb, integer, text) is 'Stores one question and answer in the session''s conversation (recording the visitor''s verified email on it) and adds the answer''s tokens to the business''s usage (the message was counted by reserve_chat_message). Service role.';

revoke all on function sites.reserve_chat_message(uuid) from public;
revoke all on function sites.release_chat_message(uuid) from public;
grant execute on function sites.reserve_chat_message(uuid) to service_role;
grant execute on function sites.release_chat_message(uuid) to service_role;
