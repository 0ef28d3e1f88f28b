-- Chat retrieval by relevance (issue 17 point 6). FAQ and product extractions were matched by any
-- keyword (LIKE) and sorted by recency, the owner's Q&A by an unranked full-text/trigram filter:
-- "What is item 23?" cited the FAQs of the newest items. Now both are searched like the crawled
-- passages: full-text rank and vector similarity fused by reciprocal rank fusion, over one
-- candidate set, so the best match of either kind comes first.

-- The searchable text of FAQ and product extractions (other types are not searched, so not embedded).
alter table sites.structured_extractions
  add column search_text text generated always as (case when extract_type in ('faq', 'product') then extracted_data::text end) stored,
  add column fts tsvector generated always as (to_tsvector('english', coalesce(case when extract_type in ('faq', 'product') then extracted_data::text end, ''))) stored,
  add column embedding extensions.vector(1536);
comment on column sites.structured_extractions.search_text is 'FAQ and product extractions: the text chat retrieval searches and embeds (null for other types).';
comment on column sites.structured_extractions.embedding is 'Embedding of search_text, kept by the shared pipeline (embed function).';
create index structured_extractions_fts_idx on sites.structured_extractions using gin (fts);

-- The owner's Q&A: question and answer together.
alter table sites.training_data
  add column search_text text generated always as (case when type = 'qa' then input_text || E'\n' || output_text end) stored,
  add column fts tsvector generated always as (to_tsvector('english', coalesce(case when type = 'qa' then input_text || E'\n' || output_text end, ''))) stored,
  add column embedding extensions.vector(1536);
comment on column sites.training_data.search_text is 'Q&A rows: question and answer, the text chat retrieval searches and embeds (null for other types).';
comment on column sites.training_data.embedding is 'Embedding of search_text, kept by the shared pipeline (embed function).';
create index training_data_fts_idx on sites.training_data using gin (fts);

select private.register_embedding('sites.structured_extractions', 'id', 'search_text', 'embedding');
select private.register_embedding('sites.training_data', 'id', 'search_text', 'embedding');

-- Top-k knowledge of one domain for a question: approved Q&A, and FAQ / product extractions of the
-- last 30 days. Full text matches any of the question's words (ranked by ts_rank_cd, so more and
-- closer matches rank higher); vector rank is cosine distance to query_embedding; the two ranks
-- are fused (RRF, k = 50) over the candidates of both tables together.
create function sites.search_knowledge(query text, query_embedding extensions.vector, target_domain uuid, k integer default 3)
returns table (kind text, id uuid, url text, title text, content text, data jsonb, score double precision)
language sql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
as $$
  with q as (
    select nullif(replace(plainto_tsquery('english', query)::text, ' & ', ' | '), '')::tsquery as any_word
  ),
  docs as (
    select x.extract_type::text as kind, x.id, x.url, x.fts, x.embedding
    from sites.structured_extractions x
    where x.domain_id = target_domain and x.extract_type in ('faq', 'product')
      and coalesce(x.extracted_at, x.created_at) > now() - interval '30 days'
    union all
    select 'qa', t.id, null, t.fts, t.embedding
    from sites.training_data t
    where t.domain_id = target_domain and t.status = 'approved' and t.type = 'qa'
  ),
  semantic as (
    select s.id, row_number() over (order by s.distance, s.id) as rank
    from (
      select d.id, d.embedding operator(extensions.<=>) query_embedding as distance
      from docs d
      where d.embedding is not null
      order by d.embedding operator(extensions.<=>) query_embedding
      limit greatest(k, 1) * 10
    ) s
  ),
  lexical as (
    select l.id, row_number() over (order by l.rank_cd desc, l.id) as rank
    from (
      select d.id, ts_rank_cd(d.fts, q.any_word) as rank_cd
      from docs d, q
      where d.fts operator(pg_catalog.@@) q.any_word
      order by ts_rank_cd(d.fts, q.any_word) desc
      limit greatest(k, 1) * 10
    ) l
  ),
  fused as (
    select coalesce(s.id, l.id) as id, coalesce(1.0 / (50 + s.rank), 0) + coalesce(1.0 / (50 + l.rank), 0) as score
    from semantic s full join lexical l on l.id = s.id
  )
  select d.kind, d.id, d.url,
         case when d.kind = 'qa' then t.input_text else coalesce(x.extracted_data ->> 'name', d.kind) end,
         case when d.kind = 'qa' then t.output_text else x.extracted_data::text end,
         x.extracted_data,
         f.score::double precision
  from fused f
  join docs d on d.id = f.id
  left join sites.structured_extractions x on x.id = f.id and d.kind <> 'qa'
  left join sites.training_data t on t.id = f.id and d.kind = 'qa'
  order by f.score desc, d.id
  limit k;
$$;
comment on function sites.search_knowledge(text, extensions.vector, uuid, integer) is 'Top-k approved Q&A and recent FAQ/product extractions of one domain for a question: full-text rank (any word) fused (RRF) with vector similarity to query_embedding. kind = qa | faq | product; title = the Q&A question or the product name; content = the answer or the extraction as JSON. Service role.';
revoke all on function sites.search_knowledge(text, extensions.vector, uuid, integer) from public;
grant execute on function sites.search_knowledge(text, extensions.vector, uuid, integer) to service_role;
