-- private.package_search_query keeps its statements' plans (issue 19). It inherited
-- plan_cache_mode = force_custom_plan from cloud.search_packages (a SET clause there, so that the
-- search statements are planned with their values), which re-planned each of its small statements
-- (about seven per query word, and those of the word helpers it calls) on every call: the helper
-- took twice as long (3.2 ms against 1.6 ms for "redis cache" on the loaded bench cluster). Its own
-- SET clause restores the default for it and the functions it calls.
alter function private.package_search_query(text) set plan_cache_mode = 'auto';
