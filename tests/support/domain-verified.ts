// Marks a domain claim verified, as a successful check of its /.well-known token would
// (functions/_shared/domain-verification.ts): crawl and chat fixtures whose subject is not domain
// verification call this right after inserting their sites.domains row.
export const MARK_DOMAIN_VERIFIED_SQL =
  'update sites.domains set verified_at = now(), verification_checked_at = now(), verification_failures = 0, verification_error = null where id = $1'

/** `run` is the fixture's query function (PGlite-style `(sql, params)`; with postgres.js pass `(q, p) => sql.unsafe(q, p)`). */
export async function markDomainVerified(run: (sql: string, params: unknown[]) => Promise<unknown>, domainId: string): Promise<void> {
  await run(MARK_DOMAIN_VERIFIED_SQL, [domainId])
}
