-- Studio: the computed fields graphs.nodes, graphs.edges, chats.messages and templates.graph_data name
-- their row parameter again (graph, chat, template), undoing 20261201050900. With an unnamed parameter
-- PostgREST keeps a computed field off /rpc/, but the Supabase CLI's generated types then give the
-- function's Functions entry an error type instead of its result, and the project's RPC docs check
-- (tests/docs, which reads docs/schema) requires named arguments. The /rpc/ call reveals nothing
-- anyway: the functions run as the caller (RLS on nodes, edges, messages) and the template tier check
-- reads the table by id, so a forged row reads as [] or null (tests/db/051 and 061). Same bodies,
-- grants and results; the document views are re-created unchanged.

drop view studio.graph_documents;
drop view studio.chat_documents;
drop function studio.nodes(studio.graphs);
drop function studio.edges(studio.graphs);
drop function studio.messages(studio.chats);
drop function studio.graph_data(studio.templates);

create function studio.nodes(graph studio.graphs)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(private.studio_strip_top_nulls(jsonb_build_object(
           'id', n.client_id, 'type', n.type, 'label', n.label, 'position', n.position, 'data', n.data,
           'style', nullif(n.style, '{}'::jsonb), 'width', n.width, 'height', n.height)) order by n.sort_order, n.client_id), '[]'::jsonb)
  from studio.nodes n
  where n.graph_id = graph.id;
$$;
comment on function studio.nodes(studio.graphs) is 'graphs.nodes, a computed field: the graph''s nodes as the editor''s document array [{id, type, label, position, data, style, width, height}] (id = the editor''s client id), in document order, from studio.nodes. Runs as the caller: RLS on studio.nodes applies. Read-only; save with studio.save_graph.';

create function studio.edges(graph studio.graphs)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(private.studio_strip_top_nulls(jsonb_build_object(
           'id', e.client_id, 'source', s.client_id, 'target', t.client_id, 'sourceHandle', e.source_handle,
           'targetHandle', e.target_handle, 'type', e.type, 'label', e.label, 'data', e.data)) order by e.sort_order, e.client_id), '[]'::jsonb)
  from studio.edges e
  join studio.nodes s on s.id = e.source_node_id
  join studio.nodes t on t.id = e.target_node_id
  where e.graph_id = graph.id;
$$;
comment on function studio.edges(studio.graphs) is 'graphs.edges, a computed field: the graph''s edges as the editor''s document array [{id, source, target, sourceHandle, targetHandle, type, label, data}] (ids = the editor''s client ids), in document order, from studio.edges. Runs as the caller: RLS on studio.edges and studio.nodes applies. Read-only; save with studio.save_graph.';

create function studio.messages(chat studio.chats)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'role', m.role, 'content', m.content, 'metadata', m.metadata,
                                               'tokens', m.tokens, 'created_at', m.created_at) order by m.created_at, m.id), '[]'::jsonb)
  from studio.messages m
  where m.chat_id = chat.id;
$$;
comment on function studio.messages(studio.chats) is 'chats.messages, a computed field: the chat''s messages [{id, role, content, metadata, tokens, created_at}] in order, from studio.messages. Runs as the caller: RLS on studio.messages applies (a chat''s messages are its user''s only). Read-only; add a prompt by inserting into studio.messages.';

create function studio.graph_data(template studio.templates)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.studio_template_graph_for_caller(template.id);
$$;
comment on function studio.graph_data(studio.templates) is 'templates.graph_data, a computed field: the template''s graph document {nodes, edges, viewport}, or null when it is premium and the caller''s tier does not include premium templates. select(''id, name, graph_data'').';

revoke all on function studio.nodes(studio.graphs) from public;
revoke all on function studio.edges(studio.graphs) from public;
revoke all on function studio.messages(studio.chats) from public;
revoke all on function studio.graph_data(studio.templates) from public;
grant execute on function studio.nodes(studio.graphs), studio.edges(studio.graphs), studio.graph_data(studio.templates) to anon, authenticated, service_role;
grant execute on function studio.messages(studio.chats) to authenticated, service_role;

create view studio.graph_documents with (security_invoker = true) as
select g.id, g.project_id, g.name, studio.nodes(g) as nodes, studio.edges(g) as edges,
       g.viewport, g.is_valid, g.version, g.created_at, g.updated_at
from studio.graphs g;
comment on view studio.graph_documents is 'The seed''s graphs with nodes and edges as one document {nodes, edges, viewport}: the graphs rows with the computed fields studio.nodes and studio.edges (never stored twice). The same arrays are selectable on studio.graphs itself: select(''id, nodes, edges''). Node and edge ids are the editor''s client ids.';
grant select on studio.graph_documents to anon, authenticated;
grant all on studio.graph_documents to service_role;

create view studio.chat_documents with (security_invoker = true) as
select c.id, c.project_id, c.user_id, c.title, c.context, studio.messages(c) as messages,
       c.is_archived, c.created_at, c.updated_at
from studio.chats c;
comment on view studio.chat_documents is 'The seed''s chats with their messages array: the chats rows with the computed field studio.messages (never stored twice). The same array is selectable on studio.chats itself: select(''id, title, messages'').';
grant select on studio.chat_documents to authenticated;
grant all on studio.chat_documents to service_role;
