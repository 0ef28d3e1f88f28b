-- Studio: the seed's graphs.nodes, graphs.edges and chats.messages, selectable on the tables themselves.
--
-- The studio's data model documents nodes and edges as JSONB arrays on graphs and messages as a JSONB array on chats.
-- The nodes, edges and messages tables stay the data (one source of truth: nothing is stored twice);
-- the arrays are PostgREST computed fields, functions taking the row, so a client selects them like
-- columns:
--
--   supabase.schema('studio').from('graphs').select('id, name, nodes, edges, viewport, version')
--   supabase.schema('studio').from('chats').select('id, title, messages')
--
-- They are SECURITY INVOKER: the caller's RLS on nodes, edges and messages decides what they contain
-- (another user's graph reads as [] even when its row is forged into the call, e.g. through
-- /rpc/nodes). select('*') leaves them out, as PostgREST does with every computed field.
--
-- The views graph_documents and chat_documents stay, for compatibility (the studio function, save_graph
-- and existing clients read whole documents from them); they now call these functions, so the
-- document's rendering is defined once.

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

revoke all on function studio.nodes(studio.graphs) from public;
revoke all on function studio.edges(studio.graphs) from public;
revoke all on function studio.messages(studio.chats) from public;
grant execute on function studio.nodes(studio.graphs), studio.edges(studio.graphs) to anon, authenticated, service_role;
grant execute on function studio.messages(studio.chats) to authenticated, service_role;

-- The document views, now over the computed fields (same columns, same values).
create or replace view studio.graph_documents with (security_invoker = true) as
select g.id, g.project_id, g.name, studio.nodes(g) as nodes, studio.edges(g) as edges,
       g.viewport, g.is_valid, g.version, g.created_at, g.updated_at
from studio.graphs g;
comment on view studio.graph_documents is 'The seed''s graphs with nodes and edges as one document {nodes, edges, viewport}: the graphs rows with the computed fields studio.nodes and studio.edges (never stored twice). The same arrays are selectable on studio.graphs itself: select(''id, nodes, edges''). Node and edge ids are the editor''s client ids.';

create or replace view studio.chat_documents with (security_invoker = true) as
select c.id, c.project_id, c.user_id, c.title, c.context, studio.messages(c) as messages,
       c.is_archived, c.created_at, c.updated_at
from studio.chats c;
comment on view studio.chat_documents is 'The seed''s chats with their messages array: the chats rows with the computed field studio.messages (never stored twice). The same array is selectable on studio.chats itself: select(''id, title, messages'').';

comment on table studio.graphs is 'Graphs (flows) of a project. The seed''s graphs.nodes and graphs.edges are computed fields (studio.nodes, studio.edges) over the nodes and edges tables, which are the graph: select(''id, nodes, edges''); select(''*'') leaves them out. Save whole documents with studio.save_graph.';
comment on table studio.chats is 'Chat sessions of a user, optionally about one of their projects (the design assistant). Private to the user, also on public projects. The seed''s chats.messages is a computed field (studio.messages) over the messages table: select(''id, title, messages'').';
