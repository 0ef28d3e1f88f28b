-- cloud.search_packages: the name boosts computed once per distinct package name, not per row
-- (issue 19). Same signature, columns and ranking as 20261203030100, except that "words in the
-- name" now looks at the package name only (it also counted the publisher's display name).
--   * At full volume a word such as "redis" matches ~670 packages that share a handful of names;
--     the exact-name test, the words-in-the-name test and the trigram similarity of the name were
--     evaluated for every one of them (ts_filter allocated a tsvector per row). Now the matching
--     rows carry only their full-text rank (and, in the relaxed pass, the words they match), and
--     the name tests run once per distinct name, as regular expressions built once per call by
--     private.package_search_query (each word and its alternatives at the start of a word of the name).
--   * the full-text ranker keeps its top 2 x match_count with a bounded (top-N) sort and numbers
--     only those (the window function sorted every matching row);
--   * the helpers that build a word's tsquery and name pattern are plpgsql (their plans are kept per
--     connection; SQL functions with a FROM clause were planned again on each of their calls);
--   * private.package_search_query gets SET jit = off: its statements carry the planner's disable
--     cost (enable_seqscan off) and were JIT-compiled when it was called outside cloud.search_packages
--     (300-1,000 ms per statement).

drop function if exists private.package_search_query(text);

-- The tsquery of a word's alternatives, as 20261203030100 defined it, in plpgsql: a SQL function
-- with a FROM clause is not inlined and, on PostgreSQL 17, planned again on every call (four calls
-- per query word); plpgsql keeps the plan for the connection.
create or replace function private.package_alternatives_query(alternatives text[])
returns tsquery
language plpgsql
immutable
set search_path = ''
as $$
begin
  return (
    select string_agg('(' || q::text || ')', ' | ')::tsquery
    from (
      select case
               when a ~ '[^[:alnum:]]' then phraseto_tsquery('english', a)
               when length(a) >= 3 and a ~ '[[:alpha:]]' and cardinality(array(select unnest(to_tsvector('english', a)))) = 1
                 then (quote_literal((select l.lexeme from unnest(to_tsvector('english', a)) l limit 1)) || ':*')::tsquery
               else plainto_tsquery('english', a)
             end as q
      from unnest(alternatives) a
      where to_tsvector('english', a) <> ''::tsvector
    ) x
    where numnode(x.q) > 0);
end;
$$;

-- A regular expression matching a package name that has one of the alternatives at the start of
-- one of its words ("postgres" in postgresql, "pg" in cloudnative-pg); several words of an
-- alternative may be joined by any separator ("cert manager" in cert-manager).
create function private.package_alternatives_pattern(alternatives text[])
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  return (select '(^|[^[:alnum:]])(' || string_agg(
            replace(regexp_replace(lower(a), '([^[:alnum:] ])', '\\\1', 'g'), ' ', '[^[:alnum:]]*'), '|') || ')'
          from unnest(alternatives) a
          where btrim(a) <> '');
end;
$$;
comment on function private.package_alternatives_pattern(text[]) is 'Regular expression: a package name with one of the alternatives at the start of one of its words.';

-- Everything a package search needs from its query text, in one call. SECURITY DEFINER: reads the
-- private synonym and vocabulary tables for any caller, nothing else. The vocabulary lookups are
-- bitmap scans (primary key for a word, GIN trigram index for the nearest words): with index and
-- sequential scans open, the planner walks the whole primary key and filters every word by
-- similarity, which grows with the vocabulary (one word per distinct package-name / keyword word).
-- The synonyms table is small and read whole.
create function private.package_search_query(query_text text)
returns table (
  word_count integer,
  phrase text,
  strict_all tsquery,
  strict_any tsquery,
  strict_names text[],
  relaxed_min tsquery,
  relaxed_all tsquery,
  relaxed_any tsquery,
  relaxed_groups tsquery[],
  relaxed_names text[],
  strict_all_pattern text,
  strict_any_pattern text,
  relaxed_all_pattern text,
  relaxed_any_pattern text
)
language plpgsql
stable
security definer
set search_path = ''
set enable_sort = on
set enable_seqscan = off
set enable_indexscan = off
set enable_indexonlyscan = off
set jit = off
as $$
declare
  words text[];
  w text;
  alternatives text[];
  corrections text[];
  strict_groups tsquery[] := '{}';
  groups tsquery[] := '{}';
  strict_patterns text[] := '{}';
  patterns text[] := '{}';
  n integer;
  m integer;
begin
  select array_agg(x.w order by x.n) into words from (
    select t.w, min(t.n) as n
    from regexp_split_to_table(lower(left(coalesce(query_text, ''), 500)), '[^[:alnum:]]+') with ordinality t(w, n)
    where t.w <> '' and to_tsvector('english', t.w) <> ''::tsvector
    group by t.w
    order by min(t.n)
    limit 16) x;
  word_count := coalesce(cardinality(words), 0);
  if word_count = 0 then
    return next;
    return;
  end if;
  phrase := array_to_string(words, ' ');
  strict_names := array[array_to_string(words, '-')];
  relaxed_names := strict_names;
  foreach w in array words loop
    select array_agg(distinct a order by a) into alternatives from (
      select w as a
      union all
      select x from private.search_synonyms s, unnest(array[s.term] || s.synonyms) x
      where s.term = w or w = any(s.synonyms)) y;
    -- Spelling: the nearest words of package names and keywords, for a word of 4+ characters that
    -- is not one of them.
    corrections := '{}';
    if length(w) >= 4 and not exists (select 1 from private.package_search_words e where e.word = w) then
      -- (offset 0: the candidates come from the trigram index, not from walking the primary key in
      -- word order to the limit)
      select coalesce(array_agg(c.word order by c.s desc, c.word), '{}') into corrections from (
        select v.word, v.s from (
          select v.word, extensions.similarity(v.word, w) as s from private.package_search_words v
          where v.word operator(extensions.%) w
          offset 0) v
        where v.s >= 0.45
        order by v.s desc, v.word
        limit 3) c;
    end if;
    strict_groups := strict_groups || private.package_alternatives_query(alternatives);
    groups := groups || private.package_alternatives_query(alternatives || corrections);
    strict_patterns := strict_patterns || private.package_alternatives_pattern(alternatives);
    patterns := patterns || private.package_alternatives_pattern(alternatives || corrections);
    if word_count = 1 then
      strict_names := strict_names || alternatives;
      relaxed_names := relaxed_names || alternatives || corrections;
    end if;
  end loop;
  strict_all := (select string_agg('(' || g::text || ')', ' & ') from unnest(strict_groups) g)::tsquery;
  strict_any := (select string_agg('(' || g::text || ')', ' | ') from unnest(strict_groups) g)::tsquery;
  relaxed_all := (select string_agg('(' || g::text || ')', ' & ') from unnest(groups) g)::tsquery;
  relaxed_any := (select string_agg('(' || g::text || ')', ' | ') from unnest(groups) g)::tsquery;
  relaxed_groups := groups;
  strict_all_pattern := '^' || (select string_agg('(?=.*' || x || ')', '') from unnest(strict_patterns) x);
  strict_any_pattern := (select string_agg(x, '|') from unnest(strict_patterns) x);
  relaxed_all_pattern := '^' || (select string_agg('(?=.*' || x || ')', '') from unnest(patterns) x);
  relaxed_any_pattern := (select string_agg(x, '|') from unnest(patterns) x);
  -- At least m of the n words: the OR of every m-word AND (at most 70 of them; beyond, n - 1 of n).
  n := cardinality(groups);
  m := (n + 1) / 2;
  if n > 8 then
    m := n - 1;
  end if;
  with recursive combos(last, members) as (
    select i, array[i] from generate_series(1, n) i
    union all
    select i, c.members || i from combos c, generate_series(c.last + 1, n) i where cardinality(c.members) < m
  )
  select string_agg('(' || (select string_agg('(' || groups[x]::text || ')', ' & ') from unnest(c.members) x) || ')', ' | ')::tsquery
    into relaxed_min
  from combos c where cardinality(c.members) = m;
  return next;
end;
$$;
comment on function private.package_search_query(text) is
  'A package query analysed: its words (stop words dropped), each with its synonyms (private.search_synonyms) and, for the relaxed pass, its nearest package-name / keyword words (trigram); the strict (all words) and relaxed (at least half of the words) tsqueries, and the exact package names it stands for.';

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
  q record;
  relaxed boolean := false;
  match_query tsquery;
  all_pattern text;
  any_pattern text;
  word_queries tsquery[];
  exact_names text[];
  found_strict integer;
begin
  if coalesce(btrim(query_text), '') = '' and query_embedding is null then
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

  select * into q from private.package_search_query(query_text);
  if q.word_count > 0 then
    select count(*) into found_strict from (
      select 1 from cloud.bitnami_packages p
      where p.search_tsv @@ q.strict_all
        and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
        and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
        and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
      limit k) s;
    relaxed := found_strict < k;
    if relaxed then
      match_query := q.relaxed_min; all_pattern := q.relaxed_all_pattern; any_pattern := q.relaxed_any_pattern;
      word_queries := q.relaxed_groups; exact_names := q.relaxed_names;
    else
      match_query := q.strict_all; all_pattern := q.strict_all_pattern; any_pattern := q.strict_any_pattern;
      exact_names := q.strict_names;
    end if;
  end if;

  return query
    with candidates as materialized (
      select p.package_id, p.stars, p.name,
             case when relaxed then (select count(*)::integer from unnest(word_queries) g where p.search_tsv @@ g) else q.word_count end as matched,
             ts_rank_cd(p.search_tsv, match_query, 32) as rank
      from cloud.bitnami_packages p
      where match_query is not null and p.search_tsv @@ match_query
        and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
        and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
        and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
    ),
    named as (
      select c.name,
             lower(c.name) = any(exact_names) as exact,
             (lower(c.name) ~ all_pattern)::integer + (lower(c.name) ~ any_pattern)::integer as in_name,
             extensions.similarity(lower(c.name), q.phrase) as name_similarity
      from (select distinct c.name from candidates c) c
    ),
    full_text as (
      -- the top 2k by a bounded (top-N) sort, numbered afterwards
      select t.package_id, t.stars, t.name, t.matched, t.exact,
             row_number() over (order by t.matched desc, t.exact desc, t.in_name desc, t.name_similarity desc, t.rank desc, t.stars desc, t.name) as rank_ix
      from (
        select c.package_id, c.stars, c.name, c.matched, c.rank, n.exact, n.in_name, n.name_similarity
        from candidates c join named n on n.name = c.name
        order by c.matched desc, n.exact desc, n.in_name desc, n.name_similarity desc, c.rank desc, c.stars desc, c.name
        limit k * 2) t
    ),
    by_description as (
      select x.package_id, x.stars, x.name, row_number() over (order by x.d) as rank_ix from (
        select p.package_id, p.stars, p.name, p.description_embedding operator(extensions.<=>) query_embedding as d from cloud.bitnami_packages p
        where query_embedding is not null and p.description_embedding is not null
          and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
          and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
          and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
        order by p.description_embedding operator(extensions.<=>) query_embedding limit k * 2) x
    ),
    by_readme as (
      select x.package_id, x.stars, x.name, row_number() over (order by x.d) as rank_ix from (
        select p.package_id, p.stars, p.name, p.readme_embedding operator(extensions.<=>) query_embedding as d from cloud.bitnami_packages p
        where query_embedding is not null and p.readme_embedding is not null
          and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
          and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
          and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
        order by p.readme_embedding operator(extensions.<=>) query_embedding limit k * 2) x
    ),
    by_keywords as (
      select x.package_id, x.stars, x.name, row_number() over (order by x.d) as rank_ix from (
        select p.package_id, p.stars, p.name, p.keywords_embedding operator(extensions.<=>) query_embedding as d from cloud.bitnami_packages p
        where query_embedding is not null and p.keywords_embedding is not null
          and (not exclude_deprecated or not p.deprecated) and (category_filter is null or p.category = category_filter)
          and (not operator_only or p.is_operator) and (not official_only or p.official or p.repository_official)
          and (not cncf_only or p.cncf) and (not verified_publisher_only or p.repository_verified_publisher)
        order by p.keywords_embedding operator(extensions.<=>) query_embedding limit k * 2) x
    ),
    fused as (
      select r.package_id, sum(r.w / (rrf_k + r.rank_ix)) as score, min(r.text_rank) as text_rank, min(r.stars) as stars, min(r.name) as name
      from (
        select f.package_id, f.rank_ix, full_text_weight * f.matched / greatest(q.word_count, 1) as w, f.rank_ix as text_rank, f.stars, f.name from full_text f
        union all select f.package_id, f.rank_ix, full_text_weight, f.rank_ix, f.stars, f.name from full_text f where f.exact
        union all select d.package_id, d.rank_ix, semantic_weight / 3, null, d.stars, d.name from by_description d
        union all select d.package_id, d.rank_ix, semantic_weight / 3, null, d.stars, d.name from by_readme d
        union all select d.package_id, d.rank_ix, semantic_weight / 3, null, d.stars, d.name from by_keywords d
      ) r group by r.package_id
    ),
    top as (
      select f.package_id, f.score, f.text_rank, f.stars, f.name from fused f
      order by f.score desc, f.text_rank nulls last, f.stars desc, f.name
      limit k
    )
    select p.package_id, p.name, p.description, p.version, p.category, p.is_operator, p.official, p.cncf,
           p.repository_verified_publisher, p.deprecated, p.stars, t.score::double precision
    from top t join cloud.bitnami_packages p on p.package_id = t.package_id
    order by t.score desc, t.text_rank nulls last, t.stars desc, t.name;
end;
$$;
comment on function cloud.search_packages is 'Package search: full text with prefixes, synonyms (private.search_synonyms) and a trigram spelling fallback, name and keyword boosts; fused (RRF) with the description/README/keywords embeddings when query_embedding is given, ranked by the full text alone when not. Category, operator, official, CNCF, verified-publisher and deprecation filters; ties by stars.';

revoke all on function private.package_alternatives_pattern(text[]) from public;
revoke all on function private.package_search_query(text) from public;
grant execute on function private.package_search_query(text) to anon, authenticated, service_role;
revoke all on function cloud.search_packages from public;
grant execute on function cloud.search_packages to anon, authenticated, service_role;
