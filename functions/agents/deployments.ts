// The deploy backend's webhook. Deliveries are signed per the Standard Webhooks spec (webhook-id,
// webhook-timestamp, webhook-signature: HMAC-SHA256 with DEPLOY_WEBHOOK_SECRET, 5 minute tolerance);
// webhook-id makes a redelivery a no-op. The transition rules live in agents.apply_deployment_event.
// Without the secret: 503 deploy_webhook_not_configured (the backend redelivers later).
import { Webhook } from 'standardwebhooks'
import { db } from '../_shared/db.ts'
import { notConfigured, requireEnv } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { parse } from '../_shared/validation.ts'
import { DeploymentEvent } from './schemas.ts'

const HINT_STATUS = { not_found: 404, invalid_transition: 409, job_mismatch: 409, invalid_agent_address: 400 } as const

export function verifyDelivery(payload: string, headers: Record<string, string>): { eventId: string; body: unknown } {
  const eventId = headers['webhook-id']
  if (!eventId || !headers['webhook-signature'] || !headers['webhook-timestamp']) {
    throw new ApiError(400, 'missing_signature', 'webhook-id, webhook-timestamp and webhook-signature are required')
  }
  const secret = requireEnv('DEPLOY_WEBHOOK_SECRET', 'deploy_webhook_not_configured')
  let webhook: Webhook
  try {
    webhook = new Webhook(secret)
  } catch (error) {
    throw notConfigured('deploy_webhook_not_configured', `DEPLOY_WEBHOOK_SECRET is not a Standard Webhooks secret: ${(error as Error).message}`)
  }
  try {
    return { eventId, body: webhook.verify(payload, headers) }
  } catch (error) {
    throw new ApiError(400, 'invalid_signature', (error as Error).message)
  }
}

export async function applyDeploymentEvent(eventId: string, body: unknown) {
  const event: DeploymentEvent = parse(DeploymentEvent, body)
  try {
    const [{ result }] = await db()`
      select agents.apply_deployment_event(${eventId}, ${event.deployment_id ?? null}, ${event.job_id ?? null}, ${event.status},
        ${event.logs ?? null}, ${event.summary ?? null}, ${event.agent_address ?? null}, ${event.app_id?.toString() ?? null}::bigint) as result`
    return result
  } catch (error) {
    const hint = (error as { hint?: string }).hint as keyof typeof HINT_STATUS | undefined
    if (hint && hint in HINT_STATUS) throw new ApiError(HINT_STATUS[hint], hint, (error as Error).message)
    throw error
  }
}
