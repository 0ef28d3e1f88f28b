-- Studio: templates.graph_data selectable on the table as far as the caller's tier allows, and
-- select('*') on templates working for everyone.
--
-- Before, graph_data was a column no client could select (premium designs must not be copyable on a
-- tier without premium templates), so a client's select() / select('*') on studio.templates was
-- refused (42501) and the documented name could not be selected at all. Column privileges cannot say
-- "this row, for this tier". Now the documents live in private.studio_template_graphs (not exposed)
-- and graph_data is a PostgREST computed field:
--
--   supabase.schema('studio').from('templates').select('*')                        every listed column
--   supabase.schema('studio').from('templates').select('id, name, is_premium, graph_data')
--
-- graph_data is the template's document {nodes, edges, viewport} when the template is free, or the
-- caller's tier includes premium templates (or the caller is the service role); otherwise null. The
-- check reads is_premium from the table by id, so a row forged into the call (/rpc/graph_data)
-- reveals nothing more. studio.template_graph(id) (PT402 premium_required) and clone_template are
-- unchanged for callers. The service role writes a template's document into
-- private.studio_template_graphs (SQL; a template without one reads as the empty document).

create table private.studio_template_graphs (
  template_id uuid primary key references studio.templates (id) on delete cascade,
  graph_data jsonb not null default '{"nodes": [], "edges": []}'::jsonb
    check (coalesce(jsonb_typeof(graph_data -> 'nodes') = 'array' and jsonb_typeof(graph_data -> 'edges') = 'array', false))
);
comment on table private.studio_template_graphs is 'The graph document {nodes, edges, viewport} of each studio template (studio.templates.graph_data, served per tier by the computed field studio.graph_data). Service role only.';
revoke all on private.studio_template_graphs from public, anon, authenticated;
grant all on private.studio_template_graphs to service_role;

insert into private.studio_template_graphs (template_id, graph_data)
select t.id, t.graph_data from studio.templates t;

-- The graph for the caller, or null when the template is premium and their tier does not include
-- premium templates (or there is no such template). SECURITY DEFINER: the documents are not
-- clients' to read directly.
create function private.studio_template_graph_for_caller(target_template uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(g.graph_data, '{"nodes": [], "edges": []}'::jsonb)
  from studio.templates t
  left join private.studio_template_graphs g on g.template_id = t.id
  where t.id = target_template
    and (not t.is_premium
         or coalesce((select auth.role()), '') = 'service_role'
         or coalesce((private.studio_tier((select auth.uid())) -> 'limits' ->> 'premium_templates')::boolean, false));
$$;
comment on function private.studio_template_graph_for_caller(uuid) is 'A template''s graph document for the caller: null when it is premium and the caller''s tier has no premium_templates (the service role reads all).';
revoke all on function private.studio_template_graph_for_caller(uuid) from public;
grant execute on function private.studio_template_graph_for_caller(uuid) to anon, authenticated, service_role;

create function studio.graph_data(template studio.templates)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.studio_template_graph_for_caller(template.id);
$$;
comment on function studio.graph_data(studio.templates) is 'templates.graph_data, a computed field: the template''s graph document {nodes, edges, viewport}, or null when it is premium and the caller''s tier does not include premium templates. select(''id, name, graph_data'').';
revoke all on function studio.graph_data(studio.templates) from public;
grant execute on function studio.graph_data(studio.templates) to anon, authenticated, service_role;

-- The preview / clone helper reads the document from its new place (same signature and behaviour).
create or replace function private.studio_template_for(target_template uuid, take boolean)
returns table (name text, description text, graph_data jsonb)
language plpgsql
security definer
set search_path = ''
as $$
declare
  t studio.templates;
begin
  if take then
    select * into t from studio.templates tp where tp.id = target_template for update;
  else
    select * into t from studio.templates tp where tp.id = target_template;
  end if;
  if t.id is null then
    raise exception 'no template %', target_template using errcode = 'PT404', hint = 'template_not_found';
  end if;
  if t.is_premium and not coalesce((private.studio_tier(auth.uid()) -> 'limits' ->> 'premium_templates')::boolean, false) then
    raise exception 'template "%" is premium: it needs a tier that includes premium templates', t.name
      using errcode = 'PT402', hint = 'premium_required';
  end if;
  if take then
    update studio.templates tp set usage_count = tp.usage_count + 1 where tp.id = t.id;
    perform studio.record_usage(auth.uid(), 'templates_cloned', 1);
  end if;
  return query
    select t.name, t.description,
           coalesce((select g.graph_data from private.studio_template_graphs g where g.template_id = t.id), '{"nodes": [], "edges": []}'::jsonb);
end;
$$;

alter table studio.templates drop column graph_data;

-- Every remaining column is for everyone: a table grant, so select('*') works and stays working.
revoke select (id, name, description, category, thumbnail_url, is_premium, usage_count, created_at, updated_at)
  on studio.templates from anon, authenticated;
grant select on studio.templates to anon, authenticated;

comment on table studio.templates is 'Project templates. Everyone lists them (select(''*'')); graph_data is a computed field (studio.graph_data: the document, or null for a premium template on a tier without premium templates), previewed by studio.template_graph and cloned by studio.clone_template. Written by the service role (the document in private.studio_template_graphs).';
