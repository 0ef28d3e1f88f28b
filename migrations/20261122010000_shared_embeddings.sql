-- Embedding pipeline shared by every domain. A domain declares which column holds the text and
-- which holds the vector with private.register_embedding(...); statement-level triggers then
-- enqueue a job whenever that text changes, and the `embed` Edge Function claims jobs, calls the
-- provider and writes vectors back. Search primitives (vector top-k with filters, hybrid RRF)
-- are SQL functions the domains' RPCs reuse.

-- Targets: one row per (table, vector column) that the pipeline maintains.
create table private.embedding_targets (
  target_schema text not null,
  target_table text not null,
  vector_column text not null,
  id_column text not null,
  id_type text not null,
  content_column text not null,
  created_at timestamptz not null default now(),
  primary key (target_schema, target_table, vector_column)
);
comment on table private.embedding_targets is 'Columns kept embedded by the pipeline: the text in content_column is embedded into vector_column, rows identified by id_column (of type id_type; job ids are its text form).';

-- Jobs: durable queue. One live (pending) job per target row and column; content_hash is the
-- sha256 of the text the vector must be built from.
create table private.embedding_jobs (
  id bigint generated always as identity primary key,
  target_schema text not null,
  target_table text not null,
  target_id text not null,
  vector_column text not null,
  content_hash text not null,
  status text not null default 'pending' check (status in ('pending', 'running', 'done', 'dead')),
  superseded boolean not null default false,
  attempts integer not null default 0 check (attempts >= 0),
  run_after timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz,
  foreign key (target_schema, target_table, vector_column)
    references private.embedding_targets (target_schema, target_table, vector_column) on delete cascade
);
comment on table private.embedding_jobs is 'Embedding queue. pending -> running (claimed, leased) -> done | pending again (retry with backoff) | dead (after 5 attempts).';
comment on column private.embedding_jobs.content_hash is 'sha256 (hex) of the text this job embeds; a vector is written only if the row still has this text.';
comment on column private.embedding_jobs.superseded is 'Done without writing: the row changed, vanished or was already embedded with this text and model.';
comment on column private.embedding_jobs.attempts is 'Provider attempts so far; the 5th failure dead-letters the job. Incremented on claim (the lease token).';

create unique index embedding_jobs_one_pending on private.embedding_jobs (target_schema, target_table, target_id, vector_column)
  where status = 'pending';
create index embedding_jobs_claimable on private.embedding_jobs (run_after, id) where status = 'pending';
create index embedding_jobs_leased on private.embedding_jobs (locked_until) where status = 'running';
create index embedding_jobs_target on private.embedding_jobs (target_schema, target_table, vector_column, status);
create index embedding_jobs_completed on private.embedding_jobs (completed_at) where status = 'done';

-- What each stored vector was built from: text hash and model. A model change re-embeds.
create table private.embedding_state (
  target_schema text not null,
  target_table text not null,
  target_id text not null,
  vector_column text not null,
  content_hash text not null,
  model text not null,
  embedded_at timestamptz not null default now(),
  primary key (target_schema, target_table, vector_column, target_id),
  foreign key (target_schema, target_table, vector_column)
    references private.embedding_targets (target_schema, target_table, vector_column) on delete cascade
);
comment on table private.embedding_state is 'The text hash and model each stored vector was built from.';
create index embedding_state_model on private.embedding_state (model);

-- Every request made to an embedding provider (so an unchanged re-run visibly makes none).
create table private.embedding_provider_requests (
  id bigint generated always as identity primary key,
  provider text not null,
  model text not null,
  inputs integer not null check (inputs >= 0),
  tokens integer not null check (tokens >= 0),
  status integer not null,
  duration_ms integer not null check (duration_ms >= 0),
  error text,
  created_at timestamptz not null default now()
);
comment on table private.embedding_provider_requests is 'One row per provider request made by the embed function (status 0 = network error).';
create index embedding_provider_requests_created on private.embedding_provider_requests (created_at);

revoke all on private.embedding_targets, private.embedding_jobs, private.embedding_state, private.embedding_provider_requests
  from public, anon, authenticated;
grant select on private.embedding_targets, private.embedding_jobs, private.embedding_state, private.embedding_provider_requests
  to service_role;

create function private.text_sha256(content text)
returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select encode(pg_catalog.sha256(pg_catalog.convert_to(content, 'UTF8')), 'hex');
$$;
comment on function private.text_sha256(text) is 'Hex sha256 of a text (UTF-8): the content hash of embedding jobs.';
revoke all on function private.text_sha256(text) from public;

-- Statement-level trigger: enqueue jobs for inserted rows and rows whose text changed; clear the
-- vector (and any job) of rows whose text became empty; forget deleted rows.
-- Arguments: id column, content column, vector column, id column type. Ids travel as text and are
-- cast back to the id type when joined with the table, so the primary key index is used.
create function private.enqueue_embeddings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  id_col text := tg_argv[0];
  content_col text := tg_argv[1];
  vector_col text := tg_argv[2];
  id_type text := tg_argv[3];
  changed text;
  emptied text[];
begin
  if tg_op = 'DELETE' then
    execute format(
      'delete from private.embedding_jobs j using old_rows o
       where j.status = ''pending'' and j.target_schema = $1 and j.target_table = $2 and j.vector_column = $3 and j.target_id = o.%I::text',
      id_col) using tg_table_schema, tg_table_name, vector_col;
    execute format(
      'delete from private.embedding_state s using old_rows o
       where s.target_schema = $1 and s.target_table = $2 and s.vector_column = $3 and s.target_id = o.%I::text',
      id_col) using tg_table_schema, tg_table_name, vector_col;
    return null;
  end if;

  -- Rows to look at: every inserted row, or updated rows whose text changed.
  if tg_op = 'INSERT' then
    changed := 'select n.* from new_rows n';
  else
    changed := format('select n.* from new_rows n join old_rows o on o.%1$I = n.%1$I where o.%2$I is distinct from n.%2$I', id_col, content_col);
  end if;

  execute format(
    'insert into private.embedding_jobs (target_schema, target_table, target_id, vector_column, content_hash)
     select $1, $2, c.%1$I::text, $3, private.text_sha256(c.%2$I::text)
     from (%3$s) c
     where c.%2$I is not null and btrim(c.%2$I::text) <> ''''
       and not exists (
         select 1 from private.embedding_state s
         where s.target_schema = $1 and s.target_table = $2 and s.vector_column = $3
           and s.target_id = c.%1$I::text and s.content_hash = private.text_sha256(c.%2$I::text))
     on conflict (target_schema, target_table, target_id, vector_column) where status = ''pending''
     do update set content_hash = excluded.content_hash, attempts = 0, run_after = now(), last_error = null, updated_at = now()',
    id_col, content_col, changed) using tg_table_schema, tg_table_name, vector_col;

  -- Text removed: no vector may describe it any more. (Guarded: a statement trigger also fires for
  -- an UPDATE of zero rows, so an unconditional UPDATE here would re-trigger itself forever.)
  execute format('select array_agg(c.%1$I::text) from (%3$s) c where c.%2$I is null or btrim(c.%2$I::text) = ''''',
    id_col, content_col, changed) into emptied;
  if emptied is not null then
    delete from private.embedding_jobs j
    where j.status = 'pending' and j.target_schema = tg_table_schema and j.target_table = tg_table_name
      and j.vector_column = vector_col and j.target_id = any (emptied);
    delete from private.embedding_state s
    where s.target_schema = tg_table_schema and s.target_table = tg_table_name
      and s.vector_column = vector_col and s.target_id = any (emptied);
    execute format('update %1$I.%2$I t set %3$I = null where t.%4$I = any ($1::%5$s[]) and t.%3$I is not null',
      tg_table_schema, tg_table_name, vector_col, id_col, id_type) using emptied;
  end if;
  return null;
end;
$$;
comment on function private.enqueue_embeddings() is 'Statement trigger installed by private.register_embedding: enqueues embedding jobs for new or changed text.';
revoke all on function private.enqueue_embeddings() from public;

-- Declares an embedded column pair and installs its triggers and HNSW index.
-- HNSW parameters: m = 16, ef_construction = 64 (pgvector defaults; recall@10 >= 0.98 at
-- ef_search 100 on the catalog's volume, see BENCHMARKS.md); cosine distance.
create function private.register_embedding(
  target regclass,
  id_column text,
  content_column text,
  vector_column text
)
returns void
language plpgsql
set search_path = ''
as $$
#variable_conflict use_column
declare
  schema_name text;
  table_name text;
  id_type text;
  suffix text := left(vector_column, 40);
begin
  select n.nspname, c.relname into schema_name, table_name
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.oid = target;
  select pg_catalog.format_type(a.atttypid, a.atttypmod) into id_type
  from pg_catalog.pg_attribute a
  where a.attrelid = target and a.attname = id_column and not a.attisdropped;
  if id_type is null then
    raise exception 'column %.% does not exist', target, id_column using errcode = '42703';
  end if;

  insert into private.embedding_targets (target_schema, target_table, vector_column, id_column, id_type, content_column)
  values (schema_name, table_name, vector_column, id_column, id_type, content_column)
  on conflict (target_schema, target_table, vector_column)
  do update set id_column = excluded.id_column, id_type = excluded.id_type, content_column = excluded.content_column;

  execute format('drop trigger if exists %I on %s', 'embed_' || suffix || '_ins', target);
  execute format('drop trigger if exists %I on %s', 'embed_' || suffix || '_upd', target);
  execute format('drop trigger if exists %I on %s', 'embed_' || suffix || '_del', target);
  execute format(
    'create trigger %I after insert on %s referencing new table as new_rows
     for each statement execute function private.enqueue_embeddings(%L, %L, %L, %L)',
    'embed_' || suffix || '_ins', target, id_column, content_column, vector_column, id_type);
  execute format(
    'create trigger %I after update on %s referencing old table as old_rows new table as new_rows
     for each statement execute function private.enqueue_embeddings(%L, %L, %L, %L)',
    'embed_' || suffix || '_upd', target, id_column, content_column, vector_column, id_type);
  execute format(
    'create trigger %I after delete on %s referencing old table as old_rows
     for each statement execute function private.enqueue_embeddings(%L, %L, %L, %L)',
    'embed_' || suffix || '_del', target, id_column, content_column, vector_column, id_type);
  execute format(
    'create index if not exists %I on %s using hnsw (%I extensions.vector_cosine_ops) with (m = 16, ef_construction = 64)',
    left(table_name || '_' || vector_column || '_hnsw', 63), target, vector_column);

  -- Rows that already have text get their first jobs now.
  execute format(
    'insert into private.embedding_jobs (target_schema, target_table, target_id, vector_column, content_hash)
     select $1, $2, t.%1$I::text, $3, private.text_sha256(t.%2$I::text) from %3$s t
     where t.%2$I is not null and btrim(t.%2$I::text) <> ''''
     on conflict (target_schema, target_table, target_id, vector_column) where status = ''pending'' do nothing',
    id_column, content_column, target) using schema_name, table_name, vector_column;
end;
$$;
comment on function private.register_embedding(regclass, text, text, text) is 'Keeps target.vector_column embedded from target.content_column (rows identified by id_column): triggers, HNSW index, initial jobs.';
revoke all on function private.register_embedding(regclass, text, text, text) from public;

-- Claims up to max_jobs jobs for one worker (for update skip locked), with the text to embed.
-- Also: re-enqueues vectors built by another model, expires leases, and drops finished jobs older
-- than 7 days. Jobs that need no provider call (row gone, text empty, already embedded with this
-- text and model) are completed here as superseded and not returned.
create function private.claim_embedding_jobs(max_jobs integer, current_model text, lease_seconds integer default 300)
returns table (
  job_id bigint,
  attempt integer,
  target_schema text,
  target_table text,
  target_id text,
  vector_column text,
  content text,
  content_hash text
)
language plpgsql
set search_path = ''
as $$
#variable_conflict use_column
declare
  t record;
  claimed bigint[];
begin
  delete from private.embedding_jobs j where j.status = 'done' and j.completed_at < now() - interval '7 days';

  insert into private.embedding_jobs (target_schema, target_table, target_id, vector_column, content_hash)
  select s.target_schema, s.target_table, s.target_id, s.vector_column, s.content_hash
  from private.embedding_state s
  where s.model <> current_model
  limit max_jobs
  on conflict (target_schema, target_table, target_id, vector_column) where status = 'pending' do nothing;

  with candidates as (
    select j.id from private.embedding_jobs j
    where (j.status = 'pending' and j.run_after <= now()) or (j.status = 'running' and j.locked_until < now())
    order by j.run_after, j.id
    limit max_jobs
    for update skip locked
  ),
  leased as (
    update private.embedding_jobs j
    set status = 'running', attempts = j.attempts + 1, locked_until = now() + make_interval(secs => lease_seconds), updated_at = now()
    from candidates c
    where j.id = c.id
    returning j.id
  )
  select array_agg(leased.id) into claimed from leased;
  if claimed is null then
    return;
  end if;

  for t in
    select distinct et.target_schema, et.target_table, et.vector_column, et.id_column, et.id_type, et.content_column
    from private.embedding_jobs j
    join private.embedding_targets et using (target_schema, target_table, vector_column)
    where j.id = any (claimed)
  loop
    return query execute format(
      'with claimed as (
         select j.* from private.embedding_jobs j
         where j.id = any ($1) and j.target_schema = $2 and j.target_table = $3 and j.vector_column = $4),
       current as (
         select c.id, c.attempts, c.target_id, r.%1$I::text as content, private.text_sha256(r.%1$I::text) as hash
         from claimed c left join %3$I.%4$I r on r.%2$I = c.target_id::%5$s),
       done as (
         update private.embedding_jobs j set status = ''done'', superseded = true, completed_at = now(), locked_until = null, updated_at = now()
         from current c
         where j.id = c.id and (
           c.content is null or btrim(c.content) = ''''
           or exists (select 1 from private.embedding_state s
                      where s.target_schema = $2 and s.target_table = $3 and s.vector_column = $4
                        and s.target_id = c.target_id and s.content_hash = c.hash and s.model = $5))
         returning j.id),
       refreshed as (
         update private.embedding_jobs j set content_hash = c.hash
         from current c
         where j.id = c.id and j.id not in (select id from done) and j.content_hash is distinct from c.hash
         returning j.id)
       select c.id, c.attempts, $2, $3, c.target_id, $4, c.content, c.hash
       from current c where c.id not in (select id from done) and c.content is not null and btrim(c.content) <> ''''',
      t.content_column, t.id_column, t.target_schema, t.target_table, t.id_type)
    using claimed, t.target_schema, t.target_table, t.vector_column, current_model;
  end loop;
end;
$$;
comment on function private.claim_embedding_jobs(integer, text, integer) is 'Worker API: claims up to max_jobs embedding jobs (skip locked) and returns their text; the attempt number is the lease token for finish_embedding_batch.';
revoke all on function private.claim_embedding_jobs(integer, text, integer) from public;
grant execute on function private.claim_embedding_jobs(integer, text, integer) to service_role;

-- Completes one worker round in one transaction: writes vectors (only where the row still has the
-- text they were built from), completes jobs, schedules retries with exponential backoff
-- (10 s * 2^(attempt-1), at most 1 h, or the provider's Retry-After if longer), dead-letters a job
-- on its 5th failure, and records the provider requests.
-- batch = {model, completed: [{job_id, attempt, content_hash, embedding}],
--          failed: [{job_id, attempt, error, retry_after_seconds, count_attempt}],
--          requests: [{provider, model, inputs, tokens, status, duration_ms, error}]}
create function private.finish_embedding_batch(batch jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  t record;
  written integer := 0;
  n integer;
  superseded integer := 0;
  retried integer := 0;
  dead integer := 0;
begin
  create temporary table if not exists pg_temp.embedding_results (
    job_id bigint primary key, target_schema text, target_table text, vector_column text, target_id text,
    content_hash text, embedding text, written boolean not null default false
  ) on commit drop;
  truncate pg_temp.embedding_results;

  -- Only jobs still leased to this worker (same attempt) count; a job re-claimed after a lost lease
  -- belongs to its new worker.
  insert into pg_temp.embedding_results (job_id, target_schema, target_table, vector_column, target_id, content_hash, embedding)
  select j.id, j.target_schema, j.target_table, j.vector_column, j.target_id, r.content_hash, r.embedding
  from jsonb_to_recordset(coalesce(batch -> 'completed', '[]')) as r(job_id bigint, attempt integer, content_hash text, embedding text)
  join private.embedding_jobs j on j.id = r.job_id and j.status = 'running' and j.attempts = r.attempt;

  for t in
    select distinct r.target_schema, r.target_table, r.vector_column, et.id_column, et.id_type, et.content_column
    from pg_temp.embedding_results r
    join private.embedding_targets et using (target_schema, target_table, vector_column)
  loop
    execute format(
      'with written as (
         update %1$I.%2$I x set %3$I = r.embedding::extensions.vector
         from pg_temp.embedding_results r
         where r.target_schema = $1 and r.target_table = $2 and r.vector_column = $3
           and x.%4$I = r.target_id::%6$s and private.text_sha256(x.%5$I::text) = r.content_hash
         returning r.job_id)
       update pg_temp.embedding_results r set written = true from written w where r.job_id = w.job_id',
      t.target_schema, t.target_table, t.vector_column, t.id_column, t.content_column, t.id_type)
    using t.target_schema, t.target_table, t.vector_column;
  end loop;

  insert into private.embedding_state (target_schema, target_table, target_id, vector_column, content_hash, model, embedded_at)
  select r.target_schema, r.target_table, r.target_id, r.vector_column, r.content_hash, batch ->> 'model', now()
  from pg_temp.embedding_results r where r.written
  on conflict (target_schema, target_table, vector_column, target_id)
  do update set content_hash = excluded.content_hash, model = excluded.model, embedded_at = excluded.embedded_at;

  update private.embedding_jobs j
  set status = 'done', superseded = not r.written, completed_at = now(), locked_until = null, last_error = null, updated_at = now()
  from pg_temp.embedding_results r where j.id = r.job_id;
  select count(*) filter (where r.written), count(*) filter (where not r.written) into written, superseded
  from pg_temp.embedding_results r;

  with f as (
    select j.id, r.error, coalesce(r.count_attempt, true) as counts, coalesce(r.retry_after_seconds, 0) as retry_after, j.attempts
    from jsonb_to_recordset(coalesce(batch -> 'failed', '[]'))
      as r(job_id bigint, attempt integer, error text, retry_after_seconds integer, count_attempt boolean)
    join private.embedding_jobs j on j.id = r.job_id and j.status = 'running' and j.attempts = r.attempt
  ),
  updated as (
    update private.embedding_jobs j
    set status = case when f.counts and f.attempts >= 5 then 'dead' else 'pending' end,
        attempts = case when f.counts then f.attempts else f.attempts - 1 end,
        run_after = now() + make_interval(secs => greatest(f.retry_after, least(3600, 10 * power(2, greatest(f.attempts - 1, 0)))::integer)),
        last_error = left(f.error, 2000),
        locked_until = null,
        updated_at = now()
    from f where j.id = f.id
    returning j.status
  )
  select count(*) filter (where status = 'pending'), count(*) filter (where status = 'dead') into retried, dead from updated;

  insert into private.embedding_provider_requests (provider, model, inputs, tokens, status, duration_ms, error)
  select r.provider, r.model, r.inputs, r.tokens, r.status, r.duration_ms, left(r.error, 2000)
  from jsonb_to_recordset(coalesce(batch -> 'requests', '[]'))
    as r(provider text, model text, inputs integer, tokens integer, status integer, duration_ms integer, error text);
  get diagnostics n = row_count;

  return jsonb_build_object('written', written, 'superseded', superseded, 'retried', retried, 'dead', dead, 'requests', n);
end;
$$;
comment on function private.finish_embedding_batch(jsonb) is 'Worker API: writes vectors, completes / retries / dead-letters jobs and logs provider requests, in one transaction.';
revoke all on function private.finish_embedding_batch(jsonb) from public;
grant execute on function private.finish_embedding_batch(jsonb) to service_role;

-- Observability (service role only).
create view public.embedding_queue_stats with (security_invoker = true) as
select
  t.target_schema,
  t.target_table,
  t.vector_column,
  count(j.id) filter (where j.status = 'pending') as pending,
  count(j.id) filter (where j.status = 'running') as running,
  count(j.id) filter (where j.status = 'done' and not j.superseded) as done,
  count(j.id) filter (where j.status = 'done' and j.superseded) as superseded,
  count(j.id) filter (where j.status = 'pending' and j.attempts > 0) as failed_retrying,
  count(j.id) filter (where j.status = 'dead') as dead,
  extract(epoch from now() - min(j.created_at) filter (where j.status = 'pending'))::integer as oldest_pending_seconds,
  (select count(*) from private.embedding_state s
   where s.target_schema = t.target_schema and s.target_table = t.target_table and s.vector_column = t.vector_column) as embedded_rows
from private.embedding_targets t
left join private.embedding_jobs j using (target_schema, target_table, vector_column)
group by t.target_schema, t.target_table, t.vector_column;
comment on view public.embedding_queue_stats is 'Embedding queue per target column: depth, oldest pending job age, done / superseded / retrying / dead jobs (finished jobs are kept 7 days).';

create view public.embedding_dead_letters with (security_invoker = true) as
select j.id, j.target_schema, j.target_table, j.target_id, j.vector_column, j.attempts, j.last_error, j.created_at, j.updated_at
from private.embedding_jobs j
where j.status = 'dead';
comment on view public.embedding_dead_letters is 'Embedding jobs that failed 5 times, with their last error. Fix the cause, then re-save the row (or set status = ''pending'', attempts = 0).';

create view public.embedding_provider_usage with (security_invoker = true) as
select
  r.provider,
  r.model,
  count(*) as requests,
  count(*) filter (where r.status <> 200) as failed_requests,
  coalesce(sum(r.inputs), 0) as inputs,
  coalesce(sum(r.tokens), 0) as tokens,
  max(r.created_at) as last_request_at
from private.embedding_provider_requests r
group by r.provider, r.model;
comment on view public.embedding_provider_usage is 'Requests made to each embedding provider and model: an unchanged re-run adds none.';

revoke all on public.embedding_queue_stats, public.embedding_dead_letters, public.embedding_provider_usage from public, anon, authenticated;
grant select on public.embedding_queue_stats, public.embedding_dead_letters, public.embedding_provider_usage to service_role;

-- Anonymous visitors search too (e.g. the public catalog): they may reference objects in private,
-- but only those granted to them below; every other object there stays revoked.
grant usage on schema private to anon;

-- Search primitives. SECURITY INVOKER: the caller's RLS applies to the rows searched. Domain RPCs
-- call these (or copy their pattern with typed filters) and join the ids back to their table.

-- Cosine top-k with optional filters (jsonb containment on the row, e.g. '{"provider": "aws"}').
-- HNSW with iterative index scans (pgvector 0.8, relaxed order, re-sorted here), so a selective
-- filter still yields match_count rows whenever at least that many rows match.
create function private.match_vectors(
  target regclass,
  id_column text,
  vector_column text,
  query_embedding extensions.vector,
  match_count integer default 10,
  filter jsonb default '{}'
)
returns table (id text, similarity double precision)
language plpgsql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 100
set hnsw.max_scan_tuples = 100000
as $$
begin
  return query execute format(
    'with ranked as materialized (
       select t.%1$I::text as id, t.%2$I operator(extensions.<=>) $1 as distance
       from %3$s t
       where t.%2$I is not null and ($2 = ''{}''::jsonb or to_jsonb(t) @> $2)
       order by t.%2$I operator(extensions.<=>) $1
       limit $3)
     select r.id, 1 - r.distance from ranked r order by r.distance',
    id_column, vector_column, target)
  using query_embedding, coalesce(filter, '{}'::jsonb), match_count;
end;
$$;
comment on function private.match_vectors(regclass, text, text, extensions.vector, integer, jsonb) is
  'Cosine top-k over target.vector_column (HNSW, iterative scan): ids and similarity (1 = identical). filter = jsonb the row must contain.';
revoke all on function private.match_vectors(regclass, text, text, extensions.vector, integer, jsonb) from public;
grant execute on function private.match_vectors(regclass, text, text, extensions.vector, integer, jsonb) to anon, authenticated, service_role;

-- Hybrid search in the shape of Supabase's documented hybrid_search: full-text rank
-- (websearch_to_tsquery, ts_rank_cd) and vector rank fused by reciprocal rank fusion,
-- score = full_text_weight / (rrf_k + full_text_rank) + semantic_weight / (rrf_k + semantic_rank).
create function private.hybrid_search(
  target regclass,
  id_column text,
  fts_column text,
  vector_column text,
  query_text text,
  query_embedding extensions.vector,
  match_count integer default 10,
  full_text_weight double precision default 1,
  semantic_weight double precision default 1,
  rrf_k integer default 50,
  filter jsonb default '{}',
  text_config regconfig default 'english'
)
returns table (id text, score double precision, full_text_rank bigint, semantic_rank bigint)
language plpgsql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 100
set hnsw.max_scan_tuples = 100000
as $$
begin
  return query execute format(
    'with full_text as (
       select t.%1$I::text as id,
              row_number() over (order by ts_rank_cd(t.%2$I, websearch_to_tsquery($7, $1)) desc) as rank_ix
       from %4$s t
       where t.%2$I @@ websearch_to_tsquery($7, $1) and ($6 = ''{}''::jsonb or to_jsonb(t) @> $6)
       order by rank_ix
       limit $3 * 2),
     semantic as (
       select s.id, row_number() over (order by s.distance) as rank_ix
       from (select t.%1$I::text as id, t.%3$I operator(extensions.<=>) $2 as distance
             from %4$s t
             where t.%3$I is not null and ($6 = ''{}''::jsonb or to_jsonb(t) @> $6)
             order by t.%3$I operator(extensions.<=>) $2
             limit $3 * 2) s)
     select coalesce(f.id, s.id),
            coalesce(1.0 / ($5 + f.rank_ix), 0.0) * $8 + coalesce(1.0 / ($5 + s.rank_ix), 0.0) * $9,
            f.rank_ix, s.rank_ix
     from full_text f full outer join semantic s on f.id = s.id
     order by 2 desc, 1
     limit $3',
    id_column, fts_column, vector_column, target)
  using query_text, query_embedding, match_count, null, rrf_k, coalesce(filter, '{}'::jsonb), text_config,
        full_text_weight, semantic_weight;
end;
$$;
comment on function private.hybrid_search(regclass, text, text, text, text, extensions.vector, integer, double precision, double precision, integer, jsonb, regconfig) is
  'Hybrid search (full-text + vector, reciprocal rank fusion) over target: ids with fused score and each rank.';
revoke all on function private.hybrid_search(regclass, text, text, text, text, extensions.vector, integer, double precision, double precision, integer, jsonb, regconfig) from public;
grant execute on function private.hybrid_search(regclass, text, text, text, text, extensions.vector, integer, double precision, double precision, integer, jsonb, regconfig) to anon, authenticated, service_role;

-- The worker runs every 10 seconds (pg_cron hosted, the stack's scheduler locally).
select private.schedule_function('embed-queue', '10 seconds', 'embed', '{}');
