-- Package search that finds what people type (issue 18 point 2) and stays at index speed (issue 19).
--
-- cloud.search_packages keeps its signature and columns. Its full-text ranker changes:
--   * the query is split into words (stop words dropped); each word matches itself as a prefix
--     ('postg' -> postgresql), and its synonyms from private.search_synonyms (postgres = postgresql
--     = pg, k8s = kubernetes, ...): one OR group per word, the groups ANDed;
--   * when that finds fewer than match_count packages, a relaxed pass: a misspelt word also matches
--     the nearest words of the package names and keywords (private.package_search_words, trigram
--     GIN index: "postgress" -> postgresql, "promethus" -> prometheus), and a package matching only
--     some of the words is kept, ranked by how many it matches;
--   * ranking: words matched, then the package name (the name is the query, or for one word one of
--     its synonyms / corrections; then how many words the name or publisher matches; then the
--     name's trigram similarity to the query), then ts_rank_cd over search_tsv (name A, keywords
--     and description B, README D), then stars;
--   * with a query embedding the full-text ranking is fused (RRF) with the three HNSW rankers as
--     before, a partial match weighted by the share of words it matches, an exact name counted
--     twice (as a ranker of its own); without one (a supabase-js client), the full-text ranking is
--     the answer;
--   * planner settings are SET clauses only (restored on return; no set_config statements around
--     the query): enable_seqscan and enable_sort off (the rankers' filters have btree indexes the
--     planner would read and sort instead of walking each HNSW index), hnsw.ef_search 40 (each
--     ranker keeps 2 x match_count rows; the iterative scan goes on past 40 when filters need it).
-- Synonyms are a table an operator edits with SQL; nothing needs a dictionary file (hosted Supabase
-- cannot load one).

-- Synonyms -----------------------------------------------------------------------------------------

create table private.search_synonyms (
  term text primary key check (term ~ '^[a-z0-9]+$'),
  synonyms text[] not null check (cardinality(synonyms) > 0 and array_position(synonyms, null) is null),
  created_at timestamptz not null default now()
);
comment on table private.search_synonyms is
  'Search synonyms: a query word equal to term, or to any of synonyms, also matches term and every synonym (symmetric). term is one lower-case word; a synonym may be several words (matched as a phrase, e.g. ''cert manager''). Read by cloud.search_packages.';

insert into private.search_synonyms (term, synonyms) values
  ('postgres', '{postgresql,pg,psql}'),
  ('k8s', '{kubernetes}'),
  ('mongo', '{mongodb}'),
  ('es', '{elasticsearch,opensearch}'),
  ('elastic', '{elasticsearch}'),
  ('mysql', '{mariadb}'),
  ('redis', '{valkey,keydb}'),
  ('kafka', '{strimzi}'),
  ('prom', '{prometheus}'),
  ('grafana', '{dashboards}'),
  ('otel', '{opentelemetry}'),
  ('nginx', '{ingress nginx}'),
  ('ingress', '{ingress controller}'),
  ('certs', '{certificates,cert manager,letsencrypt}'),
  ('tls', '{ssl,certificates}'),
  ('s3', '{object storage,minio}'),
  ('ml', '{machine learning,mlops}'),
  ('llm', '{large language model}'),
  ('ai', '{machine learning,llm}'),
  ('cd', '{continuous delivery,gitops}'),
  ('ci', '{continuous integration}'),
  ('mq', '{message broker,messaging,queue}'),
  ('sso', '{single sign on,oidc,identity}'),
  ('db', '{database}'),
  ('k3s', '{kubernetes}')
on conflict (term) do nothing;

-- Vocabulary for spelling: the words of package names and keywords --------------------------------

create table private.package_search_words (
  word text primary key
);
comment on table private.package_search_words is
  'Words of cloud.bitnami_packages names and keywords (lower case, 3+ characters), kept by triggers on the packages; the trigram index finds the nearest words to a misspelt query word. Words of deleted packages stay (harmless: they match nothing).';
create index package_search_words_trgm_idx on private.package_search_words using gin (word extensions.gin_trgm_ops);

create function private.package_words(name text, keywords jsonb)
returns setof text
language sql
immutable
set search_path = ''
as $$
  select distinct w
  from regexp_split_to_table(lower(coalesce(name, '') || ' ' ||
         coalesce((select string_agg(k, ' ') from jsonb_array_elements_text(case when jsonb_typeof(keywords) = 'array' then keywords else '[]'::jsonb end) k), '')),
       '[^[:alnum:]]+') w
  where length(w) >= 3
$$;
comment on function private.package_words(text, jsonb) is 'The words of a package name and keywords that go into private.package_search_words.';

create function private.add_package_search_words()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.package_search_words (word)
  select distinct w from changed_packages p, private.package_words(p.name, p.keywords) w
  on conflict (word) do nothing;
  return null;
end;
$$;
comment on function private.add_package_search_words() is 'Statement trigger on cloud.bitnami_packages: adds the words of inserted / updated names and keywords to the search vocabulary.';

create trigger bitnami_packages_search_words_insert after insert on cloud.bitnami_packages
  referencing new table as changed_packages for each statement execute function private.add_package_search_words();
create trigger bitnami_packages_search_words_update after update on cloud.bitnami_packages
  referencing new table as changed_packages for each statement execute function private.add_package_search_words();

insert into private.package_search_words (word)
select distinct w from cloud.bitnami_packages p, private.package_words(p.name, p.keywords) w
on conflict (word) do nothing;

-- The query: word groups ---------------------------------------------------------------------------

-- One row per searchable word of query_text (in order): the alternatives it stands for (itself,
-- its synonyms and, with corrections, the nearest vocabulary words) and their tsquery (prefix per
-- single word, phrase per multi-word synonym). SECURITY DEFINER: reads the private synonym and
-- vocabulary tables for any caller, and nothing else.
create function private.package_query_groups(query_text text, corrections boolean default false)
returns table (word text, alternatives text[], query tsquery)
language sql
stable
security definer
set search_path = ''
as $$
  with words as (
    select t.w as word, min(t.n) as n
    from regexp_split_to_table(lower(left(coalesce(query_text, ''), 500)), '[^[:alnum:]]+') with ordinality t(w, n)
    where t.w <> '' and to_tsvector('english', t.w) <> ''::tsvector
    group by t.w
    order by min(t.n)
    limit 16
  ),
  expanded as (
    select w.word, w.n,
           array(
             select distinct a from (
               select w.word as a
               union all
               select x from private.search_synonyms s, unnest(array[s.term] || s.synonyms) x
               where s.term = w.word or w.word = any(s.synonyms)
               union all
               select c.word from (
                 select v.word from private.package_search_words v
                 where corrections and length(w.word) >= 4
                   and not exists (select 1 from private.package_search_words e where e.word = w.word)
                   and v.word operator(extensions.%) w.word
                   and extensions.similarity(v.word, w.word) >= 0.45
                 order by extensions.similarity(v.word, w.word) desc, v.word
                 limit 3) c
             ) alts(a)
             order by a) as alternatives
    from words w
  )
  select e.word, e.alternatives,
         (select string_agg('(' || q::text || ')', ' | ')::tsquery
          from (select case when a ~ '[^[:alnum:]]' then phraseto_tsquery('english', a)
                            else to_tsquery('english', a || ':*') end as q
                from unnest(e.alternatives) a
                where to_tsvector('english', a) <> ''::tsvector) x
          where numnode(x.q) > 0)
  from expanded e
  order by e.n
$$;
comment on function private.package_query_groups(text, boolean) is
  'The searchable words of a package query, each with its alternatives (synonyms; with corrections, the nearest package-name / keyword words by trigram similarity) and their OR tsquery.';

-- The search ---------------------------------------------------------------------------------------

create or replace function cloud.search_packages(
  query_text text default null,
  query_embedding extensions.vector(1536) default null,
  match_count integer default 10,
  category_filter integer default null,
  operator_only boolean default false,
  official_only boolean default false,
  cncf_only boolean default false,
  verified_publisher_only boolean default false,
  exclude_deprecated boolean default true,
  full_text_weight double precision default 1,
  semantic_weight double precision default 1,
  rrf_k integer default 50
)
returns table (
  package_id uuid,
  name text,
  description text,
  version text,
  category integer,
  is_operator boolean,
  official boolean,
  cncf boolean,
  repository_verified_publisher boolean,
  deprecated boolean,
  stars integer,
  score double precision
)
language plpgsql
stable
set search_path = ''
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 40
set hnsw.max_scan_tuples = 100000
set plan_cache_mode = 'force_custom_plan'
set jit = off
set enable_seqscan = off
set enable_sort = off
as $$
#variable_conflict use_column
declare
  k integer := greatest(coalesce(match_count, 10), 0);
  has_text boolean := coalesce(btrim(query_text), '') <> '';
  word_queries tsquery[];
  query_words text[];
  exact_names text[];
  text_query tsquery;
  word_count integer := 0;
  found_strict integer;
begin
  if not has_text and query_embedding is null then
    return query
      select p.package_id, p.name, p.description, p.version, p.category, p.is_operator, p.official, p.cncf,
             p.repository_verified_publisher, p.deprecated, p.stars, 0::double precision
      from cloud.bitnami_packages p
      where (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
        and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
        and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
      order by p.stars desc, p.name
      limit k;
    return;
  end if;

  if has_text then
    -- Strict: every word (or one of its synonyms, as a prefix).
    select array_agg(g.query order by g.ord), count(*), array_agg(g.word order by g.ord)
      into word_queries, word_count, query_words
    from (select q.word, q.query, row_number() over () as ord from private.package_query_groups(query_text, false) q
          where q.query is not null) g;
    if word_count > 0 then
      select string_agg('(' || g::text || ')', ' & ')::tsquery into text_query from unnest(word_queries) g;
      select count(*) into found_strict from (
        select 1 from cloud.bitnami_packages p
        where p.search_tsv @@ text_query
          and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
          and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
          and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
        limit k) s;
      if found_strict < k then
        -- Relaxed: spelling corrections, and packages matching some of the words.
        select array_agg(g.query order by g.ord), count(*)
          into word_queries, word_count
        from (select q.query, row_number() over () as ord from private.package_query_groups(query_text, true) q
              where q.query is not null) g;
        select string_agg('(' || g::text || ')', ' | ')::tsquery into text_query from unnest(word_queries) g;
      end if;
      -- An exact package name: the query's words joined by '-' ("cert manager"), or, for one word,
      -- any of its alternatives ("postgres" -> postgresql).
      select array_agg(distinct a) into exact_names from (
        select array_to_string(query_words, '-') as a
        union all
        select x from private.package_query_groups(query_text, found_strict < k) q, unnest(q.alternatives) x
        where word_count = 1) n;
    end if;
  end if;

  return query
    with full_text as (
      select t.package_id, t.matched, t.exact,
             row_number() over (order by t.matched desc, t.exact desc, t.in_name desc, t.name_similarity desc, t.rank desc, t.stars desc, t.name) as rank_ix
      from (
        select p.package_id, p.stars, p.name,
               (select count(*) from unnest(word_queries) g where p.search_tsv @@ g) as matched,
               lower(p.name) = any(exact_names) as exact,
               (select count(*) from unnest(word_queries) g where ts_filter(p.search_tsv, '{a}') @@ g) as in_name,
               extensions.similarity(lower(p.name), array_to_string(query_words, ' ')) as name_similarity,
               ts_rank_cd(p.search_tsv, text_query, 32) as rank
        from cloud.bitnami_packages p
        where text_query is not null and p.search_tsv @@ text_query
          and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
          and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
          and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
      ) t
      order by rank_ix limit k * 2
    ),
    by_description as (
      select x.package_id, row_number() over (order by x.d) as rank_ix from (
        select p.package_id, p.description_embedding operator(extensions.<=>) query_embedding as d from cloud.bitnami_packages p
        where query_embedding is not null and p.description_embedding is not null
          and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
          and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
          and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
        order by p.description_embedding operator(extensions.<=>) query_embedding limit k * 2) x
    ),
    by_readme as (
      select x.package_id, row_number() over (order by x.d) as rank_ix from (
        select p.package_id, p.readme_embedding operator(extensions.<=>) query_embedding as d from cloud.bitnami_packages p
        where query_embedding is not null and p.readme_embedding is not null
          and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
          and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
          and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
        order by p.readme_embedding operator(extensions.<=>) query_embedding limit k * 2) x
    ),
    by_keywords as (
      select x.package_id, row_number() over (order by x.d) as rank_ix from (
        select p.package_id, p.keywords_embedding operator(extensions.<=>) query_embedding as d from cloud.bitnami_packages p
        where query_embedding is not null and p.keywords_embedding is not null
          and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
          and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
          and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
        order by p.keywords_embedding operator(extensions.<=>) query_embedding limit k * 2) x
    ),
    fused as (
      select r.package_id, sum(r.w / (rrf_k + r.rank_ix)) as score, min(r.text_rank) as text_rank from (
        select f.package_id, f.rank_ix, full_text_weight * f.matched / greatest(word_count, 1) as w, f.rank_ix as text_rank from full_text f
        union all select f.package_id, f.rank_ix, full_text_weight, f.rank_ix from full_text f where f.exact
        union all select d.package_id, d.rank_ix, semantic_weight / 3, null from by_description d
        union all select d.package_id, d.rank_ix, semantic_weight / 3, null from by_readme d
        union all select d.package_id, d.rank_ix, semantic_weight / 3, null from by_keywords d
      ) r group by r.package_id
    )
    select p.package_id, p.name, p.description, p.version, p.category, p.is_operator, p.official, p.cncf,
           p.repository_verified_publisher, p.deprecated, p.stars, f.score::double precision
    from fused f join cloud.bitnami_packages p on p.package_id = f.package_id
    order by f.score desc, f.text_rank nulls last, p.stars desc, p.name
    limit k;
end;
$$;
comment on function cloud.search_packages is 'Package search: full text with prefixes, synonyms (private.search_synonyms) and a trigram spelling fallback, name and keyword boosts; fused (RRF) with the description/README/keywords embeddings when query_embedding is given, ranked by the full text alone when not. Category, operator, official, CNCF, verified-publisher and deprecation filters; ties by stars.';

revoke all on private.search_synonyms, private.package_search_words from public, anon, authenticated;
grant select on private.search_synonyms, private.package_search_words to service_role;
revoke all on function private.package_words(text, jsonb) from public;
revoke all on function private.add_package_search_words() from public;
revoke all on function private.package_query_groups(text, boolean) from public;
grant execute on function private.package_query_groups(text, boolean) to anon, authenticated, service_role;
revoke all on function cloud.search_packages from public;
grant execute on function cloud.search_packages to anon, authenticated, service_role;
