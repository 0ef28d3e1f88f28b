// The privacy function: GDPR/CCPA requests of a site's visitors, and their processing by the owner.
//   POST /privacy/requests {domain, email, type: access|delete|rectify, regulation?, details?}   visitor, from the site's pages (Origin):
//                                                opens a request, mails a code, tells the owner (202); limited (requests.ts)
//   POST /privacy/requests/:id/verify {code}     visitor: verifies; access -> the export, delete -> the erasure, rectify -> to the owner
//   GET  /privacy/requests                       owner (user JWT): the requests of their domains, each with the conversations
//                                                of others that mention its email (review)
//   POST /privacy/requests/:id/decision {status: completed|rejected, result?}   owner
import { createApp } from '../_shared/app.ts'
import { clientPrefix } from '../_shared/client-address.ts'
import { type AuthClaims, requireRole } from '../_shared/auth.ts'
import { withRole } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { jsonBody, parse } from '../_shared/validation.ts'
import { openRequest, verifyAndCarryOut } from './requests.ts'
import { NewRequest, OwnerDecision, VerifyRequest } from './schemas.ts'

export const app = createApp<{ Variables: { claims: AuthClaims } }>('privacy')

app.post('/requests', async (c) => {
  const input = parse(NewRequest, await jsonBody(c))
  return c.json(await openRequest(input, { origin: c.req.header('origin'), address: clientPrefix(c) }), 202)
})

app.post('/requests/:id/verify', async (c) => {
  const { code } = parse(VerifyRequest, await jsonBody(c))
  const id = c.req.param('id')
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError(404, 'request_not_found', 'No such privacy request')
  return c.json(await verifyAndCarryOut(id, code))
})

app.get('/requests', requireRole('authenticated'), async (c) => {
  const requests = await withRole('authenticated', c.get('claims'), (tx) => tx`
    select r.id, d.domain, r.email, r.request_type, r.regulation, r.status, r.details, r.result, r.due_at, r.verified_at, r.completed_at, r.created_at,
           coalesce((select jsonb_agg(jsonb_build_object('conversation_id', i.conversation_id, 'reason', i.reason) order by i.created_at)
                     from sites.privacy_review_items i where i.request_id = r.id), '[]') as review
    from sites.privacy_requests r join sites.domains d on d.id = r.domain_id
    order by r.due_at`)
  return c.json({ requests })
})

app.post('/requests/:id/decision', requireRole('authenticated'), async (c) => {
  const decision = parse(OwnerDecision, await jsonBody(c))
  const updated = await withRole('authenticated', c.get('claims'), (tx) => tx`
    update sites.privacy_requests set status = ${decision.status}, result = ${tx.json(decision.result as never)}, completed_at = now()
    where id = ${c.req.param('id')} and status = 'verified'
    returning id, status, completed_at`)
  if (updated.length === 0) throw new ApiError(404, 'request_not_found', 'No verified request of yours with this id')
  return c.json(updated[0])
})
