-- cloud.search_packages: only the last word of a query is a prefix (issue 18 point 2 allows either;
-- issue 19 needs this one). A prefix word is a partial match in the GIN index (a range of the
-- index's lexemes merged into one bitmap); the relaxed pass's "at least half of the words" query
-- holds each word in several of its ANDs, so a six-word question paid six partial matches many
-- times over (8.6 ms for the GIN part alone under load, against 0.5 ms for the same words exact).
-- The last word stays a prefix (typing as you go: "postg" finds postgresql); earlier words match
-- their stem exactly, and synonyms cover the usual short forms (postgres -> postgresql, mongo ->
-- mongodb). Same signature, columns and ranking otherwise.

create function private.package_alternatives_query(alternatives text[], prefix boolean)
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
               when prefix and length(a) >= 3 and a ~ '[[:alpha:]]' and cardinality(array(select unnest(to_tsvector('english', a)))) = 1
                 then (quote_literal((select l.lexeme from unnest(to_tsvector('english', a)) l limit 1)) || ':*')::tsquery
               else plainto_tsquery('english', a)
             end as q
      from unnest(alternatives) a
      where to_tsvector('english', a) <> ''::tsvector
    ) x
    where numnode(x.q) > 0);
end;
$$;
comment on function private.package_alternatives_query(text[], boolean) is 'OR tsquery of a query word''s alternatives: phrase (several words), prefix (with prefix: one word of 3+ characters with a letter) or the word.';

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
    strict_groups := strict_groups || private.package_alternatives_query(alternatives, w = words[word_count]);
    groups := groups || private.package_alternatives_query(alternatives || corrections, w = words[word_count]);
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

revoke all on function private.package_alternatives_query(text[], boolean) from public;
revoke all on function private.package_search_query(text) from public;
grant execute on function private.package_search_query(text) to anon, authenticated, service_role;
drop function private.package_alternatives_query(text[]);
