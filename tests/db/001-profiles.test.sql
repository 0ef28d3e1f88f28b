-- public.profiles: created on sign-up, readable and renamable only by its owner.
begin;
select plan(24);

select has_table('public', 'profiles', 'profiles exists');
select col_is_pk('public', 'profiles', 'id', 'profiles.id is the primary key');
select col_is_unique('public', 'profiles', 'external_id', 'profiles.external_id is unique');
select tests.rls_enabled('public', 'profiles');

select tests.create_supabase_user('alice', 'alice@example.test', metadata => '{"display_name": "Alice"}');
select tests.create_supabase_user('bob', 'bob@example.test', app_metadata => '{"external_id": "auth0|507f1f77bcf86cd799439011"}');
select tests.create_supabase_user('mallory', 'mallory@example.test', metadata => '{"external_id": "auth0|forged"}');

select is((select count(*)::int from public.profiles where id in (tests.get_supabase_uid('alice'), tests.get_supabase_uid('bob'))), 2,
  'a profile is created for every new auth user');
select is((select display_name from public.profiles where id = tests.get_supabase_uid('alice')), 'Alice', 'display_name comes from sign-up metadata');
select is((select email from public.profiles where id = tests.get_supabase_uid('alice')), 'alice@example.test', 'email is copied from auth.users');
select is((select external_id from public.profiles where id = tests.get_supabase_uid('bob')), 'auth0|507f1f77bcf86cd799439011', 'external_id comes from app metadata');
select is((select external_id from public.profiles where id = tests.get_supabase_uid('mallory')), null, 'external_id is never taken from user-controlled metadata');

-- A user sees only their own profile.
select tests.authenticate_as('alice');
select results_eq('select id from public.profiles', array[tests.get_supabase_uid('alice')], 'alice reads only her own profile');

-- ... renames it, but cannot touch another user's row or the privileged columns.
select lives_ok($$update public.profiles set display_name = 'Alice L.' where id = auth.uid()$$, 'a user can change their display_name');
select is((select display_name from public.profiles where id = auth.uid()), 'Alice L.', 'the new display_name is stored');
select throws_ok($$update public.profiles set is_admin = true where id = auth.uid()$$, '42501', null, 'a user cannot make themselves admin');
select throws_ok($$update public.profiles set status = 'active', external_id = 'x' where id = auth.uid()$$, '42501', null, 'a user cannot change status or external_id');
select throws_ok($$insert into public.profiles (id) values (gen_random_uuid())$$, '42501', null, 'a user cannot insert profiles');
select throws_ok($$delete from public.profiles$$, '42501', null, 'a user cannot delete profiles');
update public.profiles set display_name = 'hacked' where id = tests.get_supabase_uid('bob');
reset role;
select is((select display_name from public.profiles where id = tests.get_supabase_uid('bob')), 'bob', 'another user''s profile is unchanged');

-- Anonymous requests read nothing.
select tests.clear_authentication();
select throws_ok('select * from public.profiles', '42501', null, 'anon cannot read profiles');
reset role;

-- Admins read every profile (explicit policy), but still cannot write other rows.
update public.profiles set is_admin = true where id = tests.get_supabase_uid('bob');
select tests.authenticate_as('bob');
select ok((select count(*) from public.profiles) >= 3, 'an admin reads every profile');
reset role;

-- Sign-ins and email changes flow from auth.users.
update auth.users set last_sign_in_at = now() where id = tests.get_supabase_uid('alice');
update auth.users set last_sign_in_at = now() + interval '1 minute' where id = tests.get_supabase_uid('alice');
select is((select login_count from public.profiles where id = tests.get_supabase_uid('alice')), 2, 'each sign-in increments login_count');
select ok((select last_login_at is not null from public.profiles where id = tests.get_supabase_uid('alice')), 'last_login_at is recorded');
update auth.users set email = 'alice@new.example.test' where id = tests.get_supabase_uid('alice');
select is((select email from public.profiles where id = tests.get_supabase_uid('alice')), 'alice@new.example.test', 'an email change is copied');

-- external_id stays unique; deleting the auth user removes the profile.
select throws_ok(
  $$update public.profiles set external_id = 'auth0|507f1f77bcf86cd799439011' where id = tests.get_supabase_uid('alice')$$,
  '23505', null, 'two profiles cannot share an external_id');
delete from auth.users where id = tests.get_supabase_uid('alice');
select is((select count(*)::int from public.profiles where email = 'alice@new.example.test'), 0, 'deleting the auth user deletes the profile');

select * from finish();
rollback;
