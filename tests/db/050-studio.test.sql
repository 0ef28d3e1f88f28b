-- Studio: the seed's tables and indexes, graph saves with optimistic concurrency and derived
-- documents, isolation between users on every table, public read-only access, premium gating, tier
-- limits, BYOK keys that clients never read, and the audit rows the database writes.
begin;
select plan(117);

select tests.create_supabase_user('ann');
select tests.create_supabase_user('ben');
select tests.create_supabase_user('pat');
-- pat is on pro (premium templates, unlimited projects); the tier change itself is audited.
insert into billing.customers (user_id, subscription_tier) values (tests.get_supabase_uid('pat'), 'pro');

-- The SQLSTATE and hint of the error a statement raises ('no error' if none), run as the current role.
create function tests.studio_error(query text)
returns text
language plpgsql
as $$
declare
  state text;
  hint text;
begin
  execute query;
  return 'no error';
exception when others then
  get stacked diagnostics state = returned_sqlstate, hint = pg_exception_hint;
  return state || ' ' || coalesce(hint, '');
end;
$$;
grant execute on function tests.studio_error(text) to anon, authenticated;

-- Shared state between roles (ids), readable by every role.
create temp table ids (name text primary key, id uuid);
grant select, insert on ids to anon, authenticated;

-- Schema: every documented table and column, the index summary, RLS --------------------------------
select tests.rls_enabled('studio');
select is(
  (select array_agg(format('%s.%s', d.t, d.c) order by 1) from (values
    ('users', 'id'), ('users', 'email'), ('users', 'subscription_tier'), ('users', 'preferences'), ('users', 'created_at'),
    ('users', 'updated_at'), ('users', 'last_sign_in_at'), ('users', 'is_active'),
    ('subscription_tiers', 'id'), ('subscription_tiers', 'name'), ('subscription_tiers', 'display_name'), ('subscription_tiers', 'price_monthly'),
    ('subscription_tiers', 'price_yearly'), ('subscription_tiers', 'features'), ('subscription_tiers', 'limits'), ('subscription_tiers', 'is_active'),
    ('projects', 'id'), ('projects', 'user_id'), ('projects', 'name'), ('projects', 'description'), ('projects', 'status'), ('projects', 'settings'),
    ('projects', 'is_public'), ('projects', 'version'), ('projects', 'created_at'), ('projects', 'updated_at'),
    ('graphs', 'id'), ('graphs', 'project_id'), ('graphs', 'name'), ('graphs', 'viewport'), ('graphs', 'is_valid'), ('graphs', 'version'),
    ('graphs', 'created_at'), ('graphs', 'updated_at'), ('graphs', 'nodes'), ('graphs', 'edges'),
    ('nodes', 'id'), ('nodes', 'graph_id'), ('nodes', 'type'), ('nodes', 'label'), ('nodes', 'position'), ('nodes', 'data'), ('nodes', 'style'),
    ('nodes', 'width'), ('nodes', 'height'), ('nodes', 'created_at'), ('nodes', 'updated_at'),
    ('edges', 'id'), ('edges', 'graph_id'), ('edges', 'source_node_id'), ('edges', 'target_node_id'), ('edges', 'source_handle'),
    ('edges', 'target_handle'), ('edges', 'type'), ('edges', 'data'), ('edges', 'label'), ('edges', 'created_at'),
    ('chats', 'id'), ('chats', 'project_id'), ('chats', 'user_id'), ('chats', 'title'), ('chats', 'context'), ('chats', 'messages'),
    ('chats', 'is_archived'), ('chats', 'created_at'), ('chats', 'updated_at'),
    ('messages', 'id'), ('messages', 'chat_id'), ('messages', 'role'), ('messages', 'content'), ('messages', 'metadata'), ('messages', 'tokens'),
    ('messages', 'created_at'),
    ('contexts', 'id'), ('contexts', 'user_id'), ('contexts', 'name'), ('contexts', 'description'), ('contexts', 'content'), ('contexts', 'type'),
    ('contexts', 'tags'), ('contexts', 'is_public'), ('contexts', 'created_at'), ('contexts', 'updated_at'),
    ('templates', 'id'), ('templates', 'name'), ('templates', 'description'), ('templates', 'category'), ('templates', 'graph_data'),
    ('templates', 'thumbnail_url'), ('templates', 'is_premium'), ('templates', 'usage_count'), ('templates', 'created_at'), ('templates', 'updated_at'),
    ('api_keys', 'id'), ('api_keys', 'user_id'), ('api_keys', 'name'), ('api_keys', 'provider'), ('api_keys', 'api_key_encrypted'),
    ('api_keys', 'is_active'), ('api_keys', 'last_used_at'), ('api_keys', 'expires_at'), ('api_keys', 'created_at'),
    ('audit_logs', 'id'), ('audit_logs', 'user_id'), ('audit_logs', 'action'), ('audit_logs', 'resource_type'), ('audit_logs', 'resource_id'),
    ('audit_logs', 'details'), ('audit_logs', 'ip_address'), ('audit_logs', 'user_agent'), ('audit_logs', 'created_at'),
    ('usage_analytics', 'id'), ('usage_analytics', 'user_id'), ('usage_analytics', 'metric_type'), ('usage_analytics', 'count'),
    ('usage_analytics', 'period_start'), ('usage_analytics', 'period_end'), ('usage_analytics', 'created_at')) d(t, c)
   where not exists (select 1 from information_schema.columns ic where ic.table_schema = 'studio' and ic.table_name = d.t and ic.column_name = d.c)
     and not exists (select 1 from pg_proc p where p.pronamespace = 'studio'::regnamespace and p.proname = d.c
                     and p.pronargs = 1 and p.proargtypes[0] = to_regtype('studio.' || d.t))),
  null::text[],
  'every documented column exists in schema studio, as a column or as a computed field of its table (graphs.nodes/edges, chats.messages, templates.graph_data)'
);
select is(
  (select array_agg(i order by i) from unnest(array[
     'idx_projects_user_id', 'idx_projects_status', 'idx_projects_created_at', 'idx_graphs_project_id', 'idx_nodes_graph_id', 'idx_nodes_type',
     'edges_graph_client_id_key', 'idx_edges_source_node_id', 'idx_edges_target_node_id', 'idx_chats_project_id', 'idx_chats_user_id',
     'idx_chats_created_at', 'idx_messages_chat_id', 'idx_messages_created_at', 'idx_contexts_user_id', 'idx_contexts_type', 'idx_contexts_tags',
     'idx_templates_category', 'idx_templates_is_premium', 'idx_api_keys_user_id', 'idx_api_keys_provider', 'idx_audit_logs_user_id',
     'idx_audit_logs_action', 'idx_audit_logs_created_at', 'usage_analytics_user_metric_period_key', 'idx_usage_analytics_metric_type',
     'idx_usage_analytics_period', 'profiles_email_idx', 'customers_subscription_tier_idx']) i
   where not exists (select 1 from pg_indexes x where x.indexname = i)),
  null::text[],
  'the seed''s index summary exists'
);
select matches((select indexdef from pg_indexes where indexname = 'idx_contexts_tags'), 'USING gin \(tags\)', 'contexts.tags has a GIN index');

-- Graphs: save with optimistic concurrency, one source of truth ------------------------------------
select tests.authenticate_as('ann');
insert into studio.projects (name, description) values ('Shop', 'online shop');
insert into ids select 'shop', id from studio.projects where name = 'Shop';
insert into studio.graphs (project_id, name) select id, 'Main' from ids where name = 'shop';
insert into ids select 'main', id from studio.graphs where name = 'Main';
select is((select version from studio.graphs where id = (select id from ids where name = 'main')), 1, 'a new graph is at version 1');

select is(
  studio.save_graph((select id from ids where name = 'main'),
    '{"nodes": [{"id": "n1", "type": "api", "label": "API", "position": {"x": 0, "y": 0}, "data": {"replicas": 2, "note": null}},
                {"id": "n2", "type": "database", "position": {"x": 200, "y": 0}, "data": {"label": "DB"}}],
      "edges": [{"id": "e1", "source": "n1", "target": "n2", "label": "SQL"}],
      "viewport": {"x": 10, "y": 20, "zoom": 1.5}}', 1) -> 'version',
  '2'::jsonb, 'save_graph applies a document from the current version and bumps it');
select is((select nodes from studio.graph_documents where id = (select id from ids where name = 'main')),
  '[{"id": "n1", "type": "api", "label": "API", "position": {"x": 0, "y": 0}, "data": {"replicas": 2, "note": null}},
    {"id": "n2", "type": "database", "label": "DB", "position": {"x": 200, "y": 0}, "data": {"label": "DB"}}]'::jsonb,
  'graph_documents.nodes is derived from the nodes rows, in document order, data untouched');
select is((select edges from studio.graph_documents where id = (select id from ids where name = 'main')),
  '[{"id": "e1", "source": "n1", "target": "n2", "label": "SQL", "data": {}}]'::jsonb, 'graph_documents.edges uses the editor ids');
select is((select count(*)::int from studio.nodes where graph_id = (select id from ids where name = 'main')), 2, 'the nodes are rows');
select is(tests.studio_error($$select studio.save_graph((select id from ids where name = 'main'), '{"nodes": [], "edges": []}', 1)$$),
  'PT409 version_conflict', 'a save from a stale version is refused with version_conflict');
select is((select count(*)::int from studio.nodes where graph_id = (select id from ids where name = 'main')), 2, 'and the refused save deleted nothing');
select is(tests.studio_error($$select studio.save_graph((select id from ids where name = 'main'),
  '{"nodes": [{"id": "n1"}], "edges": [{"id": "e9", "source": "n1", "target": "ghost"}]}', 2)$$),
  '22023 invalid_document', 'an edge to a node outside the document is refused');
select is(tests.studio_error($$select studio.save_graph((select id from ids where name = 'main'),
  '{"nodes": [{"id": "n1"}, {"id": "n1"}], "edges": []}', 2)$$),
  '22023 invalid_document', 'duplicate node ids are refused');
select is(
  studio.save_graph((select id from ids where name = 'main'),
    '{"nodes": [{"id": "n1", "type": "api", "label": "API", "position": {"x": 0, "y": 0}, "data": {"replicas": 3}},
                {"id": "n3", "type": "cache", "position": {"x": 200, "y": 100}}],
      "edges": [{"id": "e2", "source": "n1", "target": "n3"}]}', 2) #>> '{nodes,0,data,replicas}',
  '3', 'a second save applies the difference');
select results_eq($$select client_id from studio.nodes where graph_id = (select id from ids where name = 'main') order by sort_order$$,
  $$values ('n1'), ('n3')$$, 'nodes missing from the document are deleted, new ones inserted');
select is((select viewport from studio.graphs where id = (select id from ids where name = 'main')), '{"x": 10, "y": 20, "zoom": 1.5}'::jsonb,
  'a document without a viewport keeps the stored one');
insert into studio.nodes (graph_id, client_id, type) select id, 'n4', 'queue' from ids where name = 'main';
select is((select version from studio.graphs where id = (select id from ids where name = 'main')), 4, 'a direct node write bumps the graph version too');
select is(tests.studio_error($$select studio.save_graph((select id from ids where name = 'main'), '{"nodes": [], "edges": []}', 3)$$),
  'PT409 version_conflict', 'so a save from before that write cannot overwrite it');
select ok((select nodes @> '[{"id": "n4"}]' from studio.graph_documents where id = (select id from ids where name = 'main')),
  'the derived document shows the direct write at once (no second copy to drift)');
insert into studio.graphs (project_id, name) select id, 'Other' from ids where name = 'shop';
insert into ids select 'other', id from studio.graphs where name = 'Other';
select studio.save_graph((select id from ids where name = 'other'), '{"nodes": [{"id": "x1"}], "edges": []}', 1);
select throws_ok($$insert into studio.edges (graph_id, client_id, source_node_id, target_node_id)
  select (select id from ids where name = 'main'), 'cross',
         (select id from studio.nodes where client_id = 'n1' and graph_id = (select id from ids where name = 'main')),
         (select id from studio.nodes where client_id = 'x1')$$,
  '23503', null, 'an edge cannot join nodes of two graphs');
select throws_ok($$update studio.graphs set version = 99$$, '42501', null, 'clients cannot set a graph version');

-- Chats: messages rows are the chat; chats.messages is derived.
insert into studio.chats (project_id, title) select id, 'Design chat' from ids where name = 'shop';
insert into ids select 'chat', id from studio.chats;
insert into studio.messages (chat_id, role, content) select id, 'user', 'add a cache' from ids where name = 'chat';
select is((select messages #>> '{0,content}' from studio.chat_documents), 'add a cache', 'chat_documents.messages is derived from messages');
select throws_ok($$insert into studio.messages (chat_id, role, content) select id, 'assistant', 'I am the model' from ids where name = 'chat'$$,
  '42501', null, 'users cannot write assistant messages');
insert into studio.contexts (name, content, type, tags) values ('Conventions', '{"lang": "go"}', 'json', array['go', 'backend']);
select throws_ok($$insert into studio.contexts (name, content, type) values ('Broken', '{not json', 'json')$$, '23514', null, 'a json context must parse');
update studio.users set preferences = '{"theme": "dark"}';
select is((select preferences from studio.users), '{"theme": "dark"}'::jsonb, 'users update their preferences through studio.users');
select throws_ok($$update studio.users set email = 'x@y.z'$$, '42501', null, 'but nothing else of studio.users');
select is((select subscription_tier || '/' || is_active::text from studio.users), 'free/true', 'studio.users: tier free without a billing row, active');
reset role;

-- API keys: sealed at rest, write-only for the client -----------------------------------------------
insert into studio.api_keys (user_id, name, provider, api_key_encrypted, key_last4)
values (tests.get_supabase_uid('ann'), 'my openai', 'openai', '{"alg": "A256GCM", "iv": "aXY=", "ct": "Y3Q="}', 'wxyz');
select throws_ok($$insert into studio.api_keys (user_id, name, provider, api_key_encrypted, key_last4)
  values (tests.get_supabase_uid('ann'), 'plain', 'openai', '"sk-live-plaintext"', 'text')$$, '23514', null, 'a plaintext key is refused by the CHECK');
select tests.authenticate_as('ann');
select is((select name || ':' || provider || ':' || key_last4 from studio.api_keys), 'my openai:openai:wxyz', 'the owner sees name, provider and last 4');
select throws_ok($$select api_key_encrypted from studio.api_keys$$, '42501', null, 'the owner cannot read the sealed key');
select throws_ok($$select * from studio.api_keys$$, '42501', null, 'select * does not reach the key either');
select throws_ok($$insert into studio.api_keys (name, provider, api_key_encrypted, key_last4) values ('x', 'openai', '{"alg": "A256GCM", "iv": "a", "ct": "b"}', 'abcd')$$,
  '42501', null, 'clients cannot insert keys directly');
select throws_ok($$update studio.api_keys set api_key_encrypted = '{"alg": "A256GCM", "iv": "a", "ct": "b"}'$$, '42501', null, 'clients cannot replace the sealed key');
update studio.api_keys set name = 'renamed', is_active = false;
select is((select name || ':' || is_active::text from studio.api_keys), 'renamed:false', 'the owner renames and deactivates a key');
reset role;

-- Isolation between users on every table --------------------------------------------------------------
select tests.authenticate_as('ben');
select is((select count(*)::int from studio.projects), 0, 'ben sees none of ann''s projects');
select is((select count(*)::int from studio.graphs), 0, 'nor her graphs');
select is((select count(*)::int from studio.graph_documents), 0, 'nor her graph documents');
select is((select count(*)::int from studio.nodes), 0, 'nor her nodes');
select is((select count(*)::int from studio.edges), 0, 'nor her edges');
select is((select count(*)::int from studio.chats), 0, 'nor her chats');
select is((select count(*)::int from studio.chat_documents), 0, 'nor her chat documents');
select is((select count(*)::int from studio.messages), 0, 'nor her messages');
select is((select count(*)::int from studio.contexts), 0, 'nor her private contexts');
select is((select count(*)::int from studio.api_keys), 0, 'nor her api keys');
select is((select count(*)::int from studio.audit_logs), 0, 'nor her audit log');
select is((select count(*)::int from studio.usage_analytics), 0, 'nor her usage');
select is((select count(*)::int from studio.user_settings), 0, 'nor her settings');
select results_eq($$select id from studio.users$$, $$select tests.get_supabase_uid('ben')$$, 'studio.users shows ben his own row only');
update studio.projects set name = 'hijacked';
delete from studio.projects;
update studio.graphs set name = 'hijacked';
delete from studio.nodes;
delete from studio.edges;
update studio.chats set title = 'hijacked';
delete from studio.messages;
update studio.contexts set name = 'hijacked';
update studio.api_keys set name = 'hijacked';
delete from studio.api_keys;
update studio.users set preferences = '{"hijacked": true}';
select throws_ok($$insert into studio.graphs (project_id, name) select id, 'intruder' from ids where name = 'shop'$$,
  '42501', null, 'ben cannot add a graph to ann''s project');
select throws_ok($$select studio.save_graph((select id from ids where name = 'main'), '{"nodes": [], "edges": []}', 4)$$,
  'PT404', null, 'ben cannot save ann''s graph');
select throws_ok($$insert into studio.nodes (graph_id, client_id) select id, 'evil' from ids where name = 'main'$$,
  '42501', null, 'ben cannot add nodes to ann''s graph');
select throws_ok($$insert into studio.chats (project_id, title) select id, 'x' from ids where name = 'shop'$$,
  '42501', null, 'ben cannot open a chat on ann''s project');
select throws_ok($$insert into studio.messages (chat_id, role, content) select id, 'user', 'hi' from ids where name = 'chat'$$,
  '42501', null, 'ben cannot post into ann''s chat');
select throws_ok($$insert into studio.projects (user_id, name) values (tests.get_supabase_uid('ann'), 'for ann')$$,
  '42501', null, 'ben cannot create a project for ann');
reset role;
select results_eq($$select name, (select count(*)::int from studio.nodes n join studio.graphs g on g.id = n.graph_id where g.project_id = p.id)
                    from studio.projects p where p.user_id = tests.get_supabase_uid('ann') order by name$$,
  $$values ('Shop', 4)$$, 'ann''s project and nodes are intact after ben''s attempts');
select results_eq($$select (select title from studio.chats), (select count(*)::int from studio.messages), (select count(*)::int from studio.api_keys),
                           (select name from studio.contexts), (select preferences from studio.user_settings where user_id = tests.get_supabase_uid('ann'))$$,
  $$values ('Design chat', 1, 1, 'Conventions', '{"theme": "dark"}'::jsonb)$$, 'her chat, messages, key, context and settings too');
select results_eq($$select user_id from studio.user_settings where preferences ? 'hijacked'$$, $$select tests.get_supabase_uid('ben')$$,
  'ben''s preferences write through studio.users reached his own row only');

-- Public projects and contexts: readable by anyone, never writable -----------------------------------
select tests.authenticate_as('ann');
update studio.projects set is_public = true where id = (select id from ids where name = 'shop');
update studio.contexts set is_public = true;
reset role;
select tests.clear_authentication();
select is((select name from studio.projects), 'Shop', 'anon reads a public project');
select is((select count(*)::int from studio.graphs), 2, 'and its graphs');
select is((select count(*)::int from studio.nodes where graph_id = (select id from ids where name = 'main')), 3, 'and its nodes');
select is((select jsonb_array_length(nodes) from studio.graph_documents where id = (select id from ids where name = 'main')), 3, 'and its documents');
select is((select name from studio.contexts), 'Conventions', 'anon reads a public context');
select throws_ok($$select * from studio.chats$$, '42501', null, 'anon cannot read chats, even of a public project');
select throws_ok($$update studio.projects set name = 'defaced'$$, '42501', null, 'anon cannot update a public project');
select throws_ok($$delete from studio.nodes$$, '42501', null, 'anon cannot delete its nodes');
select throws_ok($$select studio.save_graph((select id from ids where name = 'main'), '{"nodes": [], "edges": []}', 4)$$, '42501', null, 'anon cannot save graphs');
select tests.authenticate_as('ben');
select is((select count(*)::int from studio.projects), 1, 'ben reads the public project');
select is((select count(*)::int from studio.chats), 0, 'but not its chats');
update studio.projects set name = 'defaced';
delete from studio.graphs;
update studio.nodes set label = 'defaced';
update studio.contexts set content = 'defaced';
delete from studio.contexts;
select is(tests.studio_error($$select studio.save_graph((select id from ids where name = 'main'), '{"nodes": [], "edges": []}', 4)$$),
  'PT404 graph_not_found', 'ben cannot save a public graph');
select throws_ok($$insert into studio.edges (graph_id, client_id, source_node_id, target_node_id)
  select graph_id, 'e-ben', id, id from studio.nodes where client_id = 'n1'$$, '42501', null, 'nor add edges to it');
reset role;
select results_eq($$select (select name from studio.projects where id = (select id from ids where name = 'shop')),
                           (select count(*)::int from studio.graphs where project_id = (select id from ids where name = 'shop')),
                           (select count(*)::int from studio.nodes where label = 'defaced'),
                           (select content from studio.contexts)$$,
  $$values ('Shop', 2, 0, '{"lang": "go"}')$$, 'the public project, its graphs, nodes and the public context are unchanged');

-- Templates: listed by all, premium ones usable on a tier that includes them ---------------------------
insert into ids select 'free_tpl', id from studio.templates where name = 'Three-tier web application';
insert into ids select 'premium_tpl', id from studio.templates where name = 'LLM inference platform';
select tests.clear_authentication();
select is((select count(*)::int from studio.templates where is_premium), 1, 'anon lists templates, premium ones included');
select is((select array_agg(t.name || ':' || (studio.graph_data(t) is not null)::text order by t.name) from studio.templates t
            where t.id in (select id from ids where name like '%tpl')),
  array['LLM inference platform:false', 'Three-tier web application:true'], 'anon selects graph_data of a free template, null for a premium one');
select is(jsonb_array_length(studio.template_graph((select id from ids where name = 'free_tpl')) -> 'nodes'), 5, 'anon previews a free template''s graph');
select is(tests.studio_error($$select studio.template_graph((select id from ids where name = 'premium_tpl'))$$), 'PT402 premium_required',
  'anon cannot read a premium template''s graph');
select throws_ok($$select studio.clone_template((select id from ids where name = 'free_tpl'))$$, '42501', null, 'anon cannot clone');
select tests.authenticate_as('ann');
select is(tests.studio_error($$select studio.clone_template((select id from ids where name = 'premium_tpl'))$$), 'PT402 premium_required',
  'a free-tier user cannot clone a premium template');
select is((select count(*)::int from studio.projects where user_id = auth.uid()), 1, 'and the refused clone created no project');
select is(studio.clone_template((select id from ids where name = 'free_tpl'), 'My web app') ->> 'version', '2', 'a free template clones on the free tier');
select results_eq($$select p.name, jsonb_array_length(d.nodes), jsonb_array_length(d.edges), p.settings ->> 'template_id'
                    from studio.projects p join studio.graph_documents d on d.project_id = p.id where p.name = 'My web app'$$,
  $$select 'My web app', 5, 4, (select id::text from ids where name = 'free_tpl')$$, 'into a new project with the template''s graph');
select tests.authenticate_as('pat');
select ok(studio.clone_template((select id from ids where name = 'premium_tpl')) ? 'graph_id', 'a pro user clones the premium template');
select is(jsonb_array_length(studio.template_graph((select id from ids where name = 'premium_tpl')) -> 'nodes'), 7, 'and previews its graph');
select is((select jsonb_array_length(studio.graph_data(t) -> 'nodes') from studio.templates t where t.id = (select id from ids where name = 'premium_tpl')), 7,
  'and selects its graph_data on the table');
reset role;
select results_eq($$select name, usage_count from studio.templates where id in (select id from ids where name like '%tpl') order by name$$,
  $$values ('LLM inference platform', 1), ('Three-tier web application', 1)$$, 'usage_count counts successful clones only');

-- Tier limits -------------------------------------------------------------------------------------------
select tests.authenticate_as('ann');
insert into studio.projects (name) values ('Third');
select is(tests.studio_error($$insert into studio.projects (name) values ('Fourth')$$), 'PT402 tier_limit_projects', 'the free tier stops at 3 projects');
select is(tests.studio_error($$select studio.clone_template((select id from ids where name = 'free_tpl'))$$), 'PT402 tier_limit_projects',
  'cloning counts against the project limit too');
select is((select usage_count from studio.templates where id = (select id from ids where name = 'free_tpl')), 1, 'and a clone refused for the limit is not counted');
insert into studio.graphs (project_id, name) select (select id from ids where name = 'shop'), 'g' || i from generate_series(3, 5) i;
select is(tests.studio_error($$insert into studio.graphs (project_id, name) select id, 'g6' from ids where name = 'shop'$$), 'PT402 tier_limit_graphs',
  'the free tier stops at 5 graphs per project');
select is((select count(*)::int from studio.graphs where project_id = (select id from ids where name = 'shop')), 5, 'exactly 5 graphs exist');
delete from studio.projects where name = 'Third';
insert into studio.projects (name) values ('Fourth');
select is((select count(*)::int from studio.projects where user_id = auth.uid()), 3, 'deleting a project frees its slot');
select throws_ok($$select studio.consume_generation(auth.uid())$$, '42501', null, 'clients cannot count generations themselves');
select tests.authenticate_as('pat');
insert into studio.projects (name) select 'pat ' || i from generate_series(1, 5) i;
select is((select count(*)::int from studio.projects where user_id = auth.uid()), 6, 'the pro tier has no project limit');
reset role;
select is((select count(*)::int from (select studio.consume_generation(tests.get_supabase_uid('ann')) from generate_series(1, 50)) x), 50,
  '50 generations fit the free tier''s month');
select is(tests.studio_error($$select studio.consume_generation(tests.get_supabase_uid('ann'))$$), 'PT402 tier_limit_ai_generations', 'the 51st is refused');
select is((select count from studio.usage_analytics where user_id = tests.get_supabase_uid('ann') and metric_type = 'ai_generations'), 50::bigint,
  'the refused one is not counted');
select studio.refund_generation(tests.get_supabase_uid('ann'));
select is((studio.consume_generation(tests.get_supabase_uid('ann')) ->> 'used')::int, 50, 'a refunded generation can be used again');
select is((studio.consume_generation(tests.get_supabase_uid('pat')) ->> 'limit')::int, 1000, 'the pro tier''s limit applies to pro users');
select results_eq($$select metric_type, count, period_start = date_trunc('month', now() at time zone 'UTC') at time zone 'UTC',
                           period_end - period_start between interval '28 days' and interval '31 days'
                    from studio.usage_analytics where user_id = tests.get_supabase_uid('ann') order by metric_type$$,
  $$values ('ai_generations', 50::bigint, true, true), ('graphs_created', 6::bigint, true, true), ('projects_created', 4::bigint, true, true),
           ('templates_cloned', 1::bigint, true, true)$$, 'usage_analytics counts per metric and calendar month');
insert into studio.user_settings (user_id, is_active) values (tests.get_supabase_uid('ben'), false) on conflict (user_id) do update set is_active = false;
select is(tests.studio_error($$select studio.consume_generation(tests.get_supabase_uid('ben'))$$), 'PT403 account_inactive', 'a deactivated account cannot generate');
select tests.authenticate_as('ben');
select is(tests.studio_error($$insert into studio.projects (name) values ('x')$$), 'PT403 account_inactive', 'nor create projects');
select is((select is_active from studio.users), false, 'studio.users shows it inactive');
reset role;

-- Audit rows written by the database ---------------------------------------------------------------------
select tests.authenticate_as('ann');
select set_config('request.headers', '{"x-forwarded-for": "203.0.113.9, 10.0.0.1", "user-agent": "studio-pgtap/1.0"}', true);
update studio.projects set description = 'new description' where name = 'Shop';
delete from studio.projects where name = 'Fourth';
update studio.api_keys set name = 'audited';
delete from studio.api_keys;
select set_config('request.headers', '', true);
select results_eq($$select action, resource_type, details #>> '{changed,description,to}', host(ip_address), user_agent, details ->> 'actor'
                    from studio.audit_logs where resource_type = 'project' and action = 'update' and details ? 'changed' and details -> 'changed' ? 'description'$$,
  $$values ('update'::studio.audit_action, 'project'::studio.audit_resource_type, 'new description', '203.0.113.9', 'studio-pgtap/1.0', auth.uid()::text)$$,
  'a project update is logged with the changed column, the client IP, the user agent and the actor');
select is((select count(*)::int from studio.audit_logs where action = 'delete' and resource_type = 'project' and ip_address = '203.0.113.9'), 1,
  'a project deletion is logged');
select is((select count(*)::int from studio.audit_logs where resource_type = 'graph' and action = 'create'), 6,
  'each of ann''s 6 graph creations is logged (Main, Other, the clone''s, and 3 more in Shop)');
select ok((select count(*) from studio.audit_logs where resource_type = 'graph' and action = 'update' and details #> '{changed,version}' is not null) >= 3,
  'graph saves are logged as updates with the version change');
select results_eq($$select action from studio.audit_logs where resource_type = 'api_key' order by action$$,
  $$values ('create'::studio.audit_action), ('delete'), ('update'), ('update')$$, 'api key create, updates and delete are logged');
select is((select count(*)::int from studio.audit_logs where details::text like '%A256GCM%' or details::text like '%Y3Q=%'), 0,
  'no audit row carries the sealed key');
select is((select count(*)::int from studio.audit_logs where user_id <> auth.uid()), 0, 'ann reads only her own audit rows');
select throws_ok($$insert into studio.audit_logs (user_id, action, resource_type, resource_id) values (auth.uid(), 'create', 'project', 'fake')$$,
  '42501', null, 'clients cannot write audit rows');
select throws_ok($$delete from studio.audit_logs$$, '42501', null, 'nor delete them');
select tests.authenticate_as('pat');
select results_eq($$select details ->> 'from', details ->> 'to', resource_id from studio.audit_logs where action = 'tier_change'$$,
  $$values ('free', 'pro', auth.uid()::text)$$, 'a tier change is logged for the user');
select tests.clear_authentication();
reset role;
update billing.customers set subscription_tier = 'enterprise' where user_id = tests.get_supabase_uid('pat');
select is((select count(*)::int from studio.audit_logs where action = 'tier_change' and details ->> 'to' = 'enterprise' and details ->> 'actor' is null), 1,
  'a tier change made by the service is logged with no actor');

select is((select version from studio.projects where name = 'Shop'), 3, 'projects.version counts the project''s changes (made public, new description)');

-- Headers that are not JSON, or an address that is not an IP, never stop the write: logged without them.
select tests.authenticate_as('ann');
select set_config('request.headers', '{"x-forwarded-for": "not-an-ip", "user-agent": "odd-agent/1.0"}', true);
update studio.projects set description = 'odd address' where name = 'Shop';
select set_config('request.headers', '{not json', true);
update studio.projects set description = 'broken headers' where name = 'Shop';
select set_config('request.headers', '', true);
reset role;
select results_eq($$select ip_address is null, user_agent from studio.audit_logs where details #>> '{changed,description,to}' = 'odd address'$$,
  $$values (true, 'odd-agent/1.0')$$, 'an x-forwarded-for that is not an IP is logged as no address');
select results_eq($$select ip_address is null, user_agent is null from studio.audit_logs where details #>> '{changed,description,to}' = 'broken headers'$$,
  $$values (true, true)$$, 'request headers that are not JSON are ignored');

-- Deleting an account takes its studio data and log with it; the audit triggers do not block it.
insert into ids values ('ann', tests.get_supabase_uid('ann'));
select lives_ok($$delete from auth.users where id = (select id from ids where name = 'ann')$$, 'an account with projects, graphs, chats and keys can be deleted');
select is((select count(*)::int from studio.projects p where p.user_id = (select id from ids where name = 'ann'))
          + (select count(*)::int from studio.audit_logs a where a.user_id = (select id from ids where name = 'ann'))
          + (select count(*)::int from studio.usage_analytics u where u.user_id = (select id from ids where name = 'ann'))
          + (select count(*)::int from studio.chats c where c.user_id = (select id from ids where name = 'ann'))
          + (select count(*)::int from studio.nodes n join studio.graphs g on g.id = n.graph_id join studio.projects p on p.id = g.project_id
             where p.user_id <> tests.get_supabase_uid('pat')), 0, 'and nothing of it remains (only pat''s clone has nodes left)');

select * from finish();
rollback;
