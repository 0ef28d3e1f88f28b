// The life of a privacy request: opened by the visitor (a code goes to the email, the owner is told),
// verified with the code, then carried out at once (access: the export; delete: the erasure) or left
// to the owner (rectify). Due dates (set by sites.open_privacy_request): 30 days (GDPR art. 12(3)) or
// 45 days (CCPA 1798.130).
// Only the data subject's own data is exported or erased; conversations of others that mention the
// email are listed to the owner for review (sites.privacy_flag_mentions). Opening is limited in the
// database (sites.open_privacy_request): one open request per site, email and type, 3 codes per email
// and 10 requests per client address prefix (/24, /64: functions/_shared/client-address.ts) an hour, none once 5 wrong codes were tried for the email.
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { sha256Hex } from '../_shared/hash.ts'
import { sendMail } from '../_shared/mail.ts'
import { CODE_TTL_MINUTES } from '../_shared/verification.ts'
import { loadVerifiedSite, requireSiteOrigin } from './site.ts'

interface PrivacyRequest {
  id: string
  domain_id: string
  email: string
  request_type: 'access' | 'delete' | 'rectify'
  status: string
  verification_id: string | null
  due_at: Date
}

export interface NewRequestInput {
  domain: string
  email: string
  type: 'access' | 'delete' | 'rectify'
  regulation: 'gdpr' | 'ccpa'
  details: Record<string, unknown>
}

/** A refusal that tells the caller when to try again. */
export class RetryLater extends ApiError {
  constructor(retryAfterSeconds: number, message: string) {
    super(429, 'rate_limited', message, retryAfterSeconds)
  }
}

function oneTimeCode(): string {
  return String(crypto.getRandomValues(new Uint32Array(1))[0] % 1_000_000).padStart(6, '0')
}

export async function openRequest(input: NewRequestInput, caller: { origin: string | undefined; address: string }) {
  const site = await loadVerifiedSite(input.domain)
  requireSiteOrigin(site, caller.origin)
  const code = oneTimeCode()
  const [opened] = await db()<{ outcome: string; request_id: string | null; due_at: Date | null; retry_after_seconds: number | null }[]>`
    select * from sites.open_privacy_request(${site.id}, ${input.email}, ${input.type}, ${input.regulation}, ${db().json(input.details as never)},
      ${await sha256Hex(code)}, ${await sha256Hex(`${site.id}:${caller.address}`)})`
  switch (opened.outcome) {
    case 'already_open':
      throw new ApiError(409, 'request_already_open', `A ${input.type} request for this email is already waiting for its code; it expires in ${CODE_TTL_MINUTES} minutes`)
    case 'too_many_attempts':
      throw new ApiError(429, 'too_many_attempts', 'Too many wrong codes were tried for this email; try again tomorrow')
    case 'rate_limited':
      throw new RetryLater(opened.retry_after_seconds ?? 3600, 'Too many privacy requests; try again later')
  }
  await sendMail({
    to: input.email,
    subject: `Your verification code for ${site.domain}`,
    text: `Your code is ${code}. It expires in ${CODE_TTL_MINUTES} minutes. If you did not ask for it, ignore this message.`,
  })
  if (site.owner_email) {
    await sendMail({
      to: site.owner_email,
      subject: `New privacy request (${input.type}) for ${site.domain}`,
      text: `A visitor opened a ${input.regulation.toUpperCase()} ${input.type} request for ${site.domain} (request ${opened.request_id}), ` +
        `due ${opened.due_at!.toISOString().slice(0, 10)}. It is carried out once the visitor confirms the code mailed to them; ` +
        `see GET /privacy/requests.`,
    })
  }
  return { request_id: opened.request_id!, status: 'pending_verification', due_at: opened.due_at! }
}

const OUTCOME_STATUS = { wrong_code: 400, expired: 410, too_many_attempts: 429, not_found: 404 } as const

export async function verifyAndCarryOut(requestId: string, code: string) {
  const sql = db()
  const [request] = await sql<PrivacyRequest[]>`
    select id, domain_id, email, request_type, status, verification_id, due_at from sites.privacy_requests where id = ${requestId}`
  if (!request || !request.verification_id) throw new ApiError(404, 'request_not_found', 'No such privacy request awaiting verification')
  if (request.status !== 'pending_verification') throw new ApiError(409, 'already_verified', `The request is ${request.status}`)
  const [{ outcome }] = await sql<{ outcome: string }[]>`select sites.check_privacy_code(${request.id}, ${await sha256Hex(code)}) as outcome`
  if (outcome !== 'verified') {
    throw new ApiError(OUTCOME_STATUS[outcome as keyof typeof OUTCOME_STATUS] ?? 400, outcome, `Verification failed: ${outcome.replaceAll('_', ' ')}`)
  }

  if (request.request_type === 'access') {
    const data = await sql.begin(async (tx) => {
      await tx`select sites.privacy_flag_mentions(${request.id})`
      const [{ data }] = await tx<{ data: Record<string, unknown> }[]>`select sites.privacy_export(${request.domain_id}, ${request.email}) as data`
      await tx`insert into sites.customer_access_logs (domain_id, email, actor, action, resource, details)
        values (${request.domain_id}, ${request.email}, 'privacy', 'privacy.export', ${`privacy_request:${request.id}`}, '{}')`
      await tx`update sites.privacy_requests set status = 'completed', verified_at = now(), completed_at = now(),
        result = ${tx.json({ exported: Object.fromEntries(Object.entries(data).filter(([, v]) => Array.isArray(v)).map(([k, v]) => [k, (v as unknown[]).length])) })}
        where id = ${request.id}`
      return data
    })
    return { request_id: request.id, status: 'completed', export: data }
  }
  if (request.request_type === 'delete') {
    const erased = await sql.begin(async (tx) => {
      await tx`update sites.privacy_requests set verified_at = now(), status = 'processing' where id = ${request.id}`
      await tx`select sites.privacy_flag_mentions(${request.id})`
      const [{ counts }] = await tx`select sites.privacy_erase(${request.domain_id}, ${request.email}, ${request.id}) as counts`
      return counts
    })
    return { request_id: request.id, status: 'completed', erased }
  }
  await sql.begin(async (tx) => {
    await tx`update sites.privacy_requests set status = 'verified', verified_at = now() where id = ${request.id}`
    await tx`select sites.privacy_flag_mentions(${request.id})`
  })
  return { request_id: request.id, status: 'verified', due_at: request.due_at }
}
