// The domains function: proof that a site owner controls the domain they registered.
//   POST /domains/verify {domain_id}   owner (their claim, under RLS) or service role: checks the token now
//   POST /domains/recheck {max_domains?}  service role (hourly, 'sites-domain-verification'): re-checks
//                                         verified claims not checked within a day
// The owner reads the claim's verification_token from sites.domains and publishes it as a line of
// https://<domain>/.well-known/five-domains-verification.txt (functions/_shared/domain-verification.ts).
import { createApp } from '../_shared/app.ts'
import { type AuthClaims, requireRole } from '../_shared/auth.ts'
import { withRole } from '../_shared/db.ts'
import { type Fetcher, recheckDueDomains, verifyDomainClaim } from '../_shared/domain-verification.ts'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { jsonBody, parse } from '../_shared/validation.ts'
import { allowList } from '../_shared/outbound/address-policy.ts'
import { safeFetcher } from '../_shared/outbound/pinned-fetch.ts'
import { systemResolver } from '../_shared/outbound/resolver.ts'
import { DomainRef, Recheck } from './schemas.ts'

export const app = createApp<{ Variables: { claims: AuthClaims } }>('domains')

/** The crawler's SSRF-proof fetch (functions/_shared/outbound/pinned-fetch.ts): private and metadata addresses
 * are refused unless SCRAPE_ALLOWED_PRIVATE_HOSTS lists them; redirects are answered, not followed. */
function vettedFetch(): Fetcher {
  const fetch = safeFetcher({ resolve: systemResolver, allowed: allowList(env('SCRAPE_ALLOWED_PRIVATE_HOSTS')) })
  return (url, init) => fetch(url, { headers: init.headers, signal: init.signal })
}

app.post('/verify', requireRole('authenticated', 'service_role'), async (c) => {
  const { domain_id } = parse(DomainRef, await jsonBody(c))
  const claims = c.get('claims')
  if (claims.role !== 'service_role') {
    const visible = await withRole('authenticated', claims, (tx) => tx`select 1 from sites.domains where id = ${domain_id}`)
    if (visible.length === 0) throw new ApiError(404, 'domain_not_found', `No domain ${domain_id}`)
  }
  return c.json(await verifyDomainClaim(domain_id, vettedFetch()))
})

app.post('/recheck', requireRole('service_role'), async (c) => {
  const { max_domains } = parse(Recheck, await jsonBody(c))
  const results = await recheckDueDomains(max_domains, vettedFetch())
  return c.json({ checked: results.length, results })
})
