-- Search RPCs closer to their index queries (issue 19, task O): the sites search and the shared
-- primitives do less around the index scans, on every call and on the first call of a connection.
-- Same signatures, same rows as 20261202040000.
--
-- What a call paid above the raw index query (EXPLAIN ANALYZE of the nested statements, PostgreSQL 17):
--   * sites.search_embeddings (question + embedding): four statements before the search (the domain
--     lookup through to_jsonb(row), a 2,001-row size probe, set_config x2) and two after (restores);
--     the fused candidates (up to 2 x 4k) were joined to their passages and pages and each one's
--     6 KB vector detoasted to recompute a similarity the semantic branch had already computed,
--     before the top k were cut. Now: one statement finds the domain and its size, the planner
--     settings are SET clauses (a function's SET clause also restores what set_config changes
--     inside it), the fusion keeps each candidate's distance and cuts k ids first, and only those k
--     rows are joined (similarity recomputed only for a full-text-only hit among them).
--   * sites.search_embeddings (text only): without a full-text hit it computed word_similarity
--     against every passage of the domain (1.7 s p95 on 50,000 passages under load). Now the
--     trigram branch goes through a GIN trigram index (page_embeddings_chunk_text_trgm_idx) with
--     the operator it serves (query <% chunk_text, pg_trgm.word_similarity_threshold set in the
--     function): first at 0.6 (pg_trgm's default; when k passages pass it, they are the top k), else
--     at 0.3 (the old cut-off), at most 20 x k candidates ranked (bounded: a word found in thousands
--     of passages does not rank thousands).
--   * private.match_vectors / private.hybrid_search: enable_seqscan is a SET clause (was read,
--     set and restored by three extra statements per call).
-- First call in a new connection: every statement and relation a call touches the first time loads
-- catalog entries and executor memory into the new backend; fewer statements and fewer rows touched
-- is what the function can do about it (docs/embeddings.md, "First call in a new connection").

-- Trigram search of passages (the text-only search's fallback when no word matches in full text).
create index page_embeddings_chunk_text_trgm_idx on sites.page_embeddings using gin (chunk_text extensions.gin_trgm_ops);

create or replace function private.match_vectors(
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
set plan_cache_mode = 'force_custom_plan'
set jit = off
set enable_seqscan = off
as $$
begin
  return query execute format(
    'with ranked as materialized (
       select t.%1$I::text as id, t.%2$I operator(extensions.<=>) $1 as distance
       from %3$s t
       where t.%2$I is not null %4$s
       order by t.%2$I operator(extensions.<=>) $1
       limit $3)
     select r.id, 1 - r.distance from ranked r order by r.distance',
    id_column, vector_column, target,
    case when coalesce(filter, '{}'::jsonb) = '{}'::jsonb then '' else 'and to_jsonb(t) @> $2' end)
  using query_embedding, coalesce(filter, '{}'::jsonb), match_count;
end;
$$;
comment on function private.match_vectors(regclass, text, text, extensions.vector, integer, jsonb) is
  'Cosine top-k over target.vector_column (HNSW, iterative scan): ids and similarity (1 = identical). filter = jsonb the row must contain.';

create or replace function private.hybrid_search(
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
set plan_cache_mode = 'force_custom_plan'
set jit = off
set enable_seqscan = off
as $$
begin
  return query execute format(
    'with full_text as (
       select t.%1$I::text as id,
              row_number() over (order by ts_rank_cd(t.%2$I, websearch_to_tsquery($7, $1)) desc) as rank_ix
       from %4$s t
       where t.%2$I @@ websearch_to_tsquery($7, $1) %5$s
       order by rank_ix
       limit $3 * 2),
     semantic as (
       select s.id, row_number() over (order by s.distance) as rank_ix
       from (select t.%1$I::text as id, t.%3$I operator(extensions.<=>) $2 as distance
             from %4$s t
             where t.%3$I is not null %5$s
             order by t.%3$I operator(extensions.<=>) $2
             limit $3 * 2) s)
     select coalesce(f.id, s.id),
            coalesce(1.0 / ($5 + f.rank_ix), 0.0) * $8 + coalesce(1.0 / ($5 + s.rank_ix), 0.0) * $9,
            f.rank_ix, s.rank_ix
     from full_text f full outer join semantic s on f.id = s.id
     order by 2 desc, 1
     limit $3',
    id_column, fts_column, vector_column, target,
    case when coalesce(filter, '{}'::jsonb) = '{}'::jsonb then '' else 'and to_jsonb(t) @> $6' end)
  using query_text, query_embedding, match_count, null, rrf_k, coalesce(filter, '{}'::jsonb), text_config,
        full_text_weight, semantic_weight;
end;
$$;
comment on function private.hybrid_search(regclass, text, text, text, text, extensions.vector, integer, double precision, double precision, integer, jsonb, regconfig) is
  'Hybrid search (full-text + vector, reciprocal rank fusion) over target: ids with fused score and each rank.';

-- Sites: passages of one domain for a question with its embedding: HNSW similarity fused (RRF) with
-- the full-text rank (GIN), the domain as the filter of both.
create or replace function sites.search_embeddings(query text, query_embedding extensions.vector, domain text, k integer default 10)
returns table (id uuid, page_id uuid, url text, title text, chunk_text text, similarity double precision, score double precision, metadata jsonb)
language plpgsql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 100
set hnsw.max_scan_tuples = 100000
set plan_cache_mode = 'force_custom_plan'
set jit = off
set enable_seqscan = off
set enable_sort = on
as $$
#variable_conflict use_column
declare
  target uuid;
  large boolean;
  depth integer := greatest(coalesce(k, 10), 1) * 4;
begin
  -- One claim of the host: the caller's own (RLS), or for the service role the verified claim
  -- (sites.domains.verified_at), never several tenants' passages at once; and whether the domain
  -- holds more than 2,000 passages, in the same statement.
  select d.id, (select count(*) from (select 1 from sites.page_embeddings e where e.domain_id = d.id limit 2001) s) > 2000
    into target, large
  from sites.domains d where d.domain = lower(search_embeddings.domain)
  order by d.verified_at is null, d.created_at, d.id
  limit 1;
  if target is null then
    return;
  end if;
  -- A domain of more than 2,000 passages is ranked through the HNSW index (iterative scan within the
  -- domain); a smaller one exactly, from the domain's btree index (2,000 distances cost less than
  -- walking the graph past other domains' passages). The planner alone costs the HNSW scan above a
  -- sort of the whole domain, hence enable_sort off for the large case (restored on return: the
  -- function's SET clause).
  if large then
    perform set_config('enable_sort', 'off', true);
  end if;
  return query
    with semantic as materialized (
      select s.id, s.distance, row_number() over (order by s.distance) as rank
      from (
        select e.id, e.embedding operator(extensions.<=>) query_embedding as distance
        from sites.page_embeddings e
        where e.domain_id = target and e.embedding is not null
        order by e.embedding operator(extensions.<=>) query_embedding
        limit depth
      ) s
    ),
    lexical as materialized (
      select l.id, row_number() over (order by l.rank_cd desc) as rank
      from (
        select e.id, ts_rank_cd(e.fts, q) as rank_cd
        from sites.page_embeddings e, websearch_to_tsquery('english', query) q
        where e.domain_id = target and e.fts operator(pg_catalog.@@) q
        order by ts_rank_cd(e.fts, q) desc
        limit depth
      ) l
    ),
    top as materialized (
      select coalesce(s.id, l.id) as id, s.distance,
             coalesce(1.0 / (50 + s.rank), 0) + coalesce(1.0 / (50 + l.rank), 0) as score
      from semantic s full join lexical l on l.id = s.id
      order by 3 desc, 1
      limit k
    )
    select e.id, e.page_id, coalesce(e.metadata ->> 'url', p.url), coalesce(e.metadata ->> 'title', p.title), e.chunk_text,
           case when t.distance is not null then 1 - t.distance
                when e.embedding is null then null
                else 1 - (e.embedding operator(extensions.<=>) query_embedding) end,
           t.score::double precision, e.metadata
    from top t
    join sites.page_embeddings e on e.id = t.id
    join sites.scraped_pages p on p.id = e.page_id
    order by t.score desc, e.id;
end;
$$;
comment on function sites.search_embeddings(text, extensions.vector, text, integer) is 'Top-k passages of one domain for a question: HNSW similarity to query_embedding fused (RRF) with full-text rank of query.';

-- Sites, text only (seed 003's signature): the best full-text hit's own embedding stands in for the
-- query's (pseudo-relevance feedback) and the vector overload above ranks; without any full-text
-- hit, trigram word similarity within the domain through the GIN trigram index.
create or replace function sites.search_embeddings(query text, domain text, k integer default 10)
returns table (id uuid, page_id uuid, url text, title text, chunk_text text, similarity double precision, score double precision, metadata jsonb)
language plpgsql
stable
set search_path = ''
set plan_cache_mode = 'force_custom_plan'
set jit = off
set enable_seqscan = off
set pg_trgm.word_similarity_threshold = 0.6
as $$
#variable_conflict use_column
declare
  target uuid;
  anchor extensions.vector;
  n integer := greatest(coalesce(k, 10), 1);
begin
  -- One claim of the host: the caller's own (RLS), or for the service role the verified claim.
  select d.id into target from sites.domains d where d.domain = lower(search_embeddings.domain)
  order by d.verified_at is null, d.created_at, d.id
  limit 1;
  if target is null then
    return;
  end if;
  select e.embedding into anchor
  from sites.page_embeddings e, websearch_to_tsquery('english', query) q
  where e.domain_id = target and e.fts operator(pg_catalog.@@) q and e.embedding is not null
  order by ts_rank_cd(e.fts, q) desc
  limit 1;
  if anchor is not null then
    return query select * from sites.search_embeddings(query, anchor, domain, k);
    return;
  end if;
  -- No full-text hit with an embedding: passages with a word like the query's (word_similarity), from
  -- the trigram index. At 0.6 first: if k passages reach it, they are the top k; else down to 0.3.
  -- The trigram condition alone reads the index (offset 0 keeps the domain out of that scan: given
  -- both, the planner would walk the domain's btree and compute word_similarity for each passage).
  if (select count(*) from (
        select 1 from (select e.domain_id from sites.page_embeddings e where query operator(extensions.<%) e.chunk_text offset 0) c
        where c.domain_id = target limit n) s) < n then
    perform set_config('pg_trgm.word_similarity_threshold', '0.3', true);
  end if;
  return query
    with hits as materialized (
      select c.id, c.page_id, c.chunk_text, c.metadata, extensions.word_similarity(query, c.chunk_text) as similarity
      from (select e.id, e.domain_id, e.page_id, e.chunk_text, e.metadata
            from sites.page_embeddings e where query operator(extensions.<%) e.chunk_text offset 0) c
      where c.domain_id = target
      limit n * 20
    )
    select h.id, h.page_id, coalesce(h.metadata ->> 'url', p.url), coalesce(h.metadata ->> 'title', p.title), h.chunk_text,
           null::double precision, h.similarity::double precision, h.metadata
    from hits h
    join sites.scraped_pages p on p.id = h.page_id
    where h.similarity > 0.3
    order by h.similarity desc, h.id
    limit k;
end;
$$;
comment on function sites.search_embeddings(text, text, integer) is 'Top-k passages of one domain for a text query (seed 003''s signature): full-text rank fused with vector similarity to the best full-text hit; without a full-text hit, trigram word similarity (GIN trigram index).';
