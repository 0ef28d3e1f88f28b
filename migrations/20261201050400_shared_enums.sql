-- Shared identity: profiles.status becomes an enum (public.profile_status), so clients see the closed
-- set (Database['public']['Enums']) instead of finding it only in a CHECK. Converted in place (value,
-- default, NOT NULL kept). The two views that read it, billing.users and studio.users, are re-created
-- as they were, with their grants, comments and studio.users' INSTEAD OF UPDATE trigger. An unknown
-- status is refused with 22P02 (invalid_text_representation) instead of 23514.
--
-- Labels are declared in alphabetical order on purpose: an enum sorts and compares by declaration
-- order, so this keeps every ORDER BY, min/max and comparison on these columns exactly as it was with
-- text (the chat function, for one, orders a conversation's messages by created_at, role desc).

create type public.profile_status as enum ('active', 'deleted', 'suspended');
comment on type public.profile_status is 'Account state: active, suspended (no access), deleted. Set by the service role only.';

drop view billing.users;
drop view studio.users;

alter table public.profiles
  drop constraint profiles_status_check,
  alter column status drop default,
  alter column status type public.profile_status using status::public.profile_status,
  alter column status set default 'active';

create view billing.users with (security_invoker = true) as
select p.id, p.external_id, p.email, p.display_name as name, p.created_at, p.last_login_at, p.login_count, p.status, p.is_admin,
       c.hopsworks_username, c.stripe_customer_id, coalesce(c.subscription_tier, 'free') as subscription_tier
from public.profiles p
left join billing.customers c on c.user_id = p.id;
comment on view billing.users is 'The seed''s user record: profile (external_id holds the Auth0 subject), Hopsworks username, Stripe customer, tier.';
grant select on billing.users to authenticated;
grant all on billing.users to service_role;

create view studio.users with (security_invoker = true) as
select p.id,
       p.email,
       coalesce(c.subscription_tier, 'free') as subscription_tier,
       coalesce(s.preferences, '{}'::jsonb) as preferences,
       p.created_at,
       greatest(p.updated_at, s.updated_at, c.updated_at) as updated_at,
       p.last_login_at as last_sign_in_at,
       coalesce(s.is_active, true) and p.status = 'active' as is_active
from public.profiles p
left join billing.customers c on c.user_id = p.id
left join studio.user_settings s on s.user_id = p.id;
comment on view studio.users is 'The seed''s users: profile (email, last sign-in), tier from billing.customers (default free), preferences and is_active from studio.user_settings. A user sees only their own row (administrators: all); preferences are updatable here.';
create trigger users_update instead of update on studio.users for each row execute function private.studio_update_user();
grant select on studio.users to authenticated;
grant update (preferences) on studio.users to authenticated;
grant all on studio.users to service_role;
