// A loopback deploy backend speaking the contract the agents function dispatches to (docs/agents.md,
// "Deploying from GitHub"). Every request must carry a valid Standard Webhooks signature made with the
// shared secret (else 401); a dispatch is deduplicated by webhook-id, as the contract asks:
//   POST /deployments                   {deployment_id, agent_id, subdomain, repository, callback_url}
//                                       -> 202 {job_id}; the same webhook-id again -> the same job_id
//   POST /deployments/{id}/cancel       -> 200 {job_id, status: "cancelled"}; 404 when it never got that
//                                       deployment; 409 when its job already finished
// `beforeDispatch` runs a step (a cancel overtaking the dispatch) before the job is created.
// `failNext`: the next dispatches answer a 5xx, hang, or create the job and then answer 503 (the
// answer lost on the way back). Records every request as received (raw body and headers).
import { Hono } from 'hono'
import { Webhook } from 'standardwebhooks'
import { listenOnLoopback } from './listen.ts'

export interface BackendJob {
  job_id: string
  webhook_id: string
  deployment_id: string
  body: Record<string, unknown>
  status: 'queued' | 'cancelled' | 'finished'
}

export interface BackendRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string
  verified: boolean
}

export type BackendFailure = { status: number } | 'hang' | 'lose_answer'

export interface DeployBackendLoopback {
  url: string
  secret: string
  jobs: BackendJob[]
  requests: BackendRequest[]
  failNext: BackendFailure[]
  /** Runs when a dispatch arrives, before its job exists (e.g. a cancel that overtakes it). */
  beforeDispatch?: (body: Record<string, unknown>) => Promise<void>
  close(): Promise<void>
}

export async function startDeployBackendLoopback(secret: string): Promise<DeployBackendLoopback> {
  const state: DeployBackendLoopback = { url: '', secret, jobs: [], requests: [], failNext: [], close: async () => {} }
  const webhook = new Webhook(secret)
  let next = 1
  const app = new Hono()

  app.use('*', async (c, nextHandler) => {
    const body = await c.req.text()
    const headers = Object.fromEntries([...c.req.raw.headers.entries()])
    let verified = true
    try {
      webhook.verify(body, headers)
    } catch {
      verified = false
    }
    state.requests.push({ method: c.req.method, path: new URL(c.req.url).pathname, headers, body, verified })
    if (!verified) return c.json({ error: 'invalid signature' }, 401)
    c.set('body' as never, JSON.parse(body) as never)
    await nextHandler()
  })

  app.post('/deployments', async (c) => {
    const webhookId = c.req.header('webhook-id')!
    const body = c.get('body' as never) as Record<string, unknown>
    const failure = state.failNext.shift()
    if (failure === 'hang') {
      await new Promise((resolve) => setTimeout(resolve, 15_000))
      return c.json({ error: 'too late' }, 504)
    }
    if (failure && failure !== 'lose_answer') return c.json({ error: 'backend down' }, failure.status as 503)
    await state.beforeDispatch?.(body)
    let job = state.jobs.find((j) => j.webhook_id === webhookId)
    if (!job) {
      job = { job_id: `job-${next++}`, webhook_id: webhookId, deployment_id: String(body.deployment_id), body, status: 'queued' }
      state.jobs.push(job)
    }
    if (failure === 'lose_answer') return c.json({ error: 'answer lost' }, 503)
    return c.json({ job_id: job.job_id }, 202)
  })

  app.post('/deployments/:id/cancel', (c) => {
    const job = state.jobs.find((j) => j.deployment_id === c.req.param('id'))
    if (!job) return c.json({ error: 'unknown deployment' }, 404)
    if (job.status === 'finished') return c.json({ error: 'job finished' }, 409)
    job.status = 'cancelled'
    return c.json({ job_id: job.job_id, status: 'cancelled' })
  })

  const server = await listenOnLoopback(app.fetch)
  state.url = server.url
  state.close = server.close
  return state
}
