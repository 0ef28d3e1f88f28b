// Domain verification: a claim on a host (a row of sites.domains) is verified when the site serves
// the claim's token as a line of /.well-known/five-domains-verification.txt. Unverified claims are
// neither crawled (scrape) nor served (chat, privacy). The check fetches the file through the given
// fetch (the domains function passes the crawler's SSRF-vetted, address-pinned one: a claim on a
// private or metadata address is refused without a connection), with no redirect followed (a
// redirect would let another host answer), a time limit and a size cap, over https first, then
// http; the outcome is recorded by sites.record_domain_verification (one verified
// claim per host; unverified at once when the site answers without the token, after 3 unreachable
// checks in a row). Verified claims are re-checked daily (POST /domains/recheck, scheduled).
import { db } from './db.ts'
import { ApiError } from './errors.ts'

export const VERIFICATION_PATH = '/.well-known/five-domains-verification.txt'
const TIMEOUT_MS = 10_000
const MAX_BYTES = 64 * 1024

export type VerificationOutcome = { outcome: 'found' | 'absent' | 'unreachable'; error: string | null }
/** A fetch that answers a redirect itself (never follows it) and throws on a refused destination. */
export type Fetcher = (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>

/** The first MAX_BYTES of a body as text. */
async function readCapped(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  while (size < MAX_BYTES) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.byteLength
  }
  await reader.cancel().catch(() => {})
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return new TextDecoder().decode(all.subarray(0, MAX_BYTES))
}

/** Looks for the token on the site: found, absent (the site answered without it) or unreachable. */
export async function checkVerificationFile(domain: string, token: string, fetcher: Fetcher): Promise<VerificationOutcome> {
  let unreachable = 'the site could not be reached over https or http'
  for (const scheme of ['https', 'http']) {
    let response: Response
    try {
      response = await fetcher(`${scheme}://${domain}${VERIFICATION_PATH}`, { headers: { accept: 'text/plain' }, signal: AbortSignal.timeout(TIMEOUT_MS) })
    } catch (error) {
      if ((error as Error).name === 'RefusedDestinationError') return { outcome: 'absent', error: 'the domain is not a public address' }
      continue
    }
    if (response.status >= 500) {
      await response.body?.cancel()
      unreachable = `${VERIFICATION_PATH} answered ${response.status}`
      continue
    }
    if (response.status !== 200) {
      await response.body?.cancel()
      return { outcome: 'absent', error: `${VERIFICATION_PATH} answered ${response.status}${response.status < 400 ? ' (redirects are not followed)' : ''}` }
    }
    const lines = (await readCapped(response)).split(/\r?\n/).map((line) => line.trim())
    if (lines.includes(token)) return { outcome: 'found', error: null }
    return { outcome: 'absent', error: `${VERIFICATION_PATH} does not hold this claim's token` }
  }
  return { outcome: 'unreachable', error: unreachable }
}

export interface VerificationResult {
  domain_id: string
  domain: string
  status: 'verified' | 'taken' | 'unverified' | 'still_verified'
  verified_at: string | null
  error: string | null
}

/** Checks one claim now and records the outcome. */
export async function verifyDomainClaim(domainId: string, fetcher: Fetcher): Promise<VerificationResult> {
  const sql = db()
  const [claim] = await sql<{ id: string; domain: string; verification_token: string }[]>`
    select id, domain, verification_token from sites.domains where id = ${domainId}`
  if (!claim) throw new ApiError(404, 'domain_not_found', `No domain ${domainId}`)
  const { outcome, error } = await checkVerificationFile(claim.domain, claim.verification_token, fetcher)
  const [{ recorded }] = await sql<{ recorded: { status: VerificationResult['status']; verified_at: string | null } }[]>`
    select sites.record_domain_verification(${claim.id}, ${outcome}, ${error}) as recorded`
  const status = recorded.status
  return {
    domain_id: claim.id,
    domain: claim.domain,
    status,
    verified_at: recorded.verified_at,
    error: status === 'taken' ? 'another claim of this domain is verified' : error,
  }
}

/** Re-checks verified claims not checked within a day (the scheduled call). */
export async function recheckDueDomains(maxDomains: number, fetcher: Fetcher): Promise<VerificationResult[]> {
  const due = await db()<{ id: string }[]>`select id from sites.domains_due_for_recheck(${maxDomains})`
  const results: VerificationResult[] = []
  for (const { id } of due) results.push(await verifyDomainClaim(id, fetcher))
  return results
}

/** Refuses (403 domain_not_verified) a claim whose domain is not verified; 404 when there is none. */
export async function requireVerifiedDomain(domainId: string): Promise<void> {
  const [claim] = await db()<{ domain: string; verified: boolean }[]>`
    select domain, verified_at is not null as verified from sites.domains where id = ${domainId}`
  if (!claim) throw new ApiError(404, 'domain_not_found', `No domain ${domainId}`)
  if (!claim.verified) {
    throw new ApiError(403, 'domain_not_verified', `${claim.domain} is not verified: publish its token at ${VERIFICATION_PATH} and POST /domains/verify`)
  }
}
