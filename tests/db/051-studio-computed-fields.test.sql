-- Studio: the documented graphs.nodes, graphs.edges and chats.messages selectable on the tables
-- themselves (PostgREST computed fields over the nodes, edges and messages rows), with the caller's
-- RLS holding through them: another user's graph or chat reads as [] even when its row is forged
-- into the call, and anon cannot call messages at all.
begin;
select plan(23);

select tests.create_supabase_user('cf_ann');
select tests.create_supabase_user('cf_ben');

create temp table cf_ids (name text primary key, id uuid);
grant select, insert on cf_ids to anon, authenticated, service_role;

-- The error SQLSTATE of a statement run as the current role ('no error' if none).
create function tests.cf_error(query text)
returns text
language plpgsql
as $$
declare
  state text;
begin
  execute query;
  return 'no error';
exception when others then
  get stacked diagnostics state = returned_sqlstate;
  return state;
end;
$$;
grant execute on function tests.cf_error(text) to anon, authenticated;

-- Shape: functions taking the row (what PostgREST calls computed fields), stable, as the caller ----
select function_returns('studio', 'nodes', array['studio.graphs'], 'jsonb', 'graphs.nodes is a function of the graphs row returning jsonb');
select function_returns('studio', 'edges', array['studio.graphs'], 'jsonb', 'graphs.edges is a function of the graphs row returning jsonb');
select function_returns('studio', 'messages', array['studio.chats'], 'jsonb', 'chats.messages is a function of the chats row returning jsonb');
select is(
  (select array_agg(p.proname || ':' || p.provolatile::text || ':' || p.prosecdef::text order by p.proname)
   from pg_proc p where p.pronamespace = 'studio'::regnamespace and p.proname in ('nodes', 'edges', 'messages')),
  array['edges:s:false', 'messages:s:false', 'nodes:s:false'],
  'they are stable and SECURITY INVOKER (RLS of the caller applies)');
select is(
  (select array_agg(p.proname || '(' || array_to_string(p.proargnames, ', ') || ')' order by p.proname) from pg_proc p
   where p.pronamespace = 'studio'::regnamespace and p.proname in ('nodes', 'edges', 'messages')),
  array['edges(graph)', 'messages(chat)', 'nodes(graph)'], 'they name their row parameter (generated types and the RPC docs check read it)');
select hasnt_column('studio', 'graphs', 'nodes', 'nodes are not stored on graphs (the nodes rows are the data)');
select hasnt_column('studio', 'chats', 'messages', 'messages are not stored on chats (the messages rows are the data)');

-- ann's private graph and chat, and a public one --------------------------------------------------
select tests.authenticate_as('cf_ann');
insert into studio.projects (name) values ('CF private');
insert into studio.projects (name, is_public) values ('CF public', true);
insert into cf_ids select 'private', id from studio.projects where name = 'CF private';
insert into cf_ids select 'public', id from studio.projects where name = 'CF public';
insert into studio.graphs (project_id, name) select id, 'Private graph' from cf_ids where name = 'private';
insert into studio.graphs (project_id, name) select id, 'Public graph' from cf_ids where name = 'public';
insert into cf_ids select 'private_graph', id from studio.graphs where name = 'Private graph';
insert into cf_ids select 'public_graph', id from studio.graphs where name = 'Public graph';
select studio.save_graph((select id from cf_ids where name = 'private_graph'),
  '{"nodes": [{"id": "api", "type": "api", "label": "API", "position": {"x": 0, "y": 0}, "data": {"replicas": 2}},
              {"id": "db", "type": "database", "position": {"x": 200, "y": 0}}],
    "edges": [{"id": "e1", "source": "api", "target": "db", "label": "SQL"}]}', 1);
select studio.save_graph((select id from cf_ids where name = 'public_graph'),
  '{"nodes": [{"id": "web", "type": "cdn"}], "edges": []}', 1);
insert into studio.chats (project_id, title) select id, 'CF chat' from cf_ids where name = 'private';
insert into cf_ids select 'chat', id from studio.chats where title = 'CF chat';
insert into studio.messages (chat_id, role, content) select id, 'user', 'first prompt' from cf_ids where name = 'chat';
insert into studio.messages (chat_id, role, content) select id, 'user', 'second prompt' from cf_ids where name = 'chat';
-- Two inserts can share a clock_timestamp() on a fast engine: make the first one clearly earlier.
reset role;
update studio.messages set created_at = created_at - interval '1 minute' where content = 'first prompt';
select tests.authenticate_as('cf_ann');

select is((select studio.nodes(g) from studio.graphs g where g.id = (select id from cf_ids where name = 'private_graph')),
  '[{"id": "api", "type": "api", "label": "API", "position": {"x": 0, "y": 0}, "data": {"replicas": 2}},
    {"id": "db", "type": "database", "position": {"x": 200, "y": 0}, "data": {}}]'::jsonb,
  'graphs.nodes is selectable on the graphs row: the editor document array, in document order');
select is((select studio.edges(g) from studio.graphs g where g.id = (select id from cf_ids where name = 'private_graph')),
  '[{"id": "e1", "source": "api", "target": "db", "label": "SQL", "data": {}}]'::jsonb,
  'graphs.edges too, with the editor ids of its nodes');
select is((select studio.nodes(g) from studio.graphs g where g.id = (select id from cf_ids where name = 'public_graph')),
  (select d.nodes from studio.graph_documents d where d.id = (select id from cf_ids where name = 'public_graph')),
  'graph_documents shows the same array (one rendering)');
select is((select jsonb_agg(m ->> 'content') from studio.chats c, jsonb_array_elements(studio.messages(c)) m where c.id = (select id from cf_ids where name = 'chat')),
  '["first prompt", "second prompt"]'::jsonb, 'chats.messages is selectable on the chats row, in order');
update studio.nodes set label = 'Gateway' where client_id = 'api';
select is((select studio.nodes(g) #>> '{0,label}' from studio.graphs g where g.id = (select id from cf_ids where name = 'private_graph')),
  'Gateway', 'a direct write to a node shows at once (nothing stored twice to drift)');
select is((select studio.nodes(g) from studio.graphs g, cf_ids i where i.name = 'public' and g.project_id = i.id and g.name = 'Public graph'),
  '[{"id": "web", "type": "cdn", "position": {"x": 0, "y": 0}, "data": {}}]'::jsonb, 'each graph gets its own nodes');
insert into studio.graphs (project_id, name) select id, 'Empty' from cf_ids where name = 'private';
select is((select studio.nodes(g) || studio.edges(g) from studio.graphs g where g.name = 'Empty'), '[]'::jsonb, 'a graph without nodes reads as empty arrays');
reset role;

-- Another user: nothing of ann's private graph or chat, even through a forged row ------------------
select tests.authenticate_as('cf_ben');
select is((select count(*)::int from studio.graphs g where g.id = (select id from cf_ids where name = 'private_graph')), 0,
  'ben cannot select ann''s private graph row');
select is(studio.nodes(jsonb_populate_record(null::studio.graphs, jsonb_build_object('id', (select id from cf_ids where name = 'private_graph')))),
  '[]'::jsonb, 'a forged graphs row does not reveal ann''s nodes (RLS holds inside the function)');
select is(studio.edges(jsonb_populate_record(null::studio.graphs, jsonb_build_object('id', (select id from cf_ids where name = 'private_graph')))),
  '[]'::jsonb, 'nor her edges');
select is(studio.messages(jsonb_populate_record(null::studio.chats, jsonb_build_object('id', (select id from cf_ids where name = 'chat')))),
  '[]'::jsonb, 'nor her chat messages');
select is((select studio.nodes(g) from studio.graphs g where g.id = (select id from cf_ids where name = 'public_graph')),
  '[{"id": "web", "type": "cdn", "position": {"x": 0, "y": 0}, "data": {}}]'::jsonb, 'ben reads the nodes of ann''s public graph');
reset role;

-- anon: public graphs only; chats never ------------------------------------------------------------
select tests.clear_authentication();
select is((select studio.nodes(g) #>> '{0,id}' from studio.graphs g where g.id = (select id from cf_ids where name = 'public_graph')),
  'web', 'anon reads the nodes of a public graph');
select is(studio.nodes(jsonb_populate_record(null::studio.graphs, jsonb_build_object('id', (select id from cf_ids where name = 'private_graph')))),
  '[]'::jsonb, 'but not of a private one, forged row or not');
select is(tests.cf_error($$select studio.messages(jsonb_populate_record(null::studio.chats, jsonb_build_object('id', (select id from cf_ids where name = 'chat'))))$$),
  '42501', 'anon cannot call chats.messages at all');
reset role;

-- The service role sees everything (BYPASSRLS), through the same functions.
select tests.authenticate_as_service_role();
select is((select jsonb_array_length(studio.nodes(g)) from studio.graphs g where g.id = (select id from cf_ids where name = 'private_graph')), 2,
  'the service role reads every graph''s nodes');
reset role;

select * from finish();
rollback;
