-- Catalog: the role of an assistant message becomes an enum (cloud.message_role), so clients see the
-- closed set (Database['cloud']['Enums']) instead of finding it only in a CHECK. Converted in place;
-- the documented-name view public.messages and the insert policy that reads role are re-created as
-- they were (with the view's grants and comment). An unknown role is refused with 22P02
-- (invalid_text_representation) instead of 23514.
--
-- Labels are declared in alphabetical order on purpose: an enum sorts and compares by declaration
-- order, so this keeps every ORDER BY, min/max and comparison on these columns exactly as it was with
-- text (the chat function, for one, orders a conversation's messages by created_at, role desc).

create type cloud.message_role as enum ('assistant', 'system', 'user');
comment on type cloud.message_role is 'Author of a catalog assistant message: users write user; assistant and system come from the catalog function.';

drop view public.messages;
drop policy "assistant: users add their own messages" on cloud.messages;

alter table cloud.messages
  drop constraint messages_role_check,
  alter column role type cloud.message_role using role::cloud.message_role;

create policy "assistant: users add their own messages" on cloud.messages for insert to authenticated
  with check (role = 'user' and exists (
    select 1 from cloud.conversations c where c.id = conversation_id and c.user_id = (select auth.uid())));

create view public.messages with (security_invoker = true) as
  select m.id, m.conversation_id, m.role, m.content, m.created_at from cloud.messages m;
comment on view public.messages is 'Documented name of cloud.messages (catalog assistant).';
grant select on public.messages to authenticated;
grant all on public.messages to service_role;
