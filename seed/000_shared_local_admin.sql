-- Local development only (seed files are never pushed to hosted projects): one administrator,
-- admin@localhost.test / local-admin-password, so admin-only views can be tried right away.
insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
values (
  '00000000-0000-4000-8000-00000000ad01',
  'authenticated',
  'authenticated',
  'admin@localhost.test',
  extensions.crypt('local-admin-password', extensions.gen_salt('bf')),
  now(),
  '{"provider": "email", "providers": ["email"]}',
  '{"display_name": "Local admin"}',
  now(),
  now()
)
on conflict (id) do nothing;

update public.profiles set is_admin = true where id = '00000000-0000-4000-8000-00000000ad01';
