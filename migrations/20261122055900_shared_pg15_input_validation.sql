-- PostgreSQL 15 compatibility (hosted projects run 15 and 17). Two landed studio migrations call
-- pg_input_is_valid(text, text), which exists from PostgreSQL 16: 20261122060000 in the CHECK
-- contexts_json_parses, 20261122060200 in private.studio_write_audit. Landed migrations are never
-- edited, so this one, placed before them, gives PostgreSQL 15 a stand-in with the same signature
-- and result (public, found through the migration's search_path), and 20261201010200 then moves both
-- uses to a portable private function and drops the stand-in. On PostgreSQL 16+ it does nothing.
-- Databases already past 20261122060000 apply it out of order (`supabase db push --include-all`);
-- there it is a no-op.
do $$
begin
  if current_setting('server_version_num')::integer < 160000
     and to_regprocedure('public.pg_input_is_valid(text, text)') is null then
    execute $fn$
      create function public.pg_input_is_valid(input text, type_name text)
      returns boolean
      language plpgsql
      stable
      set search_path = ''
      as $body$
      begin
        execute format('select %L::%s', input, type_name::regtype);
        return true;
      exception when data_exception then
        return false;
      end;
      $body$
    $fn$;
    comment on function public.pg_input_is_valid(text, text) is 'PostgreSQL 15 stand-in for the built-in of 16+ (data exceptions only). Dropped by 20261201010200.';
  end if;
end
$$;
