-- The embedding queue's rules, at the SQL level (the embed function is tested in vitest).
begin;
select plan(28);

-- An empty queue to start with (the seed's catalog rows have jobs waiting too).
delete from private.embedding_jobs;

create table public.docs (id uuid primary key default gen_random_uuid(), body text, embedding extensions.vector(3));
alter table public.docs enable row level security;
select lives_ok($$select private.register_embedding('public.docs', 'id', 'body', 'embedding')$$, 'a table registers its text and vector columns');
select has_index('public', 'docs', 'docs_embedding_hnsw', 'registration creates the HNSW index');
select throws_ok($$select private.register_embedding('public.docs', 'nope', 'body', 'embedding')$$, '42703', null, 'an unknown id column is refused');

insert into public.docs (id, body) values
  ('00000000-0000-4000-8000-000000000001', 'first text'),
  ('00000000-0000-4000-8000-000000000002', 'second text'),
  ('00000000-0000-4000-8000-000000000003', '   ');
select is((select count(*)::int from private.embedding_jobs where target_table = 'docs' and status = 'pending'), 2,
  'inserting rows enqueues one job per row with text (none for blank text)');
select is((select content_hash from private.embedding_jobs where target_id = '00000000-0000-4000-8000-000000000001'),
  encode(sha256(convert_to('first text', 'UTF8')), 'hex'), 'a job carries the sha256 of its text');

update public.docs set body = body;
select is((select count(*)::int from private.embedding_jobs where target_table = 'docs'), 2, 'an update that keeps the text enqueues nothing');
update public.docs set body = 'first text, edited' where id = '00000000-0000-4000-8000-000000000001';
select is((select count(*)::int from private.embedding_jobs where target_table = 'docs' and status = 'pending'), 2,
  'changing text while a job is pending updates that job instead of adding one');
select is((select content_hash from private.embedding_jobs where target_id = '00000000-0000-4000-8000-000000000001' and status = 'pending'),
  encode(sha256(convert_to('first text, edited', 'UTF8')), 'hex'), 'the pending job now carries the new hash');

-- A worker claims both jobs.
create temporary table claimed on commit drop as select * from private.claim_embedding_jobs(10, 'model-a');
select is((select count(*)::int from claimed), 2, 'claim returns the pending jobs with their text');
select is((select count(*)::int from private.claim_embedding_jobs(10, 'model-a')), 0, 'a second worker gets none of them (leased)');
select is((select content from claimed where target_id = '00000000-0000-4000-8000-000000000001'), 'first text, edited', 'the claimed text is the current text');

-- While the worker embeds, row 2's text changes: its result is stale and must not be written.
update public.docs set body = 'second text, newer' where id = '00000000-0000-4000-8000-000000000002';
select is((select count(*)::int from private.embedding_jobs where target_id = '00000000-0000-4000-8000-000000000002' and status = 'pending'), 1,
  'a change during embedding enqueues a new job');
select is(
  private.finish_embedding_batch(jsonb_build_object('model', 'model-a', 'completed', (
    select jsonb_agg(jsonb_build_object('job_id', job_id, 'attempt', attempt, 'content_hash', content_hash, 'embedding', '[1,0,0]')) from claimed))) ->> 'written',
  '1', 'finishing writes only the vector whose text is unchanged');
select is((select embedding::text from public.docs where id = '00000000-0000-4000-8000-000000000001'), '[1,0,0]', 'the fresh vector is stored');
select is((select embedding from public.docs where id = '00000000-0000-4000-8000-000000000002'), null, 'the stale vector is not stored');
select is((select superseded from private.embedding_jobs j join claimed c on c.job_id = j.id where c.target_id = '00000000-0000-4000-8000-000000000002'), true,
  'the stale job is completed as superseded');
select is((select model from private.embedding_state where target_id = '00000000-0000-4000-8000-000000000001'), 'model-a', 'the model is stored with the vector');
select is((select count(*)::int from private.embedding_jobs where target_table = 'docs' and status = 'pending'), 1, 'writing a vector enqueues nothing');

-- A finished job cannot be finished again (lease token = attempt).
select is(
  private.finish_embedding_batch(jsonb_build_object('model', 'model-a', 'completed', (
    select jsonb_agg(jsonb_build_object('job_id', job_id, 'attempt', attempt, 'content_hash', content_hash, 'embedding', '[0,1,0]')) from claimed))) ->> 'written',
  '0', 'a replayed completion writes nothing');

-- Failures: backoff, then dead letter on the 5th.
select private.finish_embedding_batch(jsonb_build_object('failed', (
  select jsonb_agg(jsonb_build_object('job_id', job_id, 'attempt', attempt, 'error', 'boom')) from private.claim_embedding_jobs(10, 'model-a'))));
select is((select round(extract(epoch from run_after - now()))::int from private.embedding_jobs where status = 'pending' and target_table = 'docs'), 10,
  'the first failure retries after 10 s');
update private.embedding_jobs set attempts = 4, run_after = now() where status = 'pending' and target_table = 'docs';
select private.finish_embedding_batch(jsonb_build_object('failed', (
  select jsonb_agg(jsonb_build_object('job_id', job_id, 'attempt', attempt, 'error', 'boom again')) from private.claim_embedding_jobs(10, 'model-a'))));
select is((select last_error from public.embedding_dead_letters where target_table = 'docs'), 'boom again', 'the 5th failure dead-letters the job with its error');

-- A model change re-embeds; blank text clears the vector; delete forgets the row.
select is((select count(*)::int from private.claim_embedding_jobs(10, 'model-b') where target_id = '00000000-0000-4000-8000-000000000001'), 1,
  'a vector built by another model is claimed again');
update public.docs set body = '' where id = '00000000-0000-4000-8000-000000000001';
select is((select embedding from public.docs where id = '00000000-0000-4000-8000-000000000001'), null, 'blank text clears the vector');
select is((select count(*)::int from private.embedding_state where target_id = '00000000-0000-4000-8000-000000000001'), 0, '... and its state');
delete from public.docs where id = '00000000-0000-4000-8000-000000000002';
select is((select count(*)::int from private.embedding_jobs where target_id = '00000000-0000-4000-8000-000000000002' and status = 'pending'), 0,
  'deleting a row drops its pending job');

-- Nobody but the service role sees the queue.
select tests.create_supabase_user('queue_reader');
select tests.authenticate_as('queue_reader');
select throws_ok('select * from private.embedding_jobs', '42501', null, 'authenticated users cannot read the queue');
select throws_ok('select * from public.embedding_queue_stats', '42501', null, 'authenticated users cannot read queue stats');
select throws_ok($$select private.claim_embedding_jobs(1, 'x')$$, '42501', null, 'authenticated users cannot claim jobs');
reset role;

select * from finish();
rollback;
