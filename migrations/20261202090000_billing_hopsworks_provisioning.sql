-- Hopsworks provisioning (issue 20 point 2). An assignment made through POST /billing/assignments
-- is a reservation (state pending) until the cluster's admin API has created or found the user;
-- only then does it take a seat (state active, counted in current_users) and carry the username.
-- POST /billing/assignments/:user/release marks it releasing; the seat is freed (row deleted) when
-- the cluster has deactivated the user. A cluster that fails leaves the row pending/releasing with
-- next_attempt_at for the scheduler (POST /billing/provision, every 5 minutes).
-- billing.assign_cluster keeps its meaning (an assignment already confirmed: state active) and now
-- counts reservations when it looks for room, so a confirmation never finds its cluster full.

create type billing.assignment_state as enum ('pending', 'active', 'releasing');
comment on type billing.assignment_state is 'pending: seat reserved, user not yet confirmed by the cluster (no seat taken); active: the user exists on the cluster (seat taken); releasing: deactivation on the cluster requested (seat still taken).';

alter table billing.user_hopsworks_assignments
  add column state billing.assignment_state not null default 'active',
  add column attempts integer not null default 0 check (attempts >= 0),
  add column next_attempt_at timestamptz,
  add column last_error text;
comment on column billing.user_hopsworks_assignments.state is 'pending (not on the cluster yet, no seat), active (on the cluster, seat taken) or releasing (being deactivated there).';
comment on column billing.user_hopsworks_assignments.attempts is 'Failed calls to the cluster since the last state change.';
comment on column billing.user_hopsworks_assignments.next_attempt_at is 'When the scheduler tries the cluster again (pending/releasing only).';
comment on column billing.user_hopsworks_assignments.last_error is 'What the cluster answered on the last failed attempt.';
create index user_hopsworks_assignments_due_idx on billing.user_hopsworks_assignments (next_attempt_at)
  where state <> 'active';

-- Seats: only confirmed assignments (active, releasing) count.
create or replace function private.count_cluster_users()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('DELETE', 'UPDATE') and old.state <> 'pending' then
    update billing.hopsworks_clusters set current_users = current_users - 1 where id = old.hopsworks_cluster_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.state <> 'pending' then
    update billing.hopsworks_clusters set current_users = current_users + 1 where id = new.hopsworks_cluster_id;
  end if;
  return null;
end;
$$;
comment on function private.count_cluster_users() is 'Keeps hopsworks_clusters.current_users equal to its confirmed (active, releasing) assignments; the CHECK refuses going over max_users.';
revoke all on function private.count_cluster_users() from public;
drop trigger assignments_count_users on billing.user_hopsworks_assignments;
create trigger assignments_count_users after insert or delete or update of hopsworks_cluster_id, state on billing.user_hopsworks_assignments
  for each row execute function private.count_cluster_users();

-- The least-loaded active cluster with room, counting seats taken and reserved. Caller holds the lock.
create function private.cluster_with_room()
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select c.id
  from billing.hopsworks_clusters c
  cross join lateral (select count(*) as n from billing.user_hopsworks_assignments p
                      where p.hopsworks_cluster_id = c.id and p.state = 'pending') pending
  where c.status = 'active' and c.current_users + pending.n < c.max_users
  order by (c.current_users + pending.n)::numeric / c.max_users, c.created_at, c.name
  limit 1;
$$;
comment on function private.cluster_with_room() is 'The least-loaded active cluster whose seats taken plus reserved are below max_users (null if none).';
revoke all on function private.cluster_with_room() from public;

create or replace function billing.assign_cluster(target_user uuid, username text default null)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  chosen uuid;
begin
  -- One assignment at a time, then every statement below sees all earlier assignments committed.
  perform pg_advisory_xact_lock(hashtext('billing.assign_cluster'));
  select a.hopsworks_cluster_id into chosen from billing.user_hopsworks_assignments a where a.user_id = target_user;
  if chosen is not null then
    return chosen;
  end if;
  if private.account_restricted(target_user) then
    raise exception 'the account is restricted: its credit balance is below zero' using errcode = 'P0001', hint = 'account_restricted';
  end if;
  chosen := private.cluster_with_room();
  if chosen is null then
    raise exception 'no active cluster has room for another user' using errcode = 'P0001', hint = 'no_capacity';
  end if;
  insert into billing.user_hopsworks_assignments (user_id, hopsworks_cluster_id, hopsworks_username)
  values (target_user, chosen, username);
  return chosen;
end;
$$;
comment on function billing.assign_cluster(uuid, text) is 'Records an assignment already confirmed on the cluster (state active, seat taken) on the least-loaded active cluster with room (reservations count); a user already assigned gets their cluster back. Safe under concurrency; max_users never exceeded. A restricted account is refused (P0001, hint account_restricted). New users go through POST /billing/assignments (billing.reserve_cluster) instead. Service role.';
revoke all on function billing.assign_cluster(uuid, text) from public;
grant execute on function billing.assign_cluster(uuid, text) to service_role;

-- Step 1: reserve (pending, no seat). Idempotent: an existing assignment is returned as it is.
create function billing.reserve_cluster(target_user uuid)
returns billing.user_hopsworks_assignments
language plpgsql
set search_path = ''
as $$
declare
  assignment billing.user_hopsworks_assignments;
  chosen uuid;
begin
  perform pg_advisory_xact_lock(hashtext('billing.assign_cluster'));
  select a.* into assignment from billing.user_hopsworks_assignments a where a.user_id = target_user;
  if found then
    return assignment;
  end if;
  if private.account_restricted(target_user) then
    raise exception 'the account is restricted: its credit balance is below zero' using errcode = 'P0001', hint = 'account_restricted';
  end if;
  chosen := private.cluster_with_room();
  if chosen is null then
    raise exception 'no active cluster has room for another user' using errcode = 'P0001', hint = 'no_capacity';
  end if;
  insert into billing.user_hopsworks_assignments (user_id, hopsworks_cluster_id, state, next_attempt_at)
  values (target_user, chosen, 'pending', now())
  returning * into assignment;
  return assignment;
end;
$$;
comment on function billing.reserve_cluster(uuid) is 'Reserves a seat for the user on the least-loaded active cluster with room: a pending assignment that takes no seat until billing.confirm_assignment. Returns the user''s assignment (an existing one unchanged). P0001 hints no_capacity, account_restricted. Service role.';

-- Step 2: the cluster created or found the user: the seat is taken, the username recorded.
create function billing.confirm_assignment(target_user uuid, username text)
returns billing.user_hopsworks_assignments
language plpgsql
set search_path = ''
as $$
declare
  assignment billing.user_hopsworks_assignments;
begin
  if username is null or username = '' then
    raise exception 'a confirmed assignment needs the cluster''s username' using errcode = '22023';
  end if;
  update billing.user_hopsworks_assignments a
  set state = 'active', hopsworks_username = username, attempts = 0, next_attempt_at = null, last_error = null
  where a.user_id = target_user and a.state = 'pending'
  returning a.* into assignment;
  if found then
    insert into billing.customers (user_id, hopsworks_username) values (target_user, username)
    on conflict (user_id) do update set hopsworks_username = excluded.hopsworks_username;
    return assignment;
  end if;
  select a.* into assignment from billing.user_hopsworks_assignments a where a.user_id = target_user;
  return assignment;
end;
$$;
comment on function billing.confirm_assignment(uuid, text) is 'Marks a pending assignment active (the cluster confirmed the user): the seat is taken and the username stored on the assignment and billing.customers. Anything but pending is returned unchanged. Service role.';

-- A call to the cluster failed: try again later (1, 2, 4 ... minutes, at most 6 hours).
create function billing.note_provisioning_failure(target_user uuid, error text)
returns billing.user_hopsworks_assignments
language sql
set search_path = ''
as $$
  update billing.user_hopsworks_assignments a
  set attempts = a.attempts + 1, last_error = left(error, 500),
      next_attempt_at = now() + least(interval '1 minute' * power(2, least(a.attempts, 16)), interval '6 hours')
  where a.user_id = target_user and a.state <> 'active'
  returning a.*;
$$;
comment on function billing.note_provisioning_failure(uuid, text) is 'Records a failed call to the cluster for a pending or releasing assignment and when to retry (exponential, at most 6 hours). Service role.';

-- Unassigning, step 1: the seat stays taken until the cluster deactivated the user.
create function billing.begin_release(target_user uuid)
returns billing.user_hopsworks_assignments
language plpgsql
set search_path = ''
as $$
declare
  assignment billing.user_hopsworks_assignments;
begin
  perform pg_advisory_xact_lock(hashtext('billing.assign_cluster'));
  update billing.user_hopsworks_assignments a
  set state = 'releasing', attempts = 0, next_attempt_at = now(), last_error = null
  where a.user_id = target_user and a.state <> 'releasing'
  returning a.* into assignment;
  if not found then
    select a.* into assignment from billing.user_hopsworks_assignments a where a.user_id = target_user;
  end if;
  return assignment;
end;
$$;
comment on function billing.begin_release(uuid) is 'Marks the user''s assignment releasing (deactivation on the cluster requested; the seat stays taken until billing.finish_release). Returns null when the user has no assignment. Service role.';

-- Unassigning, step 2: the cluster deactivated the user (or never had them): the seat is freed.
create function billing.finish_release(target_user uuid)
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  delete from billing.user_hopsworks_assignments a where a.user_id = target_user and a.state = 'releasing';
  if not found then
    return false;
  end if;
  update billing.customers c set hopsworks_username = null where c.user_id = target_user;
  return true;
end;
$$;
comment on function billing.finish_release(uuid) is 'Deletes a releasing assignment (the cluster deactivated the user): frees the seat and clears billing.customers.hopsworks_username. Service role.';

-- The scheduler's work list: due pending/releasing assignments, leased for 5 minutes so two runs do
-- not call the cluster for the same user at once.
create function billing.claim_provisioning(max_rows integer default 50)
returns setof billing.user_hopsworks_assignments
language sql
set search_path = ''
as $$
  with due as (
    select a.user_id from billing.user_hopsworks_assignments a
    where a.state <> 'active' and a.next_attempt_at <= now()
    order by a.next_attempt_at
    limit max_rows
    for update skip locked
  )
  update billing.user_hopsworks_assignments a
  set next_attempt_at = now() + interval '5 minutes'
  from due where a.user_id = due.user_id
  returning a.*;
$$;
comment on function billing.claim_provisioning(integer) is 'Pending and releasing assignments whose next attempt is due (oldest first), leased for 5 minutes. Used by POST /billing/provision. Service role.';

revoke all on function billing.reserve_cluster(uuid) from public;
revoke all on function billing.confirm_assignment(uuid, text) from public;
revoke all on function billing.note_provisioning_failure(uuid, text) from public;
revoke all on function billing.begin_release(uuid) from public;
revoke all on function billing.finish_release(uuid) from public;
revoke all on function billing.claim_provisioning(integer) from public;
grant execute on function billing.reserve_cluster(uuid) to service_role;
grant execute on function billing.confirm_assignment(uuid, text) to service_role;
grant execute on function billing.note_provisioning_failure(uuid, text) to service_role;
grant execute on function billing.begin_release(uuid) to service_role;
grant execute on function billing.finish_release(uuid) to service_role;
grant execute on function billing.claim_provisioning(integer) to service_role;

select private.schedule_function('billing-provision', '*/5 * * * *', 'billing/provision', '{}');
