// Requests to the deploy backend (the service that builds and runs agents), signed per Standard
// Webhooks (webhook-id, webhook-timestamp, webhook-signature: HMAC-SHA256 with DEPLOY_BACKEND_SECRET),
// as the backend signs its callbacks to POST /agents/deployments/webhook with DEPLOY_WEBHOOK_SECRET.
//   POST <DEPLOY_BACKEND_URL>/deployments              dispatch; webhook-id deployment_<id> (the same on
//                                                      every retry: the backend dedupes by it) -> 2xx {job_id}
//   POST <DEPLOY_BACKEND_URL>/deployments/<id>/cancel  webhook-id cancel_<id> -> 2xx; 404 = never received
//                                                      it (nothing to stop); 409 = its job already finished
// DEPLOY_BACKEND_URL or DEPLOY_BACKEND_SECRET unset (or not a whsec_ secret): 503 deploy_backend_not_configured.
import { Webhook } from 'standardwebhooks'
import { notConfigured, requireEnv } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'

const TIMEOUT_MS = 10_000
const CODE = 'deploy_backend_not_configured'

export interface DeployBackend {
  url: string
  webhook: Webhook
}

/** What the backend is told to deploy. Carries no GitHub token: the backend uses its own access. */
export interface DispatchMessage {
  type: 'deployment.requested'
  deployment_id: string
  agent_id: string
  subdomain: string
  repository: { owner: string; name: string; github_url: string; ref: string; commit_sha: string }
  callback_url: string
}

export function deployBackend(): DeployBackend {
  const url = requireEnv('DEPLOY_BACKEND_URL', CODE)
  const secret = requireEnv('DEPLOY_BACKEND_SECRET', CODE)
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw notConfigured(CODE, 'DEPLOY_BACKEND_URL is not an http(s) URL')
  try {
    return { url: url.replace(/\/+$/, ''), webhook: new Webhook(secret) }
  } catch (error) {
    throw notConfigured(CODE, `DEPLOY_BACKEND_SECRET is not a Standard Webhooks secret: ${(error as Error).message}`)
  }
}

async function signedPost(backend: DeployBackend, path: string, messageId: string, body: unknown): Promise<Response> {
  const payload = JSON.stringify(body)
  const at = new Date()
  try {
    return await fetch(`${backend.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'webhook-id': messageId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': backend.webhook.sign(messageId, at, payload),
      },
      body: payload,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
  } catch (error) {
    const why = (error as Error).name === 'TimeoutError' ? `did not answer within ${TIMEOUT_MS} ms` : 'is unreachable'
    throw new ApiError(503, 'deploy_backend_unavailable', `The deploy backend ${why}`, 5)
  }
}

async function refused(res: Response, what: string): Promise<ApiError> {
  const detail = (await res.text().catch(() => '')).slice(0, 200)
  if (res.status >= 500) return new ApiError(502, 'deploy_backend_unavailable', `The deploy backend answered HTTP ${res.status} to ${what}`, 5)
  return new ApiError(502, 'deploy_backend_rejected', `The deploy backend refused ${what} (HTTP ${res.status}): ${detail}`)
}

/** Hands the deployment to the backend; its job id. Safe to repeat: same webhook-id, same job. */
export async function dispatchDeployment(backend: DeployBackend, message: DispatchMessage): Promise<string> {
  const res = await signedPost(backend, '/deployments', `deployment_${message.deployment_id}`, message)
  if (!res.ok) throw await refused(res, 'the deployment')
  const jobId = ((await res.json().catch(() => ({}))) as { job_id?: unknown }).job_id
  if (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > 255) {
    throw new ApiError(502, 'deploy_backend_unavailable', 'The deploy backend accepted the deployment without a job_id', 5)
  }
  return jobId
}

/** Asks the backend to stop the deployment's job; false when it never received the deployment. */
export async function cancelDeploymentJob(backend: DeployBackend, deploymentId: string, jobId: string | null): Promise<boolean> {
  const res = await signedPost(backend, `/deployments/${deploymentId}/cancel`, `cancel_${deploymentId}`,
    { type: 'deployment.cancel_requested', deployment_id: deploymentId, job_id: jobId })
  if (res.status === 404) return false
  if (res.status === 409) throw new ApiError(409, 'invalid_transition', 'The deploy backend says the job has already finished; its webhook reports the outcome')
  if (!res.ok) throw await refused(res, 'the cancellation')
  return true
}
