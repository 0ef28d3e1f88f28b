-- Studio domain (seed 004_71f109ce983f00b0.txt, Simulark AI): architecture-design projects, their
-- graphs (nodes and edges), chats, reusable contexts, templates, bring-your-own provider keys, an
-- audit log and usage counters, in schema studio. Tables, views, indexes, RLS and grants live here;
-- the graph save RPC is in 20261122060100, tier limits, usage, templates RPCs and the audit in
-- 20261122060200, the template content in 20261122060300.
--
-- Decisions (README, decision records):
--   * users: the seed's users table is the view studio.users over public.profiles (identity, email,
--     last sign-in), billing.customers (the tier; no row = 'free') and studio.user_settings (the
--     studio's own fields: preferences, is_active). One source of truth per fact; nothing is copied.
--   * subscription_tiers is owned by billing; studio.subscription_tiers is a security_invoker view of
--     billing.subscription_tiers under the seed's name.
--   * graphs.nodes / graphs.edges: the nodes and edges tables are the graph. The React-Flow-style
--     document is derived, never stored: the view studio.graph_documents (id, project_id, name,
--     nodes, edges, viewport, is_valid, version, ...). Likewise chats.messages is derived from the
--     messages table by the view studio.chat_documents.
--   * Editor ids: the editor names nodes and edges itself ("n1", "e1-2"); they are kept in client_id
--     (unique per graph) beside the uuid primary key, so a document round-trips unchanged.
--   * Edges join nodes of their own graph only: composite foreign keys (graph_id, source_node_id)
--     and (graph_id, target_node_id) -> nodes (graph_id, id).
--   * templates.graph_data is not readable column-wise by clients: premium designs would otherwise
--     be copyable on any tier. studio.template_graph(id) returns it when the caller's tier allows.
--   * api_keys.api_key_encrypted holds the key sealed with AES-256-GCM by the studio function
--     ({alg, iv, ct}; plaintext refused by a CHECK); clients never read or write it.

-- Users: the studio's own per-user fields, and the seed's users under its documented name -----------

create table studio.user_settings (
  user_id uuid primary key default auth.uid() references public.profiles (id) on delete cascade,
  preferences jsonb not null default '{}'::jsonb check (jsonb_typeof(preferences) = 'object'),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table studio.user_settings is 'Studio fields of a user (preferences, is_active); read through studio.users. A missing row means defaults.';
comment on column studio.user_settings.preferences is 'Editor and generation preferences (JSON object), written by the user.';
comment on column studio.user_settings.is_active is 'False: the account may not create projects or generate (set by the service role only).';
create trigger user_settings_set_updated_at before update on studio.user_settings
  for each row execute function private.set_updated_at();

create view studio.users with (security_invoker = true) as
select p.id,
       p.email,
       coalesce(c.subscription_tier, 'free') as subscription_tier,
       coalesce(s.preferences, '{}'::jsonb) as preferences,
       p.created_at,
       greatest(p.updated_at, s.updated_at, c.updated_at) as updated_at,
       p.last_login_at as last_sign_in_at,
       coalesce(s.is_active, true) and p.status = 'active' as is_active
from public.profiles p
left join billing.customers c on c.user_id = p.id
left join studio.user_settings s on s.user_id = p.id;
comment on view studio.users is 'The seed''s users: profile (email, last sign-in), tier from billing.customers (default free), preferences and is_active from studio.user_settings. A user sees only their own row (administrators: all); preferences are updatable here.';

-- Updating preferences through the view writes studio.user_settings (created on first write). Runs as
-- the caller, so user_settings' RLS decides; clients hold UPDATE on the preferences column only.
create function private.studio_update_user()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.preferences is distinct from old.preferences then
    insert into studio.user_settings (user_id, preferences) values (old.id, coalesce(new.preferences, '{}'::jsonb))
    on conflict (user_id) do update set preferences = excluded.preferences;
  end if;
  if new.is_active is distinct from old.is_active then
    insert into studio.user_settings (user_id, is_active) values (old.id, coalesce(new.is_active, true))
    on conflict (user_id) do update set is_active = excluded.is_active;
  end if;
  return new;
end;
$$;
comment on function private.studio_update_user() is 'INSTEAD OF UPDATE on studio.users: writes preferences (and, for the service role, is_active) to studio.user_settings.';
revoke all on function private.studio_update_user() from public;
create trigger users_update instead of update on studio.users for each row execute function private.studio_update_user();

-- The seed's users indexes (email, subscription_tier), on the tables behind the view.
create index if not exists profiles_email_idx on public.profiles (email);
create index if not exists customers_subscription_tier_idx on billing.customers (subscription_tier);

create view studio.subscription_tiers with (security_invoker = true) as
select t.id, t.name, t.display_name, t.price_monthly, t.price_yearly, t.currency, t.features, t.limits, t.is_active
from billing.subscription_tiers t;
comment on view studio.subscription_tiers is 'The seed''s subscription_tiers: billing.subscription_tiers (owned by billing). limits: projects, graphs_per_project, ai_generations_per_month (null = unlimited), premium_templates (true = included).';

-- Projects ------------------------------------------------------------------------------------------

create table studio.projects (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  description text check (char_length(description) <= 10000),
  status text not null default 'draft' check (status in ('draft', 'active', 'archived')),
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  is_public boolean not null default false,
  version integer not null default 1 check (version > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table studio.projects is 'Architecture-design projects. Owners do everything; public projects (and their graphs) are readable by anyone, never writable.';
comment on column studio.projects.user_id is 'Owner. Defaults to the caller.';
comment on column studio.projects.status is 'draft | active | archived.';
comment on column studio.projects.settings is 'Project settings (JSON object); settings.template_id records the template a project was cloned from.';
comment on column studio.projects.is_public is 'Readable by anyone (anon included) when true.';
comment on column studio.projects.version is 'Bumped by the database on every change of the project row.';
create index idx_projects_user_id on studio.projects (user_id);
create index idx_projects_status on studio.projects (status);
create index idx_projects_created_at on studio.projects (created_at desc);
create index idx_projects_public on studio.projects (created_at desc) where is_public;
create trigger projects_set_updated_at before update on studio.projects
  for each row execute function private.set_updated_at();

create function private.studio_bump_project_version()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if (new.name, new.description, new.status, new.settings, new.is_public)
     is distinct from (old.name, old.description, old.status, old.settings, old.is_public) then
    new.version := old.version + 1;
  end if;
  return new;
end;
$$;
comment on function private.studio_bump_project_version() is 'BEFORE UPDATE on studio.projects: version + 1 when the project changed.';
revoke all on function private.studio_bump_project_version() from public;
create trigger projects_bump_version before update on studio.projects
  for each row execute function private.studio_bump_project_version();

-- Graphs, nodes, edges ------------------------------------------------------------------------------

create table studio.graphs (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references studio.projects (id) on delete cascade,
  name text not null default 'Main' check (char_length(btrim(name)) between 1 and 200),
  viewport jsonb not null default '{"x": 0, "y": 0, "zoom": 1}'::jsonb check (jsonb_typeof(viewport) = 'object'),
  is_valid boolean,
  version integer not null default 1 check (version > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table studio.graphs is 'Graphs (flows) of a project. The seed''s graphs.nodes / graphs.edges are not stored here: the nodes and edges tables are the graph, and studio.graph_documents derives the document from them. Save whole documents with studio.save_graph.';
comment on column studio.graphs.viewport is 'Editor viewport {x, y, zoom}.';
comment on column studio.graphs.is_valid is 'Result of the last /studio/analyze of this version: true = no errors; null = not analyzed since the last change.';
comment on column studio.graphs.version is 'Optimistic-concurrency version: + 1 on every change of the document (nodes, edges, viewport), by save_graph or by direct writes. Not writable by clients.';
create index idx_graphs_project_id on studio.graphs (project_id);
create trigger graphs_set_updated_at before update on studio.graphs
  for each row execute function private.set_updated_at();

create table studio.nodes (
  id uuid primary key default gen_random_uuid(),
  graph_id uuid not null references studio.graphs (id) on delete cascade,
  client_id text not null check (char_length(client_id) between 1 and 200),
  type text not null default 'default' check (char_length(type) between 1 and 100),
  label text check (char_length(label) <= 500),
  -- CHECKs on JSON shapes are wrapped in coalesce: a NULL (missing member) would otherwise pass.
  position jsonb not null default '{"x": 0, "y": 0}'::jsonb
    check (coalesce(jsonb_typeof(position -> 'x') = 'number' and jsonb_typeof(position -> 'y') = 'number', false)),
  data jsonb not null default '{}'::jsonb check (jsonb_typeof(data) = 'object'),
  style jsonb not null default '{}'::jsonb check (jsonb_typeof(style) = 'object'),
  width numeric check (width > 0),
  height numeric check (height > 0),
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint nodes_graph_client_id_key unique (graph_id, client_id),
  -- The seed's graph_id index; also the target of the edges' same-graph foreign keys.
  constraint idx_nodes_graph_id unique (graph_id, id)
);
comment on table studio.nodes is 'Nodes of a graph: the source of truth of graph_documents.nodes. type is the service type (api, worker, database, cache, queue, cdn, load_balancer, ...) or an editor node type.';
comment on column studio.nodes.client_id is 'The editor''s id of the node ("n1"), unique per graph: the id in the graph document.';
comment on column studio.nodes.position is 'Editor position {x, y}.';
comment on column studio.nodes.data is 'Node data: description, technology, replicas, and an optional compute shape (vcpus, memory_gb, gpu, gpu_count) that /studio/analyze prices.';
comment on column studio.nodes.sort_order is 'Position of the node in the document''s nodes array.';
create index idx_nodes_type on studio.nodes (type);
create trigger nodes_set_updated_at before update on studio.nodes
  for each row execute function private.set_updated_at();

create table studio.edges (
  id uuid primary key default gen_random_uuid(),
  graph_id uuid not null references studio.graphs (id) on delete cascade,
  client_id text not null check (char_length(client_id) between 1 and 200),
  source_node_id uuid not null,
  target_node_id uuid not null,
  source_handle text,
  target_handle text,
  type text check (char_length(type) <= 100),
  data jsonb not null default '{}'::jsonb check (jsonb_typeof(data) = 'object'),
  label text check (char_length(label) <= 500),
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  constraint edges_graph_client_id_key unique (graph_id, client_id),
  constraint edges_source_same_graph foreign key (graph_id, source_node_id) references studio.nodes (graph_id, id) on delete cascade,
  constraint edges_target_same_graph foreign key (graph_id, target_node_id) references studio.nodes (graph_id, id) on delete cascade
);
comment on table studio.edges is 'Connections between two nodes of the same graph (composite foreign keys). The source of truth of graph_documents.edges.';
comment on column studio.edges.client_id is 'The editor''s id of the edge, unique per graph.';
comment on column studio.edges.data is 'Edge data; data.async = true (or type async/queue/event) marks an asynchronous link, where cycles are allowed.';
-- The seed's edges indexes: graph_id is served by edges_graph_client_id_key; source_node_id and
-- target_node_id are indexed in the column order of the same-graph foreign keys they cover.
create index idx_edges_source_node_id on studio.edges (graph_id, source_node_id);
create index idx_edges_target_node_id on studio.edges (graph_id, target_node_id);

-- Drops the top-level null members of an object (jsonb_strip_nulls would also strip nulls inside
-- node data, changing it).
create function private.studio_strip_top_nulls(value jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(jsonb_object_agg(e.key, e.value) filter (where e.value <> 'null'::jsonb), '{}'::jsonb) from jsonb_each(value) e;
$$;
comment on function private.studio_strip_top_nulls(jsonb) is 'The object without its top-level null members (graph document rendering).';
revoke all on function private.studio_strip_top_nulls(jsonb) from public;
-- The document views run as the caller.
grant execute on function private.studio_strip_top_nulls(jsonb) to anon, authenticated, service_role;

-- The seed's graphs with nodes and edges, derived (React Flow document shape).
create view studio.graph_documents with (security_invoker = true) as
select g.id, g.project_id, g.name,
       coalesce((select jsonb_agg(private.studio_strip_top_nulls(jsonb_build_object(
                   'id', n.client_id, 'type', n.type, 'label', n.label, 'position', n.position, 'data', n.data,
                   'style', nullif(n.style, '{}'::jsonb), 'width', n.width, 'height', n.height)) order by n.sort_order, n.client_id)
                 from studio.nodes n where n.graph_id = g.id), '[]'::jsonb) as nodes,
       coalesce((select jsonb_agg(private.studio_strip_top_nulls(jsonb_build_object(
                   'id', e.client_id, 'source', s.client_id, 'target', t.client_id, 'sourceHandle', e.source_handle,
                   'targetHandle', e.target_handle, 'type', e.type, 'label', e.label, 'data', e.data)) order by e.sort_order, e.client_id)
                 from studio.edges e
                 join studio.nodes s on s.id = e.source_node_id
                 join studio.nodes t on t.id = e.target_node_id
                 where e.graph_id = g.id), '[]'::jsonb) as edges,
       g.viewport, g.is_valid, g.version, g.created_at, g.updated_at
from studio.graphs g;
comment on view studio.graph_documents is 'The seed''s graphs with nodes and edges: the document {nodes, edges, viewport} derived from studio.nodes and studio.edges (never stored twice). Node and edge ids are the editor''s client ids.';

-- Chats and messages --------------------------------------------------------------------------------

create table studio.chats (
  id uuid primary key default gen_random_uuid(),
  project_id uuid references studio.projects (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  title text check (char_length(title) <= 500),
  context jsonb not null default '{}'::jsonb check (jsonb_typeof(context) = 'object'),
  is_archived boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table studio.chats is 'Chat sessions of a user, optionally about one of their projects (the design assistant). Private to the user, also on public projects. The seed''s chats.messages is derived: studio.chat_documents.';
comment on column studio.chats.context is 'Chat context (JSON object): graph id, context ids, model settings.';
create index idx_chats_project_id on studio.chats (project_id);
create index idx_chats_user_id on studio.chats (user_id, created_at desc);
create index idx_chats_created_at on studio.chats (created_at desc);
create trigger chats_set_updated_at before update on studio.chats
  for each row execute function private.set_updated_at();

create table studio.messages (
  id uuid primary key default gen_random_uuid(),
  chat_id uuid not null references studio.chats (id) on delete cascade,
  role text not null check (role in ('user', 'assistant', 'system')),
  content text not null check (char_length(content) <= 200000),
  metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  tokens integer check (tokens >= 0),
  -- clock_timestamp: messages written in one transaction (prompt, then answer) keep their order.
  created_at timestamptz not null default clock_timestamp()
);
comment on table studio.messages is 'Messages of a chat: the source of truth of chat_documents.messages. Users write role = user; assistant and system messages come from the studio function.';
comment on column studio.messages.metadata is 'Model, key source (user or platform), graph id and version produced, finish reason.';
comment on column studio.messages.tokens is 'Tokens of this message as the model counted them (prompt tokens for the user''s message, completion tokens for the answer).';
create index idx_messages_chat_id on studio.messages (chat_id, created_at);
create index idx_messages_created_at on studio.messages (created_at);

create view studio.chat_documents with (security_invoker = true) as
select c.id, c.project_id, c.user_id, c.title, c.context,
       coalesce((select jsonb_agg(jsonb_build_object('id', m.id, 'role', m.role, 'content', m.content, 'metadata', m.metadata,
                                                     'tokens', m.tokens, 'created_at', m.created_at) order by m.created_at, m.id)
                 from studio.messages m where m.chat_id = c.id), '[]'::jsonb) as messages,
       c.is_archived, c.created_at, c.updated_at
from studio.chats c;
comment on view studio.chat_documents is 'The seed''s chats with their messages array, derived from studio.messages (never stored twice).';

-- Contexts ------------------------------------------------------------------------------------------

create table studio.contexts (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  description text check (char_length(description) <= 10000),
  content text not null default '' check (char_length(content) <= 500000),
  type text not null default 'text' check (type in ('text', 'json', 'yaml')),
  tags text[] not null default '{}' check (cardinality(tags) <= 50),
  is_public boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- A json context must parse (yaml is not checked: Postgres has no YAML parser).
  constraint contexts_json_parses check (type <> 'json' or pg_input_is_valid(content, 'jsonb'))
);
comment on table studio.contexts is 'Reusable context (requirements, constraints, conventions) a user feeds to generation. Public contexts are readable by anyone, never writable.';
comment on column studio.contexts.type is 'text | json | yaml. json content must parse.';
create index idx_contexts_user_id on studio.contexts (user_id);
create index idx_contexts_type on studio.contexts (type);
create index idx_contexts_tags on studio.contexts using gin (tags);
create index idx_contexts_public on studio.contexts (created_at desc) where is_public;
create trigger contexts_set_updated_at before update on studio.contexts
  for each row execute function private.set_updated_at();

-- Templates -----------------------------------------------------------------------------------------

create table studio.templates (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (char_length(btrim(name)) between 1 and 200),
  description text,
  category text not null default 'general' check (category ~ '^[a-z][a-z0-9_-]*$'),
  graph_data jsonb not null default '{"nodes": [], "edges": []}'::jsonb
    check (coalesce(jsonb_typeof(graph_data -> 'nodes') = 'array' and jsonb_typeof(graph_data -> 'edges') = 'array', false)),
  thumbnail_url text check (thumbnail_url ~ '^https://'),
  is_premium boolean not null default false,
  usage_count integer not null default 0 check (usage_count >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table studio.templates is 'Project templates. Everyone lists them; graph_data is served by studio.template_graph and cloned by studio.clone_template, premium ones only on a tier with premium_templates. Written by the service role.';
comment on column studio.templates.graph_data is 'The template''s graph document {nodes, edges, viewport}. Not selectable by clients (see studio.template_graph).';
comment on column studio.templates.usage_count is 'Times cloned; incremented atomically by studio.clone_template.';
create index idx_templates_category on studio.templates (category);
create index idx_templates_is_premium on studio.templates (is_premium);
create trigger templates_set_updated_at before update on studio.templates
  for each row execute function private.set_updated_at();

-- API keys (bring your own provider key) ------------------------------------------------------------

create table studio.api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 100),
  provider text not null check (provider ~ '^[a-z][a-z0-9_-]{1,39}$'),
  -- coalesce: a JSON string (a plaintext key) or a missing member yields NULL, which a bare CHECK passes.
  api_key_encrypted jsonb not null check (coalesce(
    jsonb_typeof(api_key_encrypted) = 'object' and api_key_encrypted ->> 'alg' = 'A256GCM'
    and jsonb_typeof(api_key_encrypted -> 'iv') = 'string' and jsonb_typeof(api_key_encrypted -> 'ct') = 'string', false)),
  key_last4 text not null check (char_length(key_last4) = 4),
  is_active boolean not null default true,
  last_used_at timestamptz,
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  unique (user_id, name)
);
comment on table studio.api_keys is 'Users'' own AI provider keys (BYOK). Created by POST /studio/api-keys (sealed there); clients read name, provider, key_last4, dates; never the key.';
comment on column studio.api_keys.provider is 'AI provider (openai, anthropic, ...). /studio/generate uses the openai key.';
comment on column studio.api_keys.api_key_encrypted is 'The key sealed with AES-256-GCM ({alg, iv, ct}); plaintext is refused. Service role only: not selectable, insertable or updatable by clients.';
comment on column studio.api_keys.key_last4 is 'Last 4 characters of the key, to recognise it.';
comment on column studio.api_keys.last_used_at is 'Last use by /studio/generate.';
create index idx_api_keys_user_id on studio.api_keys (user_id);
create index idx_api_keys_provider on studio.api_keys (provider);

-- Audit log and usage -------------------------------------------------------------------------------

create table studio.audit_logs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  action text not null check (action in ('create', 'update', 'delete', 'tier_change')),
  resource_type text not null check (resource_type in ('project', 'graph', 'api_key', 'subscription_tier')),
  resource_id text not null,
  details jsonb not null default '{}'::jsonb check (jsonb_typeof(details) = 'object'),
  ip_address inet,
  user_agent text,
  created_at timestamptz not null default now()
);
comment on table studio.audit_logs is 'Written by the database only (triggers): create/update/delete of projects, graphs and api_keys, and tier changes. Users read the entries about their own resources. Erased with the account.';
comment on column studio.audit_logs.user_id is 'The user whose resource it is (owner). details.actor is who acted (null for the service), details.role the role.';
comment on column studio.audit_logs.details is 'create/delete: the row (no secrets); update: {changed: {column: {from, to}}}; tier_change: {from, to}.';
comment on column studio.audit_logs.ip_address is 'First x-forwarded-for (or x-real-ip) address of the request, from request.headers, when present.';
comment on column studio.audit_logs.user_agent is 'user-agent of the request, from request.headers, when present.';
create index idx_audit_logs_user_id on studio.audit_logs (user_id, created_at desc);
create index idx_audit_logs_action on studio.audit_logs (action);
create index idx_audit_logs_created_at on studio.audit_logs (created_at desc);

create table studio.usage_analytics (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  metric_type text not null check (metric_type ~ '^[a-z][a-z0-9_]*$'),
  count bigint not null default 0 check (count >= 0),
  period_start timestamptz not null,
  period_end timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (period_end > period_start),
  -- One counter per user, metric and period (calendar month, UTC); also the seed's user_id index.
  constraint usage_analytics_user_metric_period_key unique (user_id, metric_type, period_start)
);
comment on table studio.usage_analytics is 'Usage counters per user, metric and month (UTC): ai_generations (the tier limit), ai_tokens, projects_created, graphs_created, templates_cloned. Written by the database and the studio function; users read their own.';
comment on column studio.usage_analytics.count is 'Count in the period (tokens for ai_tokens).';
create index idx_usage_analytics_metric_type on studio.usage_analytics (metric_type);
create index idx_usage_analytics_period on studio.usage_analytics (period_start, period_end);
create trigger usage_analytics_set_updated_at before update on studio.usage_analytics
  for each row execute function private.set_updated_at();

-- RLS helpers -----------------------------------------------------------------------------------------
-- SECURITY DEFINER so the policies of nodes, edges and messages do not re-run the policies of the
-- tables they hang off (and cannot recurse); each checks ownership or visibility explicitly.

create function private.studio_owns_project(target_project uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from studio.projects p where p.id = target_project and p.user_id = (select auth.uid()));
$$;
comment on function private.studio_owns_project(uuid) is 'RLS helper: the caller owns the project.';

create function private.studio_can_read_project(target_project uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from studio.projects p
                 where p.id = target_project and (p.is_public or p.user_id = (select auth.uid())));
$$;
comment on function private.studio_can_read_project(uuid) is 'RLS helper: the project is public or the caller''s.';

create function private.studio_owns_graph(target_graph uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from studio.graphs g join studio.projects p on p.id = g.project_id
                 where g.id = target_graph and p.user_id = (select auth.uid()));
$$;
comment on function private.studio_owns_graph(uuid) is 'RLS helper: the caller owns the graph''s project.';

create function private.studio_can_read_graph(target_graph uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from studio.graphs g join studio.projects p on p.id = g.project_id
                 where g.id = target_graph and (p.is_public or p.user_id = (select auth.uid())));
$$;
comment on function private.studio_can_read_graph(uuid) is 'RLS helper: the graph''s project is public or the caller''s.';

create function private.studio_owns_chat(target_chat uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from studio.chats c where c.id = target_chat and c.user_id = (select auth.uid()));
$$;
comment on function private.studio_owns_chat(uuid) is 'RLS helper: the chat is the caller''s.';

revoke all on function private.studio_owns_project(uuid) from public;
revoke all on function private.studio_can_read_project(uuid) from public;
revoke all on function private.studio_owns_graph(uuid) from public;
revoke all on function private.studio_can_read_graph(uuid) from public;
revoke all on function private.studio_owns_chat(uuid) from public;
grant execute on function private.studio_owns_project(uuid) to authenticated, service_role;
grant execute on function private.studio_can_read_project(uuid) to anon, authenticated, service_role;
grant execute on function private.studio_owns_graph(uuid) to authenticated, service_role;
grant execute on function private.studio_can_read_graph(uuid) to anon, authenticated, service_role;
grant execute on function private.studio_owns_chat(uuid) to authenticated, service_role;

-- Row level security and grants ---------------------------------------------------------------------
-- One permissive policy per role and action (the advisors flag more). Public projects, their graphs,
-- nodes and edges, and public contexts are readable by anon and authenticated; writes are the owner's.
-- Chats and messages stay private even on public projects.

alter table studio.user_settings enable row level security;
alter table studio.projects enable row level security;
alter table studio.graphs enable row level security;
alter table studio.nodes enable row level security;
alter table studio.edges enable row level security;
alter table studio.chats enable row level security;
alter table studio.messages enable row level security;
alter table studio.contexts enable row level security;
alter table studio.templates enable row level security;
alter table studio.api_keys enable row level security;
alter table studio.audit_logs enable row level security;
alter table studio.usage_analytics enable row level security;

-- users / user_settings / subscription_tiers
grant select on studio.users to authenticated;
grant update (preferences) on studio.users to authenticated;
grant select on studio.user_settings to authenticated;
grant insert (user_id, preferences) on studio.user_settings to authenticated;
grant update (preferences) on studio.user_settings to authenticated;
grant select on studio.subscription_tiers to anon, authenticated;
create policy "user_settings: users read their own" on studio.user_settings for select to authenticated
  using (user_id = (select auth.uid()));
create policy "user_settings: users create their own" on studio.user_settings for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy "user_settings: users update their own" on studio.user_settings for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- projects
grant select (id, user_id, name, description, status, settings, is_public, version, created_at, updated_at) on studio.projects to anon;
grant select on studio.projects to authenticated;
grant insert (id, user_id, name, description, status, settings, is_public) on studio.projects to authenticated;
grant update (name, description, status, settings, is_public) on studio.projects to authenticated;
grant delete on studio.projects to authenticated;
create policy "projects: anyone reads public projects" on studio.projects for select to anon
  using (is_public);
create policy "projects: owners and public projects" on studio.projects for select to authenticated
  using (user_id = (select auth.uid()) or is_public);
create policy "projects: owners create" on studio.projects for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy "projects: owners update" on studio.projects for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "projects: owners delete" on studio.projects for delete to authenticated
  using (user_id = (select auth.uid()));

-- graphs (version and is_valid are the database's and the studio function's)
grant select on studio.graphs, studio.graph_documents to anon, authenticated;
grant insert (id, project_id, name, viewport) on studio.graphs to authenticated;
grant update (name, viewport) on studio.graphs to authenticated;
grant delete on studio.graphs to authenticated;
create policy "graphs: anyone reads graphs of public projects" on studio.graphs for select to anon
  using (private.studio_can_read_project(project_id));
create policy "graphs: owners and public projects" on studio.graphs for select to authenticated
  using (private.studio_can_read_project(project_id));
create policy "graphs: owners create" on studio.graphs for insert to authenticated
  with check (private.studio_owns_project(project_id));
create policy "graphs: owners update" on studio.graphs for update to authenticated
  using (private.studio_owns_project(project_id)) with check (private.studio_owns_project(project_id));
create policy "graphs: owners delete" on studio.graphs for delete to authenticated
  using (private.studio_owns_project(project_id));

-- nodes and edges
grant select on studio.nodes, studio.edges to anon, authenticated;
grant insert (id, graph_id, client_id, type, label, position, data, style, width, height, sort_order) on studio.nodes to authenticated;
grant update (client_id, type, label, position, data, style, width, height, sort_order) on studio.nodes to authenticated;
grant delete on studio.nodes to authenticated;
grant insert (id, graph_id, client_id, source_node_id, target_node_id, source_handle, target_handle, type, data, label, sort_order)
  on studio.edges to authenticated;
grant update (client_id, source_node_id, target_node_id, source_handle, target_handle, type, data, label, sort_order) on studio.edges to authenticated;
grant delete on studio.edges to authenticated;
create policy "nodes: anyone reads nodes of public projects" on studio.nodes for select to anon
  using (private.studio_can_read_graph(graph_id));
create policy "nodes: owners and public projects" on studio.nodes for select to authenticated
  using (private.studio_can_read_graph(graph_id));
create policy "nodes: owners create" on studio.nodes for insert to authenticated
  with check (private.studio_owns_graph(graph_id));
create policy "nodes: owners update" on studio.nodes for update to authenticated
  using (private.studio_owns_graph(graph_id)) with check (private.studio_owns_graph(graph_id));
create policy "nodes: owners delete" on studio.nodes for delete to authenticated
  using (private.studio_owns_graph(graph_id));
create policy "edges: anyone reads edges of public projects" on studio.edges for select to anon
  using (private.studio_can_read_graph(graph_id));
create policy "edges: owners and public projects" on studio.edges for select to authenticated
  using (private.studio_can_read_graph(graph_id));
create policy "edges: owners create" on studio.edges for insert to authenticated
  with check (private.studio_owns_graph(graph_id));
create policy "edges: owners update" on studio.edges for update to authenticated
  using (private.studio_owns_graph(graph_id)) with check (private.studio_owns_graph(graph_id));
create policy "edges: owners delete" on studio.edges for delete to authenticated
  using (private.studio_owns_graph(graph_id));

-- chats and messages (private to their user; a chat may only point at the user's own project)
grant select, delete on studio.chats to authenticated;
grant select on studio.chat_documents to authenticated;
grant insert (id, project_id, user_id, title, context, is_archived) on studio.chats to authenticated;
grant update (title, context, is_archived) on studio.chats to authenticated;
create policy "chats: users read their own" on studio.chats for select to authenticated
  using (user_id = (select auth.uid()));
create policy "chats: users create their own" on studio.chats for insert to authenticated
  with check (user_id = (select auth.uid()) and (project_id is null or private.studio_owns_project(project_id)));
create policy "chats: users update their own" on studio.chats for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "chats: users delete their own" on studio.chats for delete to authenticated
  using (user_id = (select auth.uid()));
-- Messages are a record (with token counts): users add their own prompts and may delete messages;
-- they do not edit them, and the assistant's come from the studio function.
grant select, delete on studio.messages to authenticated;
grant insert (id, chat_id, role, content, metadata) on studio.messages to authenticated;
create policy "messages: users read their chats' messages" on studio.messages for select to authenticated
  using (private.studio_owns_chat(chat_id));
create policy "messages: users add their own prompts" on studio.messages for insert to authenticated
  with check (role = 'user' and private.studio_owns_chat(chat_id));
create policy "messages: users delete their chats' messages" on studio.messages for delete to authenticated
  using (private.studio_owns_chat(chat_id));

-- contexts
grant select (id, user_id, name, description, content, type, tags, is_public, created_at, updated_at) on studio.contexts to anon;
grant select, delete on studio.contexts to authenticated;
grant insert (id, user_id, name, description, content, type, tags, is_public) on studio.contexts to authenticated;
grant update (name, description, content, type, tags, is_public) on studio.contexts to authenticated;
create policy "contexts: anyone reads public contexts" on studio.contexts for select to anon
  using (is_public);
create policy "contexts: owners and public contexts" on studio.contexts for select to authenticated
  using (user_id = (select auth.uid()) or is_public);
create policy "contexts: owners create" on studio.contexts for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy "contexts: owners update" on studio.contexts for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "contexts: owners delete" on studio.contexts for delete to authenticated
  using (user_id = (select auth.uid()));

-- templates: every column but graph_data, for everyone
grant select (id, name, description, category, thumbnail_url, is_premium, usage_count, created_at, updated_at)
  on studio.templates to anon, authenticated;
create policy "templates: everyone lists templates" on studio.templates for select to anon, authenticated
  using (true);

-- api_keys: never the key; no client INSERT (POST /studio/api-keys seals it)
grant select (id, user_id, name, provider, key_last4, is_active, last_used_at, expires_at, created_at) on studio.api_keys to authenticated;
grant update (name, is_active, expires_at) on studio.api_keys to authenticated;
grant delete on studio.api_keys to authenticated;
create policy "api_keys: users read their own" on studio.api_keys for select to authenticated
  using (user_id = (select auth.uid()));
create policy "api_keys: users update their own" on studio.api_keys for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "api_keys: users delete their own" on studio.api_keys for delete to authenticated
  using (user_id = (select auth.uid()));

-- audit_logs and usage_analytics: read-only for their user
grant select on studio.audit_logs, studio.usage_analytics to authenticated;
create policy "audit_logs: users read their own" on studio.audit_logs for select to authenticated
  using (user_id = (select auth.uid()));
create policy "usage_analytics: users read their own" on studio.usage_analytics for select to authenticated
  using (user_id = (select auth.uid()));

grant all on all tables in schema studio to service_role;
