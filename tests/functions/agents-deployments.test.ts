// The deploy backend's webhook against a real database: Standard Webhooks signatures, valid
// transitions only, log appends, job ids, redeliveries, and the agent following its deployment.
import algosdk from 'algosdk'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { app } from '../../functions/agents/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withoutEnv } from './unset-env.ts'

const SECRET = `whsec_${Buffer.from('deploy-backend-shared-secret-for-tests').toString('base64')}`
const APP_ADDRESS = algosdk.getApplicationAddress(77n).toString()
let db: TestDatabase
let agentId: string
let deploymentId: string
let seq = 0

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const state = async () => (await query<{ deployment: string; agent: string; logs: string | null; job_id: string | null }>(
  `select d.status as deployment, a.status as agent, d.build_logs as logs, d.job_id from agents.deployments d join agents.agents a on a.id = d.agent_id where d.id = $1`, [deploymentId]))[0]

async function deliver(body: unknown, options: { secret?: string; id?: string; at?: Date; tamper?: (payload: string) => string } = {}) {
  const payload = JSON.stringify(body)
  const id = options.id ?? `msg_${++seq}`
  const at = options.at ?? new Date()
  const signature = new Webhook(options.secret ?? SECRET).sign(id, at, payload)
  const res = await app.request('/agents/deployments/webhook', {
    method: 'POST',
    body: options.tamper ? options.tamper(payload) : payload,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature },
  })
  return { status: res.status, body: await res.json() }
}

beforeAll(async () => {
  db = await startTestDatabase()
  process.env.SUPABASE_DB_URL = db.url
  process.env.DEPLOY_WEBHOOK_SECRET = SECRET
  const owner = (await query<{ id: string }>(`select tests.create_supabase_user('deployer') as id`))[0].id
  agentId = (await query<{ id: string }>(`insert into agents.agents (user_id, name, subdomain, repo_owner, repo_name, github_url)
    values ($1, 'Builder', 'builder', 'o', 'builder', 'https://github.com/o/builder') returning id`, [owner]))[0].id
  deploymentId = (await query<{ id: string }>(`insert into agents.deployments (agent_id) values ($1) returning id`, [agentId]))[0].id
})
afterAll(async () => {
  await closeDb()
  await db.stop()
})

describe('signature', () => {
  it('refuses unsigned, forged, stale and tampered deliveries with 400, changing nothing', async () => {
    const body = { deployment_id: deploymentId, status: 'deploying' }
    const unsigned = await app.request('/agents/deployments/webhook', { method: 'POST', body: JSON.stringify(body) })
    expect(unsigned.status).toBe(400)
    expect((await deliver(body, { secret: `whsec_${Buffer.from('someone-else').toString('base64')}` })).body.error.code).toBe('invalid_signature')
    expect((await deliver(body, { at: new Date(Date.now() - 10 * 60_000) })).body.error.code).toBe('invalid_signature')
    expect((await deliver(body, { tamper: (p) => p.replace('deploying', 'success') })).body.error.code).toBe('invalid_signature')
    expect(await state()).toMatchObject({ deployment: 'pending', agent: 'pending' })
  })
})

describe('missing configuration', () => {
  it('without DEPLOY_WEBHOOK_SECRET: 503 deploy_webhook_not_configured (the backend retries), changing nothing', async () => {
    const res = await withoutEnv(['DEPLOY_WEBHOOK_SECRET'], () => deliver({ deployment_id: deploymentId, status: 'deploying' }))
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'deploy_webhook_not_configured', message: expect.stringContaining('DEPLOY_WEBHOOK_SECRET') } } })
    expect(await state()).toMatchObject({ deployment: 'pending', agent: 'pending' })
  })
})

describe('lifecycle', () => {
  it('moves pending -> deploying, records the job id and appends logs, once per delivery id', async () => {
    const res = await deliver({ deployment_id: deploymentId, job_id: 'job-42', status: 'deploying', logs: 'cloning' }, { id: 'msg_fixed' })
    expect(res).toMatchObject({ status: 200, body: { outcome: 'applied', status: 'deploying', previous_status: 'pending' } })
    const again = await deliver({ deployment_id: deploymentId, job_id: 'job-42', status: 'deploying', logs: 'cloning' }, { id: 'msg_fixed' })
    expect(again.body.outcome).toBe('duplicate')
    expect((await deliver({ job_id: 'job-42', status: 'deploying', logs: 'building image' })).status).toBe(200)
    expect(await state()).toEqual({ deployment: 'deploying', agent: 'deploying', logs: 'cloning\nbuilding image', job_id: 'job-42' })
  })

  it('refuses invalid transitions, unknown deployments and bad payloads with 4xx, changing nothing', async () => {
    expect(await deliver({ deployment_id: deploymentId, status: 'pending' })).toMatchObject({ status: 409, body: { error: { code: 'invalid_transition' } } })
    expect(await deliver({ deployment_id: deploymentId, job_id: 'job-other', status: 'deploying' })).toMatchObject({ status: 409, body: { error: { code: 'job_mismatch' } } })
    expect(await deliver({ deployment_id: crypto.randomUUID(), status: 'deploying' })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } })
    expect((await deliver({ status: 'deploying' })).status).toBe(400)
    expect((await deliver({ deployment_id: deploymentId, status: 'exploded' })).status).toBe(400)
    expect((await deliver({ deployment_id: deploymentId, status: 'success', agent_address: `${APP_ADDRESS.slice(0, -1)}A` })).body.error.code).toBe('invalid_request')
    expect(await state()).toMatchObject({ deployment: 'deploying', agent: 'deploying', logs: 'cloning\nbuilding image' })
  })

  it('success activates the agent with its payee and app id; a finished deployment is final', async () => {
    const res = await deliver({ job_id: 'job-42', status: 'success', logs: 'live', summary: 'Deployed v1', agent_address: APP_ADDRESS, app_id: 77 })
    expect(res.status).toBe(200)
    expect(await query(`select status, runtime_status, agent_address, app_id::int from agents.agents where id = $1`, [agentId]))
      .toEqual([{ status: 'active', runtime_status: 'active', agent_address: APP_ADDRESS, app_id: 77 }])
    expect(await query(`select deployment_summary, completed_at is not null as done from agents.deployments where id = $1`, [deploymentId]))
      .toEqual([{ deployment_summary: 'Deployed v1', done: true }])
    expect((await deliver({ deployment_id: deploymentId, status: 'failed' })).status).toBe(409)
    expect((await state()).deployment).toBe('success')
  })

  it('a failed redeploy leaves an active agent serving', async () => {
    const next = (await query<{ id: string }>(`insert into agents.deployments (agent_id) values ($1) returning id`, [agentId]))[0].id
    expect((await deliver({ deployment_id: next, status: 'deploying' })).status).toBe(200)
    expect((await deliver({ deployment_id: next, status: 'failed', logs: 'OOM' })).status).toBe(200)
    expect(await query(`select status from agents.agents where id = $1`, [agentId])).toEqual([{ status: 'active' }])
  })
})
