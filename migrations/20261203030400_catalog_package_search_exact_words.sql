-- cloud.search_packages: the last word of a query is a prefix only when it is not a complete word of
-- a package name or keyword, and its synonyms never are (issue 19). A prefix item makes every
-- candidate's recheck and ts_rank_cd scan the document's lexemes instead of looking one up: "postgres"
-- (alternatives pg, postgresql, psql, all prefixes) ranked its ~670 matches about 4 times slower than
-- the same word exact. "postg" and "mongo" still complete (not words of any package); "redis",
-- "nginx", "postgresql" match exactly. Same signature, columns and ranking otherwise.

-- Everything a package search needs from its query text, in one call. SECURITY DEFINER: reads the
-- private synonym and vocabulary tables for any caller, nothing else. The vocabulary lookups are
-- bitmap scans (primary key for a word, GIN trigram index for the nearest words): with index and
-- sequential scans open, the planner walks the whole primary key and filters every word by
-- similarity, which grows with the vocabulary (one word per distinct package-name / keyword word).
-- The synonyms table is small and read whole.
create or replace function private.package_search_query(query_text text)
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
  is_prefix boolean;
  word_query tsquery;
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
    -- The last word is a prefix only when it is not itself a word of a package name or keyword
    -- (a complete word matches exactly: cheaper to check and to rank); its synonyms and
    -- corrections are whole words.
    is_prefix := w = words[word_count] and not exists (select 1 from private.package_search_words e where e.word = w);
    word_query := private.package_alternatives_query(array[w], is_prefix);
    strict_groups := strict_groups || coalesce(word_query || private.package_alternatives_query(array_remove(alternatives, w), false), word_query,
                                               private.package_alternatives_query(array_remove(alternatives, w), false));
    groups := groups || coalesce(word_query || private.package_alternatives_query(array_remove(alternatives || corrections, w), false), word_query,
                                 private.package_alternatives_query(array_remove(alternatives || corrections, w), false));
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
  'A package query analysed: its words (stop words dropped; the last one a prefix), each with its synonyms (private.search_synonyms) and, for the relaxed pass, its nearest package-name / keyword words (trigram); the strict (all words) and relaxed (at least half of the words) tsqueries, and the exact package names it stands for.';

revoke all on function private.package_search_query(text) from public;
grant execute on function private.package_search_query(text) to anon, authenticated, service_role;
