-- Sites: retrieval over crawled passages and stale-content detection, callable as seed 003 shows
-- (`select * from search_embeddings('query text', 'domain.com', 10)`; public wrappers make the
-- unqualified calls work) and through PostgREST in schema sites. Both run as the caller: an owner
-- searches only their domains; the chat function (service role) names the domain it serves.

-- Hybrid search with the query's embedding (the chat function supplies it): reciprocal rank fusion of
-- HNSW similarity and full-text rank within one domain.
create function sites.search_embeddings(query text, query_embedding extensions.vector, domain text, k integer default 10)
returns table (id uuid, page_id uuid, url text, title text, chunk_text text, similarity double precision, score double precision, metadata jsonb)
language sql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
as $$
  with target as (
    select d.id from sites.domains d where d.domain = lower(search_embeddings.domain)
  ),
  semantic as (
    select s.id, row_number() over (order by s.distance) as rank
    from (
      select e.id, e.embedding operator(extensions.<=>) query_embedding as distance
      from sites.page_embeddings e
      where e.domain_id = (select id from target) and e.embedding is not null
      order by e.embedding operator(extensions.<=>) query_embedding
      limit greatest(k, 1) * 4
    ) s
  ),
  lexical as (
    select l.id, row_number() over (order by l.rank_cd desc) as rank
    from (
      select e.id, ts_rank_cd(e.fts, q) as rank_cd
      from sites.page_embeddings e, websearch_to_tsquery('english', query) q
      where e.domain_id = (select id from target) and e.fts operator(pg_catalog.@@) q
      order by ts_rank_cd(e.fts, q) desc
      limit greatest(k, 1) * 4
    ) l
  ),
  fused as (
    select coalesce(s.id, l.id) as id,
           coalesce(1.0 / (50 + s.rank), 0) + coalesce(1.0 / (50 + l.rank), 0) as score
    from semantic s full join lexical l on l.id = s.id
  )
  select e.id, e.page_id, coalesce(e.metadata ->> 'url', p.url), coalesce(e.metadata ->> 'title', p.title), e.chunk_text,
         case when e.embedding is null then null else 1 - (e.embedding operator(extensions.<=>) query_embedding) end,
         f.score, e.metadata
  from fused f
  join sites.page_embeddings e on e.id = f.id
  join sites.scraped_pages p on p.id = e.page_id
  order by f.score desc, e.id
  limit k;
$$;
comment on function sites.search_embeddings(text, extensions.vector, text, integer) is 'Top-k passages of one domain for a question: HNSW similarity to query_embedding fused (RRF) with full-text rank of query.';

-- Text only (as the seed calls it): full-text rank fused with vector similarity to the best
-- full-text hit's own embedding (pseudo-relevance feedback), so passages that say the same thing in
-- other words still rank. Without any full-text hit it falls back to trigram similarity.
create function sites.search_embeddings(query text, domain text, k integer default 10)
returns table (id uuid, page_id uuid, url text, title text, chunk_text text, similarity double precision, score double precision, metadata jsonb)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  anchor extensions.vector;
begin
  select e.embedding into anchor
  from sites.page_embeddings e
  join sites.domains d on d.id = e.domain_id and d.domain = lower(search_embeddings.domain)
  where e.fts operator(pg_catalog.@@) websearch_to_tsquery('english', query) and e.embedding is not null
  order by ts_rank_cd(e.fts, websearch_to_tsquery('english', query)) desc
  limit 1;
  if anchor is not null then
    return query select * from sites.search_embeddings(query, anchor, domain, k);
    return;
  end if;
  return query
    select e.id, e.page_id, coalesce(e.metadata ->> 'url', p.url), coalesce(e.metadata ->> 'title', p.title), e.chunk_text,
           null::double precision, extensions.word_similarity(query, e.chunk_text)::double precision, e.metadata
    from sites.page_embeddings e
    join sites.domains d on d.id = e.domain_id and d.domain = lower(search_embeddings.domain)
    join sites.scraped_pages p on p.id = e.page_id
    where extensions.word_similarity(query, e.chunk_text) > 0.3
    order by 7 desc, e.id
    limit k;
end;
$$;
comment on function sites.search_embeddings(text, text, integer) is 'Top-k passages of one domain for a text query (seed 003''s signature): full-text rank fused with vector similarity to the best full-text hit.';

create function sites.get_stale_content(domain text, max_age interval)
returns table (id uuid, url text, title text, content_hash text, scraped_at timestamptz, age interval)
language sql
stable
set search_path = ''
as $$
  select c.id, c.url, c.title, c.content_hash, c.scraped_at, now() - c.scraped_at
  from sites.website_content c
  join sites.domains d on d.id = c.domain_id and d.domain = lower(get_stale_content.domain)
  where c.scraped_at is null or c.scraped_at < now() - max_age
  order by c.scraped_at nulls first, c.url;
$$;
comment on function sites.get_stale_content(text, interval) is 'Content of a domain not refreshed within max_age (oldest first).';

-- The seed's unqualified calls.
create function public.search_embeddings(query text, domain text, k integer default 10)
returns table (id uuid, page_id uuid, url text, title text, chunk_text text, similarity double precision, score double precision, metadata jsonb)
language sql
stable
set search_path = ''
as $$ select * from sites.search_embeddings(query, domain, k); $$;
comment on function public.search_embeddings(text, text, integer) is 'sites.search_embeddings under the name seed 003 uses.';

create function public.get_stale_content(domain text, max_age interval)
returns table (id uuid, url text, title text, content_hash text, scraped_at timestamptz, age interval)
language sql
stable
set search_path = ''
as $$ select * from sites.get_stale_content(domain, max_age); $$;
comment on function public.get_stale_content(text, interval) is 'sites.get_stale_content under the name seed 003 uses.';

revoke all on function sites.search_embeddings(text, extensions.vector, text, integer) from public;
revoke all on function sites.search_embeddings(text, text, integer) from public;
revoke all on function sites.get_stale_content(text, interval) from public;
revoke all on function public.search_embeddings(text, text, integer) from public;
revoke all on function public.get_stale_content(text, interval) from public;
grant execute on function sites.search_embeddings(text, extensions.vector, text, integer), sites.search_embeddings(text, text, integer),
  sites.get_stale_content(text, interval), public.search_embeddings(text, text, integer), public.get_stale_content(text, interval)
  to authenticated, service_role;
