// The life of a privacy request: opened by the visitor (a code goes to the email), verified with the
// code, then carried out at once (access: the export; delete: the erasure) or left to the owner
// (rectify). Due dates: 30 days (GDPR art. 12(3)) or 45 days (CCPA 1798.130).
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { confirmVerification, startEmailVerification } from '../_shared/verification.ts'

export const DUE_DAYS = { gdpr: 30, ccpa: 45 } as const

interface PrivacyRequest {
  id: string
  domain_id: string
  email: string
  request_type: 'access' | 'delete' | 'rectify'
  status: string
  verification_id: string | null
  due_at: Date
}

export async function openRequest(input: { domain: string; email: string; type: 'access' | 'delete' | 'rectify'; regulation: 'gdpr' | 'ccpa'; details: Record<string, unknown> }) {
  const sql = db()
  const [site] = await sql<{ id: string; domain: string }[]>`select id, domain from sites.domains where domain = ${input.domain} and active`
  if (!site) throw new ApiError(404, 'site_not_found', `No site ${input.domain}`)
  const verificationId = await startEmailVerification({ domainId: site.id, domain: site.domain, email: input.email, purpose: 'privacy_request' })
  const [request] = await sql<{ id: string; status: string; due_at: Date }[]>`
    insert into sites.privacy_requests (domain_id, email, request_type, regulation, verification_id, details, due_at)
    values (${site.id}, ${input.email}, ${input.type}, ${input.regulation}, ${verificationId}, ${sql.json(input.details as never)},
            now() + make_interval(days => ${DUE_DAYS[input.regulation]}))
    returning id, status, due_at`
  return { request_id: request.id, status: request.status, due_at: request.due_at }
}

export async function verifyAndCarryOut(requestId: string, code: string) {
  const sql = db()
  const [request] = await sql<PrivacyRequest[]>`
    select id, domain_id, email, request_type, status, verification_id, due_at from sites.privacy_requests where id = ${requestId}`
  if (!request || !request.verification_id) throw new ApiError(404, 'request_not_found', 'No such privacy request awaiting verification')
  if (request.status !== 'pending_verification') throw new ApiError(409, 'already_verified', `The request is ${request.status}`)
  await confirmVerification(request.verification_id, code)

  if (request.request_type === 'access') {
    const [{ data }] = await sql<{ data: Record<string, unknown> }[]>`select sites.privacy_export(${request.domain_id}, ${request.email}) as data`
    await sql.begin(async (tx) => {
      await tx`insert into sites.customer_access_logs (domain_id, email, actor, action, resource, details)
        values (${request.domain_id}, ${request.email}, 'privacy', 'privacy.export', ${`privacy_request:${request.id}`}, '{}')`
      await tx`update sites.privacy_requests set status = 'completed', verified_at = now(), completed_at = now(),
        result = ${tx.json({ exported: Object.fromEntries(Object.entries(data).filter(([, v]) => Array.isArray(v)).map(([k, v]) => [k, (v as unknown[]).length])) })}
        where id = ${request.id}`
    })
    return { request_id: request.id, status: 'completed', export: data }
  }
  if (request.request_type === 'delete') {
    const erased = await sql.begin(async (tx) => {
      await tx`update sites.privacy_requests set verified_at = now(), status = 'processing' where id = ${request.id}`
      const [{ counts }] = await tx`select sites.privacy_erase(${request.domain_id}, ${request.email}, ${request.id}) as counts`
      return counts
    })
    return { request_id: request.id, status: 'completed', erased }
  }
  await sql`update sites.privacy_requests set status = 'verified', verified_at = now() where id = ${request.id}`
  return { request_id: request.id, status: 'verified', due_at: request.due_at }
}
