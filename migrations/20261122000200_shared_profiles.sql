-- Identity shared by all domains: one profile per auth user, created by a trigger on sign-up.

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text,
  display_name text check (char_length(display_name) <= 200),
  is_admin boolean not null default false,
  status text not null default 'active' check (status in ('active', 'suspended', 'deleted')),
  last_login_at timestamptz,
  login_count integer not null default 0 check (login_count >= 0),
  external_id text unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.profiles is 'One row per Auth user (created on sign-up). Users read and rename only their own profile.';
comment on column public.profiles.id is 'Same id as auth.users.id.';
comment on column public.profiles.email is 'Copy of auth.users.email, kept in sync by the database.';
comment on column public.profiles.display_name is 'Name shown in the product; the only column a user may change.';
comment on column public.profiles.is_admin is 'Platform administrator. Set by the service role only.';
comment on column public.profiles.status is 'active | suspended | deleted. Set by the service role only.';
comment on column public.profiles.last_login_at is 'Last successful sign-in (from auth.users.last_sign_in_at).';
comment on column public.profiles.login_count is 'Number of sign-ins recorded.';
comment on column public.profiles.external_id is 'Identity in a previous provider, e.g. an Auth0 subject such as auth0|507f1f77bcf86cd799439011. Unique; set from app metadata or by the service role.';

create trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function private.set_updated_at();

alter table public.profiles enable row level security;

revoke all on public.profiles from anon, authenticated;
grant select on public.profiles to authenticated;
grant update (display_name) on public.profiles to authenticated;
grant all on public.profiles to service_role;

-- True when the calling user is a platform administrator. SECURITY DEFINER so policies can use it
-- without recursing into profiles' own RLS.
create or replace function private.is_admin()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((select p.is_admin from public.profiles p where p.id = (select auth.uid())), false);
$$;
comment on function private.is_admin() is 'RLS helper: true when auth.uid() is a platform administrator (profiles.is_admin).';
revoke all on function private.is_admin() from public;
grant execute on function private.is_admin() to authenticated, service_role;

-- One SELECT policy (the advisors flag several permissive ones): the owner, or an administrator.
create policy "profiles: users read their own profile, admins read all"
  on public.profiles for select to authenticated
  using (id = (select auth.uid()) or (select private.is_admin()));

create policy "profiles: users update their own profile"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

-- Sign-up: create the profile. external_id comes only from app metadata (which the user cannot
-- set), never from user metadata.
create or replace function private.handle_new_auth_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, email, display_name, external_id, last_login_at, login_count)
  values (
    new.id,
    new.email,
    coalesce(
      nullif(new.raw_user_meta_data ->> 'display_name', ''),
      nullif(new.raw_user_meta_data ->> 'full_name', ''),
      nullif(split_part(new.email, '@', 1), '')
    ),
    nullif(new.raw_app_meta_data ->> 'external_id', ''),
    new.last_sign_in_at,
    case when new.last_sign_in_at is null then 0 else 1 end
  );
  return new;
end;
$$;
comment on function private.handle_new_auth_user() is 'AFTER INSERT on auth.users: creates the public.profiles row.';
revoke all on function private.handle_new_auth_user() from public;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.handle_new_auth_user();

-- Sign-in and email changes: keep last_login_at, login_count and email in step with Auth.
create or replace function private.handle_auth_user_updated()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.profiles p
  set
    email = new.email,
    last_login_at = coalesce(new.last_sign_in_at, p.last_login_at),
    login_count = p.login_count
      + case when new.last_sign_in_at is distinct from old.last_sign_in_at and new.last_sign_in_at is not null then 1 else 0 end
  where p.id = new.id;
  return new;
end;
$$;
comment on function private.handle_auth_user_updated() is 'AFTER UPDATE on auth.users: syncs email, last_login_at and login_count into public.profiles.';
revoke all on function private.handle_auth_user_updated() from public;

create trigger on_auth_user_updated
  after update of email, last_sign_in_at on auth.users
  for each row execute function private.handle_auth_user_updated();
