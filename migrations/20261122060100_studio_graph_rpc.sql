-- Studio: saving a whole graph from the editor, with optimistic concurrency.
--
-- graphs.version is the document's version. studio.save_graph(graph_id, document, expected_version)
-- locks the graph row, refuses a stale expected_version, applies the difference between the stored
-- graph and the document (nodes and edges matched by their editor ids: upsert changed ones, delete
-- missing ones) and bumps the version once, all in the caller's transaction and under the caller's
-- RLS (SECURITY INVOKER). Two tabs saving from the same version: the second waits on the row lock,
-- then sees the bumped version and gets version_conflict; nothing of the first save is lost.
-- Direct writes to nodes or edges (supabase-js) bump the version too, so they can never be silently
-- overwritten by a save from an older version.
--
-- Errors (SQLSTATE PTnnn makes PostgREST answer with HTTP status nnn; hint is the stable code):
--   PT404 graph_not_found   no such graph, or not the caller's to write
--   PT409 version_conflict  expected_version is not the current version (detail: JSON with current_version)
--   22023 invalid_document  the document is malformed (message says where)

-- One version bump per statement that writes nodes or edges, except inside save_graph, which bumps
-- once itself. SECURITY DEFINER: version is not writable by clients.
create function private.studio_bump_graph_version()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update studio.graphs g set version = g.version + 1
  where g.id in (select distinct c.graph_id from changed c)
    and g.id::text is distinct from nullif(current_setting('studio.saving_graph', true), '');
  return null;
end;
$$;
comment on function private.studio_bump_graph_version() is 'AFTER statement on nodes/edges: bumps the version of each graph written (not during studio.save_graph, which bumps once).';
revoke all on function private.studio_bump_graph_version() from public;

-- Transition tables allow one event per trigger, hence three per table.
create trigger nodes_bump_graph_version_insert after insert on studio.nodes
  referencing new table as changed for each statement execute function private.studio_bump_graph_version();
create trigger nodes_bump_graph_version_update after update on studio.nodes
  referencing new table as changed for each statement execute function private.studio_bump_graph_version();
create trigger nodes_bump_graph_version_delete after delete on studio.nodes
  referencing old table as changed for each statement execute function private.studio_bump_graph_version();
create trigger edges_bump_graph_version_insert after insert on studio.edges
  referencing new table as changed for each statement execute function private.studio_bump_graph_version();
create trigger edges_bump_graph_version_update after update on studio.edges
  referencing new table as changed for each statement execute function private.studio_bump_graph_version();
create trigger edges_bump_graph_version_delete after delete on studio.edges
  referencing old table as changed for each statement execute function private.studio_bump_graph_version();

-- On the graph row itself: a save (studio.saving_graph = this graph) or a viewport change bumps the
-- version; any new version clears is_valid (the last analysis was of another version). A BEFORE
-- trigger, so clients need no privilege on version or is_valid.
create function private.studio_graph_before_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.version = old.version
     and (new.viewport is distinct from old.viewport
          or new.id::text = nullif(current_setting('studio.saving_graph', true), '')) then
    new.version := old.version + 1;
  end if;
  if new.version <> old.version and new.is_valid is not distinct from old.is_valid then
    new.is_valid := null;
  end if;
  return new;
end;
$$;
comment on function private.studio_graph_before_update() is 'BEFORE UPDATE on studio.graphs: version + 1 on a save or a viewport change; a new version clears is_valid.';
revoke all on function private.studio_graph_before_update() from public;
create trigger graphs_before_update before update on studio.graphs
  for each row execute function private.studio_graph_before_update();

-- The document format (React Flow):
--   {"nodes": [{"id": "n1", "type": "api", "label": "API", "position": {"x": 0, "y": 0},
--               "data": {...}, "style": {...}, "width": 150, "height": 40}, ...],
--    "edges": [{"id": "e1", "source": "n1", "target": "n2", "sourceHandle": null, "targetHandle": null,
--               "type": "smoothstep", "label": "SQL", "data": {...}}, ...],
--    "viewport": {"x": 0, "y": 0, "zoom": 1}}
-- Only id is required for a node (type defaults to "default", position to {x: 0, y: 0}, label to
-- data.label); an edge needs source and target (its id defaults to "source->target"). A missing
-- viewport keeps the stored one. Order of nodes and edges is kept.
create function studio.save_graph(graph_id uuid, document jsonb, expected_version integer)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  g studio.graphs;
  doc_nodes jsonb;
  doc_edges jsonb;
  problem text;
begin
  if jsonb_typeof(document) is distinct from 'object' then
    raise exception 'the document must be a JSON object {nodes, edges, viewport}' using errcode = '22023', hint = 'invalid_document';
  end if;
  doc_nodes := coalesce(nullif(document -> 'nodes', 'null'::jsonb), '[]'::jsonb);
  doc_edges := coalesce(nullif(document -> 'edges', 'null'::jsonb), '[]'::jsonb);
  if jsonb_typeof(doc_nodes) <> 'array' or jsonb_typeof(doc_edges) <> 'array' then
    raise exception 'nodes and edges must be arrays' using errcode = '22023', hint = 'invalid_document';
  end if;
  if coalesce(jsonb_typeof(document -> 'viewport'), 'null') not in ('object', 'null') then
    raise exception 'viewport must be an object {x, y, zoom}' using errcode = '22023', hint = 'invalid_document';
  end if;
  if jsonb_array_length(doc_nodes) > 2000 or jsonb_array_length(doc_edges) > 10000 then
    raise exception 'a graph holds at most 2000 nodes and 10000 edges' using errcode = '22023', hint = 'invalid_document';
  end if;

  select * into g from studio.graphs gr where gr.id = save_graph.graph_id for update;
  if g.id is null then
    raise exception 'no graph % that you can write', save_graph.graph_id using errcode = 'PT404', hint = 'graph_not_found';
  end if;
  if expected_version is distinct from g.version then
    raise exception 'graph % is at version %, not %: it was saved elsewhere; reload it and apply your changes again',
      g.id, g.version, coalesce(expected_version::text, 'null')
      using errcode = 'PT409', hint = 'version_conflict',
            detail = jsonb_build_object('graph_id', g.id, 'current_version', g.version, 'expected_version', expected_version)::text;
  end if;

  -- Nodes: shape, then unique ids.
  select format('nodes[%s]: %s', x.i - 1, x.reason) into problem
  from (select t.i, case
          when jsonb_typeof(t.n) <> 'object' then 'not an object'
          when jsonb_typeof(t.n -> 'id') is distinct from 'string' or char_length(t.n ->> 'id') not between 1 and 200
            then 'id must be a string of 1 to 200 characters'
          when coalesce(jsonb_typeof(t.n -> 'type'), 'null') not in ('string', 'null') then 'type must be a string'
          when coalesce(jsonb_typeof(t.n -> 'label'), 'null') not in ('string', 'null') then 'label must be a string'
          when coalesce(jsonb_typeof(t.n -> 'position'), 'null') <> 'null'
               and (jsonb_typeof(t.n -> 'position' -> 'x') is distinct from 'number'
                    or jsonb_typeof(t.n -> 'position' -> 'y') is distinct from 'number') then 'position must be {x, y} numbers'
          when coalesce(jsonb_typeof(t.n -> 'data'), 'null') not in ('object', 'null') then 'data must be an object'
          when coalesce(jsonb_typeof(t.n -> 'style'), 'null') not in ('object', 'null') then 'style must be an object'
          when coalesce(jsonb_typeof(t.n -> 'width'), 'null') not in ('number', 'null')
               or coalesce(jsonb_typeof(t.n -> 'height'), 'null') not in ('number', 'null') then 'width and height must be numbers'
        end as reason
        from jsonb_array_elements(doc_nodes) with ordinality t(n, i)) x
  where x.reason is not null
  order by x.i
  limit 1;
  if problem is null then
    select format('node id "%s" appears more than once', d.n ->> 'id') into problem
    from jsonb_array_elements(doc_nodes) d(n) group by d.n ->> 'id' having count(*) > 1 limit 1;
  end if;
  if problem is not null then
    raise exception '%', problem using errcode = '22023', hint = 'invalid_document';
  end if;

  -- Edges: shape, endpoints among the document's nodes, unique ids (defaulted to "source->target").
  select coalesce(jsonb_agg(case when jsonb_typeof(t.e) = 'object'
                                 then t.e || jsonb_build_object('id', coalesce(t.e ->> 'id', format('%s->%s', t.e ->> 'source', t.e ->> 'target')), 'i', t.i - 1)
                                 else t.e end order by t.i), '[]'::jsonb)
  into doc_edges
  from jsonb_array_elements(doc_edges) with ordinality t(e, i);
  select format('edges[%s]: %s', x.i - 1, x.reason) into problem
  from (select t.i, case
          when jsonb_typeof(t.e) <> 'object' then 'not an object'
          when jsonb_typeof(t.e -> 'id') is distinct from 'string' or char_length(t.e ->> 'id') not between 1 and 200
            then 'id must be a string of 1 to 200 characters'
          when jsonb_typeof(t.e -> 'source') is distinct from 'string' or jsonb_typeof(t.e -> 'target') is distinct from 'string'
            then 'source and target must be node ids'
          when not exists (select 1 from jsonb_array_elements(doc_nodes) n where n ->> 'id' = t.e ->> 'source')
            then format('source "%s" is not a node of this document', t.e ->> 'source')
          when not exists (select 1 from jsonb_array_elements(doc_nodes) n where n ->> 'id' = t.e ->> 'target')
            then format('target "%s" is not a node of this document', t.e ->> 'target')
          when coalesce(jsonb_typeof(t.e -> 'sourceHandle'), 'null') not in ('string', 'null')
               or coalesce(jsonb_typeof(t.e -> 'targetHandle'), 'null') not in ('string', 'null') then 'handles must be strings'
          when coalesce(jsonb_typeof(t.e -> 'type'), 'null') not in ('string', 'null')
               or coalesce(jsonb_typeof(t.e -> 'label'), 'null') not in ('string', 'null') then 'type and label must be strings'
          when coalesce(jsonb_typeof(t.e -> 'data'), 'null') not in ('object', 'null') then 'data must be an object'
        end as reason
        from jsonb_array_elements(doc_edges) with ordinality t(e, i)) x
  where x.reason is not null
  order by x.i
  limit 1;
  if problem is null then
    select format('edge id "%s" appears more than once', d.e ->> 'id') into problem
    from jsonb_array_elements(doc_edges) d(e) group by d.e ->> 'id' having count(*) > 1 limit 1;
  end if;
  if problem is not null then
    raise exception '%', problem using errcode = '22023', hint = 'invalid_document';
  end if;

  -- Apply the difference. The statement triggers skip this graph while studio.saving_graph names it.
  perform set_config('studio.saving_graph', g.id::text, true);

  delete from studio.edges e
  where e.graph_id = g.id
    and not exists (select 1 from jsonb_array_elements(doc_edges) d where d ->> 'id' = e.client_id);
  delete from studio.nodes n
  where n.graph_id = g.id
    and not exists (select 1 from jsonb_array_elements(doc_nodes) d where d ->> 'id' = n.client_id);

  insert into studio.nodes as n (graph_id, client_id, type, label, position, data, style, width, height, sort_order)
  select g.id, t.d ->> 'id', coalesce(t.d ->> 'type', 'default'), coalesce(t.d ->> 'label', t.d -> 'data' ->> 'label'),
         coalesce(nullif(t.d -> 'position', 'null'::jsonb), '{"x": 0, "y": 0}'::jsonb),
         coalesce(nullif(t.d -> 'data', 'null'::jsonb), '{}'::jsonb), coalesce(nullif(t.d -> 'style', 'null'::jsonb), '{}'::jsonb),
         (t.d ->> 'width')::numeric, (t.d ->> 'height')::numeric, (t.i - 1)::integer
  from jsonb_array_elements(doc_nodes) with ordinality t(d, i)
  on conflict on constraint nodes_graph_client_id_key do update
    set type = excluded.type, label = excluded.label, position = excluded.position, data = excluded.data, style = excluded.style,
        width = excluded.width, height = excluded.height, sort_order = excluded.sort_order
    where (n.type, n.label, n.position, n.data, n.style, n.width, n.height, n.sort_order)
          is distinct from (excluded.type, excluded.label, excluded.position, excluded.data, excluded.style, excluded.width, excluded.height, excluded.sort_order);

  insert into studio.edges as e (graph_id, client_id, source_node_id, target_node_id, source_handle, target_handle, type, data, label, sort_order)
  select g.id, d ->> 'id', s.id, t.id, d ->> 'sourceHandle', d ->> 'targetHandle', d ->> 'type',
         coalesce(nullif(d -> 'data', 'null'::jsonb), '{}'::jsonb), d ->> 'label', (d ->> 'i')::integer
  from jsonb_array_elements(doc_edges) d
  join studio.nodes s on s.graph_id = g.id and s.client_id = d ->> 'source'
  join studio.nodes t on t.graph_id = g.id and t.client_id = d ->> 'target'
  on conflict on constraint edges_graph_client_id_key do update
    set source_node_id = excluded.source_node_id, target_node_id = excluded.target_node_id, source_handle = excluded.source_handle,
        target_handle = excluded.target_handle, type = excluded.type, data = excluded.data, label = excluded.label, sort_order = excluded.sort_order
    where (e.source_node_id, e.target_node_id, e.source_handle, e.target_handle, e.type, e.data, e.label, e.sort_order)
          is distinct from (excluded.source_node_id, excluded.target_node_id, excluded.source_handle, excluded.target_handle,
                            excluded.type, excluded.data, excluded.label, excluded.sort_order);

  -- One version bump (graphs_before_update sees studio.saving_graph), then back to normal.
  update studio.graphs gr set viewport = coalesce(nullif(document -> 'viewport', 'null'::jsonb), gr.viewport) where gr.id = g.id;
  perform set_config('studio.saving_graph', '', true);

  return (select to_jsonb(d) from studio.graph_documents d where d.id = g.id);
end;
$$;
comment on function studio.save_graph(uuid, jsonb, integer) is 'Saves a whole graph document {nodes, edges, viewport} from the editor in one transaction, if expected_version is still current: applies the difference, bumps the version, returns the saved document (graph_documents row). Errors: PT404 graph_not_found, PT409 version_conflict, 22023 invalid_document. Runs under the caller''s RLS.';

revoke all on function studio.save_graph(uuid, jsonb, integer) from public;
grant execute on function studio.save_graph(uuid, jsonb, integer) to authenticated, service_role;
