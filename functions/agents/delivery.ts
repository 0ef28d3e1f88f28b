// Paid, then served: delivering the call a settled payment bought, and what a re-sent payment gets.
//
// Delivered = the runtime gave a complete answer below 500 (a 4xx is the agent's own answer to the
// call). Failed = a 5xx, a refused, reset or broken-off connection, or no complete answer within
// AGENT_RUNTIME_TIMEOUT_MS; the failure is recorded with its reason. A failed delivery stays redeemable:
// the same payment re-sent before the challenge nonce's expires_at forwards again, at most
// MAX_DELIVERY_ATTEMPTS attempts in all; each attempt is claimed in the database (agents.claim_delivery
// locks the record), so concurrent re-sends forward once. After that the payment is listed in
// agents.refundable_payments. A delivered payment re-sent is a replay: 409, never a second call.
import { db } from '../_shared/db.ts'
import type { Agent } from './agents.ts'
import type { PaymentOutcome } from './payments.ts'
import { forwardCall, runtimeTimeoutMs } from './runtime.ts'
import type { PaymentGrant } from './x402.ts'

/** Attempts at delivering one paid call, the first included. */
export const MAX_DELIVERY_ATTEMPTS = 3
/** An attempt without a recorded result this long after the runtime timeout was abandoned. */
const ATTEMPT_MARGIN_SECONDS = 30

export interface Delivery {
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  max_attempts: number
  runtime_status: number | null
  failure_reason: 'runtime_error' | 'connection_failed' | 'timeout' | 'abandoned' | null
  redeemable_until: string
  refund: { txid: string; refunded_at: string } | null
}

type Claim =
  | { outcome: 'claimed'; attempt: number; delivery: Delivery }
  | { outcome: 'delivered' | 'in_progress' | 'not_served'; delivery: Delivery }
  | { outcome: 'not_yours' | 'unknown' }

interface Recorded {
  recorded: boolean
  delivery?: Delivery
  refundable?: boolean
}

const FAILURE_ANSWERS = {
  runtime_error: { status: 502, code: 'agent_error', what: 'failed' },
  connection_failed: { status: 502, code: 'agent_unreachable', what: 'could not be reached' },
  timeout: { status: 504, code: 'agent_timeout', what: 'did not answer in time' },
} as const

function json(body: unknown, status: number, headers: Record<string, string>): Response {
  return Response.json(body, { status, headers })
}

async function claimDelivery(txid: string, settling: boolean, caller: string | undefined): Promise<Claim> {
  const attemptSeconds = Math.ceil(runtimeTimeoutMs() / 1000) + ATTEMPT_MARGIN_SECONDS
  const [{ claim }] = await db()<{ claim: Claim }[]>`
    select agents.claim_delivery(${txid}, ${settling}, ${MAX_DELIVERY_ATTEMPTS}, ${attemptSeconds}, ${caller ?? null}) as claim`
  return claim
}

async function recordDelivery(txid: string, attempt: number, result: Awaited<ReturnType<typeof forwardCall>>): Promise<Recorded> {
  const delivered = result.kind === 'answered'
  const [{ recorded }] = await db()<{ recorded: Recorded }[]>`
    select agents.record_delivery(${txid}, ${attempt}, ${delivered}, ${result.status ?? null},
      ${delivered ? null : result.reason}, ${delivered ? null : result.detail}) as recorded`
  return recorded
}

/** What the caller is told about a failed attempt: re-send the same payment, or a refund is owed. */
function nextStep(recorded: Recorded): string {
  const { delivery, refundable } = recorded
  if (!recorded.recorded || !delivery) return 'another request has taken over its delivery; send the same payment again to see its state'
  if (refundable) return 'the payment is listed for a refund (agents.refundable_payments)'
  const left = delivery.max_attempts - delivery.attempts
  return `send the same payment again before ${delivery.redeemable_until} to retry (${left} ${left === 1 ? 'try' : 'tries'} left)`
}

/**
 * Serves a settled or re-sent payment: forwards the call when this request may (the settling request's
 * first attempt, or a claimed retry of a failed delivery) and records the result; otherwise answers
 * what became of the call it paid for. `headers` go on every answer (X-PAYMENT-RESPONSE, request id).
 */
export async function deliverPaidCall(options: {
  agent: Agent
  agentToken: string
  outcome: PaymentOutcome
  caller: string | undefined
  body: ArrayBuffer
  contentType: string | undefined
  headers: Record<string, string>
}): Promise<Response> {
  const { agent, outcome: { kind, grant }, headers } = options
  const claim = await claimDelivery(grant.transaction, kind === 'settled', options.caller)
  switch (claim.outcome) {
    case 'claimed':
      return await attempt(options, grant, claim.attempt)
    case 'not_yours':
      return json({ error: { code: 'payment_not_yours', message: `Transaction ${grant.transaction} was paid by another user; only they can retry its call` } }, 403, headers)
    case 'not_served': {
      const refunded = claim.delivery.refund !== null
      return json({
        error: {
          code: 'payment_not_served',
          message: `Transaction ${grant.transaction} paid for a call that ${agent.subdomain} never served; ${refunded ? `refunded in ${claim.delivery.refund!.txid}` : 'a refund is owed'}`,
        },
        grant, delivery: claim.delivery,
      }, 409, headers)
    }
    default:
      // Delivered, or being delivered by another request right now: the payment bought one call.
      return json({
        error: { code: 'payment_replayed', message: `Transaction ${grant.transaction} already paid for a call` },
        grant, ...('delivery' in claim ? { delivery: claim.delivery } : {}),
      }, 409, headers)
  }
}

async function attempt(options: Parameters<typeof deliverPaidCall>[0], grant: PaymentGrant, number: number): Promise<Response> {
  const { agent, headers } = options
  const result = await forwardCall(agent, options.agentToken, grant, options.body, options.contentType)
  const recorded = await recordDelivery(grant.transaction, number, result)
  if (result.kind === 'answered') {
    return new Response(result.body, { status: result.status, headers: { 'content-type': result.contentType ?? 'application/json', ...headers } })
  }
  const answer = FAILURE_ANSWERS[result.reason]
  return json({
    error: {
      code: answer.code,
      message: `Agent ${agent.subdomain} ${answer.what} (${result.detail}); payment ${grant.transaction} is recorded: ${nextStep(recorded)}`,
    },
    grant, delivery: recorded.delivery,
  }, answer.status, headers)
}
