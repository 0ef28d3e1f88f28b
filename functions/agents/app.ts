// The agents function: x402 pay-per-call for marketplace agents, the deploy backend's signed webhook,
// agent token issue/rotation for owners, and runtime health reports from agent runtimes.
//   POST /agents/<id or subdomain>/invoke   no payment: 402 challenge (x402 v1 body + v2 PAYMENT-REQUIRED);
//                                           with X-PAYMENT (v1) or PAYMENT-SIGNATURE (v2): pay, then forward
//   POST /agents/<id or subdomain>/token    owner (user JWT): issue or rotate the agent token
//   POST /agents/<id or subdomain>/deploy   owner (user JWT + X-GitHub-Token): deploy from GitHub (deploy.ts)
//   POST /agents/<id or subdomain>/deployments/<id>/cancel   owner (user JWT): cancel a deployment
//   POST /agents/deployments/webhook        deploy backend (Standard Webhooks signature)
//   POST /agents/runtime/status             agent runtime (Bearer agent token): runtime_status
import { createApp } from '../_shared/app.ts'
import { type AuthClaims, bearerToken, requireRole, verifyJwt } from '../_shared/auth.ts'
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { jsonBody, parse } from '../_shared/validation.ts'
import { agentIdForToken, issueAgentToken } from './agent-token.ts'
import { findAgent, requireCallable } from './agents.ts'
import { deliverPaidCall } from './delivery.ts'
import { cancelAgentDeployment, deployAgent } from './deploy.ts'
import { applyDeploymentEvent, verifyDelivery } from './deployments.ts'
import { acceptPayment, challenge } from './payments.ts'
import { requireAgentToken, requireCallConfig } from './runtime.ts'
import { RuntimeStatus } from './schemas.ts'
import { algorandNetwork } from './network.ts'
import { paymentResponseHeaders, publicResource, requestPayment } from './x402.ts'

export const app = createApp<{ Variables: { claims: AuthClaims } }>('agents')

app.post('/deployments/webhook', async (c) => {
  const payload = await c.req.text()
  const { eventId, body } = verifyDelivery(payload, c.req.header())
  return c.json(await applyDeploymentEvent(eventId, body))
})

app.post('/runtime/status', async (c) => {
  const token = bearerToken(c.req.header('authorization'))
  const agentId = token && (await agentIdForToken(token))
  if (!agentId) throw new ApiError(401, 'invalid_agent_token', 'Missing or unknown agent token')
  const { status } = parse(RuntimeStatus, await jsonBody(c))
  await db()`update agents.agents set runtime_status = ${status} where id = ${agentId}`
  return c.json({ agent_id: agentId, runtime_status: status })
})

app.post('/:ref/token', requireRole('authenticated'), async (c) => {
  const agent = await findAgent(c.req.param('ref'))
  if (agent.user_id !== c.get('claims').sub) throw new ApiError(404, 'agent_not_found', `No agent ${c.req.param('ref')}`)
  const { token, issuedAt } = await issueAgentToken(agent.id)
  return c.json({ agent_id: agent.id, agent_token: token, issued_at: issuedAt, note: 'Shown once: store it in the agent runtime now.' }, 201)
})

app.post('/:ref/deploy', requireRole('authenticated'), async (c) => {
  const result = await deployAgent({
    agentRef: c.req.param('ref'), userId: c.get('claims').sub!, githubToken: c.req.header('x-github-token'),
    idempotencyKey: c.req.header('idempotency-key'), body: await jsonBody(c),
    callbackUrl: publicResource(new URL('/agents/deployments/webhook', c.req.url).toString()),
  })
  return c.json(result, result.outcome === 'created' ? 201 : 200)
})

app.post('/:ref/deployments/:id/cancel', requireRole('authenticated'), async (c) =>
  c.json(await cancelAgentDeployment(c.req.param('ref'), c.get('claims').sub!, c.req.param('id'))))

/** The signed-in user behind a call, if the caller sent a user JWT (anon keys are fine too). */
async function callingUser(authorization: string | undefined): Promise<string | undefined> {
  const token = bearerToken(authorization)
  if (!token) return undefined
  const claims = await verifyJwt(token)
  return claims.role === 'authenticated' ? claims.sub : undefined
}

app.post('/:ref/invoke', async (c) => {
  const agent = await findAgent(c.req.param('ref'))
  requireCallable(agent)
  requireCallConfig(agent)
  const agentToken = await requireAgentToken(agent)
  const user = await callingUser(c.req.header('authorization'))
  const payment = requestPayment((name) => c.req.header(name))
  const resource = publicResource(c.req.url)
  // Every 402 speaks both versions: the v1 body and the v2 PAYMENT-REQUIRED header (one challenge).
  const paymentRequired = (offer: Awaited<ReturnType<typeof challenge>>) => c.json(offer.body, 402, { 'payment-required': offer.header })
  if (!payment) return paymentRequired(await challenge(agent, resource, user))

  let outcome
  try {
    outcome = await acceptPayment(agent, payment.value, payment.version, user)
  } catch (error) {
    // A refused payment (402) answers a fresh x402 challenge carrying the reason (see paymentRequired).
    if (error instanceof ApiError && error.status === 402) {
      return paymentRequired(await challenge(agent, resource, user, { code: error.code, message: error.message }))
    }
    throw error
  }
  const { kind, grant } = outcome
  // The settlement receipt on every answer to a paid call (served, replayed, failed, or an error after
  // settlement): X-PAYMENT-RESPONSE always, and PAYMENT-RESPONSE (CAIP-2 network) when paid with v2.
  const network = algorandNetwork()
  const receipt = { ...paymentResponseHeaders(grant, 1, network), ...(payment.version === 2 ? paymentResponseHeaders(grant, 2, network) : {}) }
  for (const [name, value] of Object.entries(receipt)) c.header(name, value)
  // Forward (first attempt, or a claimed retry of a failed delivery) or tell what became of the call: delivery.ts.
  return await deliverPaidCall({
    agent, agentToken, outcome: { kind, grant }, caller: user, body: await c.req.arrayBuffer(), contentType: c.req.header('content-type'),
    headers: { ...receipt, 'x-request-id': c.get('requestId' as never) ?? '' },
  })
})
