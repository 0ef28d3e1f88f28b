-- agents.request_deployment runs with its caller's rights and is granted to the service role, which
-- had no privileges on the table it writes (20261203010000 revoked the defaults from the client roles
-- only and granted nothing): the function's own connection (postgres) worked, a service-role RPC
-- call failed with 42501 permission denied for table deployment_requests (pgTAP 030 found it).
grant select, insert on private.deployment_requests to service_role;
