-- Scheduled functions may name a route inside a function ("catalog/sync", "scrape/tick"), not only
-- a function. Runs before the first schedule that uses one (catalog-sync, 20261122020200); idempotent,
-- so a database that already has the wider check is unchanged.
alter table private.scheduled_functions drop constraint if exists scheduled_functions_function_name_check;
alter table private.scheduled_functions add constraint scheduled_functions_function_name_check
  check (function_name ~ '^[a-z0-9][a-z0-9_-]*(/[a-z0-9_-]+)*$');
comment on column private.scheduled_functions.function_name is 'Function name, optionally with a route: "embed", "catalog/sync".';
