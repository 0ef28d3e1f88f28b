// Deploying an agent from GitHub (POST /agents/<agent>/deploy) and cancelling a deployment
// (POST /agents/<agent>/deployments/<id>/cancel), against a loopback GitHub REST API and a loopback
// deploy backend: who may deploy, what GitHub answers and how each answer maps, the one open
// deployment per agent, idempotent dispatch (one job per deployment, whatever is retried or raced),
// signed requests to the backend, and the GitHub token never kept anywhere.
import postgres from 'postgres'
import { Webhook } from 'standardwebhooks'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { app } from '../../functions/agents/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { signUserToken } from '../../stack/keys.ts'
import { failures, race } from '../support/concurrency.ts'
import { startDeployBackendLoopback, type DeployBackendLoopback } from '../support/deploy-backend-loopback.ts'
import { startGithubLoopback, type GithubLoopback } from '../support/github-loopback.ts'
import { listenOnLoopback } from '../support/listen.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withEnv, withoutEnv } from './unset-env.ts'

const JWT_SECRET = 'agents-deploy-test-secret-at-least-32-characters'
const BACKEND_SECRET = `whsec_${Buffer.from('deploy-backend-dispatch-secret-for-tests').toString('base64')}`
const WEBHOOK_SECRET = `whsec_${Buffer.from('deploy-backend-callback-secret-for-tests').toString('base64')}`
const OWNER_TOKEN = 'gho_OwnerProviderToken0123456789abcdefXYZ'
const OTHER_TOKEN = 'gho_OtherProviderToken0123456789abcdefXYZ'
const SHA_MAIN = 'a'.repeat(8) + '1'.repeat(32)
const SHA_TAG = 'b'.repeat(8) + '2'.repeat(32)
const SHA_OLD = 'c0ffee00' + '3'.repeat(32)

let db: TestDatabase
let sql: postgres.Sql
let gh: GithubLoopback
let backend: DeployBackendLoopback
let owner: string
let ownerJwt: string
let otherJwt: string
let n = 0
const logged: string[] = []

const query = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db.sql.query<T>(text, params)).rows

/** A fresh agent of the owner on its own repository (acme/<name>, readable with OWNER_TOKEN). */
async function agent(repo: Partial<GithubLoopback['repos'][number]> = {}): Promise<{ id: string; subdomain: string; name: string }> {
  const name = repo.name ?? `repo-${++n}`
  gh.repos.push({
    owner: 'acme', name, private: true, archived: false, default_branch: 'main', readers: [OWNER_TOKEN],
    branches: { main: SHA_MAIN, 'feature/x': SHA_OLD }, tags: { 'v1.0': SHA_TAG }, commits: [SHA_OLD], ...repo,
  })
  const subdomain = `agent-${name}`
  const [{ id }] = await query<{ id: string }>(`insert into agents.agents (user_id, name, subdomain, repo_owner, repo_name, github_url)
    values ($1, $2::text, $3, 'acme', $2::text, 'https://github.com/acme/' || $2::text) returning id`, [owner, name, subdomain])
  return { id, subdomain, name }
}

async function deploy(ref: string, options: { token?: string | null; jwt?: string; body?: unknown; key?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${options.jwt ?? ownerJwt}`, 'content-type': 'application/json' }
  if (options.token !== null) headers['x-github-token'] = options.token ?? OWNER_TOKEN
  if (options.key) headers['idempotency-key'] = options.key
  const res = await app.request(`/agents/${ref}/deploy`, { method: 'POST', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

async function cancel(ref: string, id: string, jwt = ownerJwt) {
  const res = await app.request(`/agents/${ref}/deployments/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${jwt}` } })
  return { status: res.status, body: await res.json() }
}

const rows = (agentId: string) => query<{ id: string; status: string; job_id: string | null; ref: string | null; commit_sha: string | null }>(
  `select id, status::text, job_id, ref, commit_sha from agents.deployments where agent_id = $1 order by created_at`, [agentId])
const dispatches = (deploymentId?: string) => backend.requests.filter((r) => r.path === '/deployments' && (!deploymentId || JSON.parse(r.body).deployment_id === deploymentId))
const jobsOf = (deploymentId: string) => backend.jobs.filter((j) => j.deployment_id === deploymentId)

/** Sends the deploy backend's webhook as the backend would (to finish a deployment). */
async function webhook(body: unknown, id = crypto.randomUUID()) {
  const payload = JSON.stringify(body)
  const at = new Date()
  const res = await app.request('/agents/deployments/webhook', {
    method: 'POST', body: payload,
    headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(WEBHOOK_SECRET).sign(id, at, payload) },
  })
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  db = await startTestDatabase()
  sql = postgres(db.url, { max: 12, onnotice: () => {} })
  gh = await startGithubLoopback()
  gh.tokens.add(OWNER_TOKEN).add(OTHER_TOKEN)
  backend = await startDeployBackendLoopback(BACKEND_SECRET)
  Object.assign(process.env, {
    SUPABASE_DB_URL: db.url, JWT_SECRET, GITHUB_API_URL: gh.url, DEPLOY_BACKEND_URL: backend.url, DEPLOY_BACKEND_SECRET: BACKEND_SECRET,
    DEPLOY_WEBHOOK_SECRET: WEBHOOK_SECRET, PUBLIC_FUNCTIONS_URL: 'https://api.example.test/functions/v1',
  })
  owner = (await query<{ id: string }>(`select tests.create_supabase_user('deploy_owner') as id`))[0].id
  ownerJwt = await signUserToken(owner, JWT_SECRET)
  otherJwt = await signUserToken((await query<{ id: string }>(`select tests.create_supabase_user('deploy_other') as id`))[0].id, JWT_SECRET)
  // Everything the function logs, to check that no GitHub token ever reaches a log line.
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => { logged.push(args.map(String).join(' ')) })
  }
})
afterAll(async () => {
  vi.restoreAllMocks()
  await closeDb()
  await sql.end()
  await Promise.all([gh.close(), backend.close()])
  await db.stop()
})
beforeEach(() => {
  gh.failNext.length = 0
  backend.failNext.length = 0
})
afterEach(() => {
  expect(gh.failNext).toEqual([])
})

describe('POST /agents/<agent>/deploy', () => {
  it('the owner deploys the default branch head: one signed dispatch to the backend, job_id stored, GitHub asked with the token', async () => {
    const a = await agent()
    const before = backend.requests.length
    const res = await deploy(a.subdomain)
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ outcome: 'created', deployment: { agent_id: a.id, status: 'pending', ref: 'main', commit_sha: SHA_MAIN, job_id: expect.stringMatching(/^job-/) } })
    const id = res.body.deployment.id as string
    expect(await rows(a.id)).toEqual([{ id, status: 'pending', job_id: res.body.deployment.job_id, ref: 'main', commit_sha: SHA_MAIN }])

    // Exactly one request reached the backend: a dispatch, signed with DEPLOY_BACKEND_SECRET.
    const sent = backend.requests.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/deployments', verified: true })
    expect(new Webhook(BACKEND_SECRET).verify(sent[0].body, sent[0].headers)).toMatchObject({ deployment_id: id })
    expect(() => new Webhook(WEBHOOK_SECRET).verify(sent[0].body, sent[0].headers)).toThrow()
    expect(sent[0].headers['webhook-id']).toBe(`deployment_${id}`)
    expect(JSON.parse(sent[0].body)).toEqual({
      type: 'deployment.requested', deployment_id: id, agent_id: a.id, subdomain: a.subdomain,
      repository: { owner: 'acme', name: a.name, github_url: `https://github.com/acme/${a.name}`, ref: 'main', commit_sha: SHA_MAIN },
      callback_url: 'https://api.example.test/functions/v1/agents/deployments/webhook',
    })
    expect(jobsOf(id)).toHaveLength(1)

    // GitHub: the repository, then the commit of its default branch, with the documented headers.
    const calls = gh.calls.filter((c) => c.path.startsWith(`/repos/acme/${a.name}`))
    expect(calls.map((c) => c.path)).toEqual([`/repos/acme/${a.name}`, `/repos/acme/${a.name}/commits/main`])
    for (const call of calls) {
      expect(call).toMatchObject({ authorization: `Bearer ${OWNER_TOKEN}`, apiVersion: '2022-11-28', accept: 'application/vnd.github+json' })
    }
  })

  it('deploys a given ref: a branch with a slash, a tag or an abbreviated sha resolves to the full commit sha', async () => {
    const a = await agent()
    const tag = await deploy(a.id, { body: { ref: 'v1.0' } })
    expect(tag.status).toBe(201)
    expect(tag.body.deployment).toMatchObject({ ref: 'v1.0', commit_sha: SHA_TAG })
    expect((await cancel(a.id, tag.body.deployment.id)).status).toBe(200)
    const short = await deploy(a.id, { body: { ref: SHA_OLD.slice(0, 10) } })
    expect(short.body.deployment).toMatchObject({ ref: SHA_OLD.slice(0, 10), commit_sha: SHA_OLD })
    expect((await cancel(a.id, short.body.deployment.id)).status).toBe(200)
    const branch = await deploy(a.id, { body: { ref: 'feature/x' } })
    expect(branch.body.deployment).toMatchObject({ ref: 'feature/x', commit_sha: SHA_OLD })
    expect(gh.calls.at(-1)!.path).toBe(`/repos/acme/${a.name}/commits/feature/x`)
  })

  it("another user's agent, an unknown agent and a deleted one are 404 agent_not_found; nothing is asked of GitHub or the backend", async () => {
    const a = await agent()
    const [ghBefore, beBefore] = [gh.calls.length, backend.requests.length]
    expect(await deploy(a.id, { jwt: otherJwt, token: OTHER_TOKEN })).toMatchObject({ status: 404, body: { error: { code: 'agent_not_found' } } })
    expect(await deploy(crypto.randomUUID())).toMatchObject({ status: 404, body: { error: { code: 'agent_not_found' } } })
    await query(`update agents.agents set status = 'deleted' where id = $1`, [a.id])
    expect(await deploy(a.id)).toMatchObject({ status: 404, body: { error: { code: 'agent_not_found' } } })
    expect([gh.calls.length, backend.requests.length]).toEqual([ghBefore, beBefore])
    expect(await rows(a.id)).toEqual([])
  })

  it('needs a signed-in user (401 missing_jwt) and the GitHub token (401 github_token_required)', async () => {
    const a = await agent()
    const anon = await app.request(`/agents/${a.id}/deploy`, { method: 'POST', headers: { 'x-github-token': OWNER_TOKEN } })
    expect(anon.status).toBe(401)
    expect(await deploy(a.id, { token: null })).toMatchObject({ status: 401, body: { error: { code: 'github_token_required' } } })
    expect(await rows(a.id)).toEqual([])
  })

  it('maps what GitHub answers: bad token 401, private or missing repository 404, archived 409, unknown ref 422; no deployment is created', async () => {
    const a = await agent()
    const hidden = await agent({ readers: [] })
    const archived = await agent({ archived: true, private: false })
    const beBefore = backend.requests.length
    expect(await deploy(a.id, { token: 'gho_revoked' })).toMatchObject({ status: 401, body: { error: { code: 'github_token_invalid' } } })
    expect(await deploy(hidden.id)).toMatchObject({ status: 404, body: { error: { code: 'repository_not_found' } } })
    expect(await deploy(archived.id)).toMatchObject({ status: 409, body: { error: { code: 'repository_archived' } } })
    expect(await deploy(a.id, { body: { ref: 'no-such-branch' } })).toMatchObject({ status: 422, body: { error: { code: 'ref_not_found' } } })
    expect(await deploy(a.id, { body: { ref: '' } })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })
    expect(await deploy(a.id, { key: 'has space' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_idempotency_key' } } })
    const empty = await agent({ branches: {}, tags: {}, commits: [] })
    expect(await deploy(empty.id)).toMatchObject({ status: 409, body: { error: { code: 'repository_empty' } } })
    // A 403 that is not a rate limit (e.g. an organization's SAML enforcement).
    gh.failNext.push({ kind: 'status', status: 403 })
    expect(await deploy(a.id)).toMatchObject({ status: 403, body: { error: { code: 'repository_access_denied' } } })
    for (const x of [a, hidden, archived, empty]) expect(await rows(x.id)).toEqual([])
    expect(backend.requests.length).toBe(beBefore)
  })

  it("GitHub's rate limits answer 429 github_rate_limited with Retry-After from GitHub's headers; its outages 502/503 github_unavailable", async () => {
    const a = await agent()
    gh.failNext.push({ kind: 'secondary_rate_limit', retryAfterSeconds: 60 })
    const secondary = await deploy(a.id)
    expect(secondary).toMatchObject({ status: 429, body: { error: { code: 'github_rate_limited' } } })
    expect(secondary.headers.get('retry-after')).toBe('60')
    gh.failNext.push({ kind: 'primary_rate_limit', resetInSeconds: 1800 })
    const primary = await deploy(a.id)
    expect(primary).toMatchObject({ status: 429, body: { error: { code: 'github_rate_limited' } } })
    // Seconds until x-ratelimit-reset: positive, and no more than GitHub gave.
    expect(Number(primary.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(primary.headers.get('retry-after'))).toBeLessThanOrEqual(1800)
    gh.failNext.push({ kind: 'status', status: 500 })
    expect(await deploy(a.id)).toMatchObject({ status: 502, body: { error: { code: 'github_unavailable' } } })
    const closed = await listenOnLoopback(() => new Response('x'))
    await closed.close()
    expect(await withEnv({ GITHUB_API_URL: closed.url }, () => deploy(a.id))).toMatchObject({ status: 503, body: { error: { code: 'github_unavailable' } } })
    expect(await rows(a.id)).toEqual([])
  })

  it('without DEPLOY_BACKEND_URL or DEPLOY_BACKEND_SECRET: 503 deploy_backend_not_configured, before anything is asked or written', async () => {
    const a = await agent()
    const [ghBefore, beBefore] = [gh.calls.length, backend.requests.length]
    for (const name of ['DEPLOY_BACKEND_URL', 'DEPLOY_BACKEND_SECRET']) {
      const res = await withoutEnv([name], () => deploy(a.id))
      expect(res).toMatchObject({ status: 503, body: { error: { code: 'deploy_backend_not_configured', message: expect.stringContaining(name) } } })
    }
    expect(await withEnv({ DEPLOY_BACKEND_SECRET: 'not-a-whsec-secret!' }, () => deploy(a.id))).toMatchObject({ status: 503, body: { error: { code: 'deploy_backend_not_configured' } } })
    expect([gh.calls.length, backend.requests.length]).toEqual([ghBefore, beBefore])
    expect(await rows(a.id)).toEqual([])
  })

  it('backend down (5xx): 502 deploy_backend_unavailable, the deployment stays pending without a job; a retry with the same Idempotency-Key resumes it with one job', async () => {
    const a = await agent()
    backend.failNext.push({ status: 500 })
    const first = await deploy(a.id, { key: 'key-down-1' })
    expect(first).toMatchObject({ status: 502, body: { error: { code: 'deploy_backend_unavailable' } } })
    const [pending] = await rows(a.id)
    expect(await rows(a.id)).toEqual([{ id: pending.id, status: 'pending', job_id: null, ref: 'main', commit_sha: SHA_MAIN }])
    // Another deployment of another ref cannot open beside it.
    expect(await deploy(a.id, { body: { ref: 'v1.0' }, key: 'key-down-other' })).toMatchObject({ status: 409, body: { error: { code: 'deployment_in_progress' } } })
    const retry = await deploy(a.id, { key: 'key-down-1' })
    expect(retry).toMatchObject({ status: 200, body: { outcome: 'existing', deployment: { id: pending.id, job_id: expect.stringMatching(/^job-/) } } })
    expect(jobsOf(pending.id)).toHaveLength(1)
    expect(new Set(dispatches(pending.id).map((r) => r.headers['webhook-id']))).toEqual(new Set([`deployment_${pending.id}`]))
    expect(await rows(a.id)).toEqual([{ id: pending.id, status: 'pending', job_id: retry.body.deployment.job_id, ref: 'main', commit_sha: SHA_MAIN }])
  })

  it('the answer lost after the backend created the job: the retry re-dispatches the same webhook-id, the backend dedupes, the job_id is stored once', async () => {
    const a = await agent()
    backend.failNext.push('lose_answer')
    const first = await deploy(a.id)
    expect(first).toMatchObject({ status: 502, body: { error: { code: 'deploy_backend_unavailable' } } })
    const [pending] = await rows(a.id)
    expect(pending.job_id).toBeNull()
    expect(jobsOf(pending.id)).toHaveLength(1)
    // Without a key, the same request (same agent, same commit) resumes the undispatched deployment.
    const retry = await deploy(a.id)
    expect(retry).toMatchObject({ status: 200, body: { outcome: 'resumed', deployment: { id: pending.id, job_id: jobsOf(pending.id)[0].job_id } } })
    expect(dispatches(pending.id).map((r) => r.headers['webhook-id'])).toEqual([`deployment_${pending.id}`, `deployment_${pending.id}`])
    expect(jobsOf(pending.id)).toHaveLength(1)
    expect((await rows(a.id)).length).toBe(1)
  })

  it('backend unreachable (connection refused): 503 deploy_backend_unavailable with Retry-After; no second open deployment', async () => {
    const a = await agent()
    const closed = await listenOnLoopback(() => new Response('x'))
    await closed.close()
    const res = await withEnv({ DEPLOY_BACKEND_URL: closed.url }, () => deploy(a.id, { key: 'unreachable' }))
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'deploy_backend_unavailable' } } })
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await deploy(a.id, { body: { ref: 'v1.0' } })).toMatchObject({ status: 409, body: { error: { code: 'deployment_in_progress' } } })
    expect(await rows(a.id)).toHaveLength(1)
    expect((await deploy(a.id, { key: 'unreachable' })).body.deployment.job_id).toMatch(/^job-/)
  })

  it('a retried request with the same Idempotency-Key returns the same deployment and never dispatches again; the key with another ref is 422', async () => {
    const a = await agent()
    const first = await deploy(a.id, { key: 'retry-me' })
    expect(first.status).toBe(201)
    const before = backend.requests.length
    const again = await deploy(a.id, { key: 'retry-me' })
    expect(again).toMatchObject({ status: 200, body: { outcome: 'existing', deployment: first.body.deployment } })
    expect(backend.requests.length).toBe(before)
    expect(await deploy(a.id, { key: 'retry-me', body: { ref: 'v1.0' } })).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } })
    expect(await rows(a.id)).toHaveLength(1)
    expect(jobsOf(first.body.deployment.id)).toHaveLength(1)
  })

  it('an agent with an open, dispatched deployment: 409 deployment_in_progress (without a key or with another key)', async () => {
    const a = await agent()
    expect((await deploy(a.id)).status).toBe(201)
    expect(await deploy(a.id)).toMatchObject({ status: 409, body: { error: { code: 'deployment_in_progress' } } })
    expect(await deploy(a.id, { key: 'fresh' })).toMatchObject({ status: 409, body: { error: { code: 'deployment_in_progress' } } })
    expect(await rows(a.id)).toHaveLength(1)
  })

  it('10 deploys of one agent at once (no key, distinct keys, one key): one deployment, one job each time', async () => {
    for (const keys of [() => undefined, (i: number) => `distinct-${i}`, () => 'shared-key']) {
      const a = await agent()
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => deploy(a.id, { key: keys(i) })))
      const ok = results.filter((r) => r.status === 200 || r.status === 201)
      expect(results.filter((r) => !ok.includes(r)).map((r) => r.body.error?.code ?? r.status)).toEqual(
        Array(10 - ok.length).fill('deployment_in_progress'))
      expect(results.filter((r) => r.status === 201)).toHaveLength(1)
      const [row] = await rows(a.id)
      expect(await rows(a.id)).toHaveLength(1)
      expect(new Set(ok.map((r) => r.body.deployment.id))).toEqual(new Set([row.id]))
      expect(jobsOf(row.id)).toHaveLength(1)
      expect(row.job_id).toBe(jobsOf(row.id)[0].job_id)
    }
  })

  it('agents.request_deployment raced over 10 connections: one deployment created, the rest resume it or are refused', async () => {
    const a = await agent()
    const results = await race(sql, 10, 10, (c, i) => c<{ r: { outcome: string; deployment: { id: string } } }[]>`
      select agents.request_deployment(${a.id}, ${SHA_MAIN}, 'main', ${i % 2 ? `k-${i}` : null}, null) as r`)
    expect(failures(results)).toEqual([])
    const outcomes = results.map((r) => (r as PromiseFulfilledResult<{ r: { outcome: string } }[]>).value[0].r.outcome)
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1)
    expect(outcomes.every((o) => o === 'created' || o === 'resumed')).toBe(true)
    expect(await rows(a.id)).toHaveLength(1)
    const other = await race(sql, 10, 10, (c, i) => c`select agents.request_deployment(${a.id}, ${SHA_TAG}, 'v1.0', ${`o-${i}`}, 'v1.0') as r`)
    expect(other.every((r) => r.status === 'rejected' && (r.reason as { hint?: string }).hint === 'deployment_in_progress')).toBe(true)
    expect(await rows(a.id)).toHaveLength(1)
  })
})

describe('POST /agents/<agent>/deployments/<id>/cancel', () => {
  it('the owner cancels: the backend is asked (signed), the deployment is cancelled, a repeat changes nothing, a new deploy may start', async () => {
    const a = await agent()
    const { body } = await deploy(a.id)
    const id = body.deployment.id as string
    const before = backend.requests.length
    const res = await cancel(a.subdomain, id)
    expect(res).toMatchObject({ status: 200, body: { deployment: { id, status: 'cancelled', job_id: body.deployment.job_id } } })
    const sent = backend.requests.slice(before)
    expect(sent).toMatchObject([{ method: 'POST', path: `/deployments/${id}/cancel`, verified: true }])
    expect(JSON.parse(sent[0].body)).toEqual({ type: 'deployment.cancel_requested', deployment_id: id, job_id: body.deployment.job_id })
    expect(jobsOf(id)[0].status).toBe('cancelled')
    expect(await cancel(a.id, id)).toMatchObject({ status: 200, body: { deployment: { id, status: 'cancelled' } } })
    expect(backend.requests.length).toBe(before + 1)
    expect((await rows(a.id))[0]).toMatchObject({ status: 'cancelled' })
    expect((await deploy(a.id)).status).toBe(201)
  })

  it('a deployment the backend never received (dispatch failed) is cancelled too', async () => {
    const a = await agent()
    backend.failNext.push({ status: 503 })
    expect((await deploy(a.id)).status).toBe(502)
    const [pending] = await rows(a.id)
    expect(await cancel(a.id, pending.id)).toMatchObject({ status: 200, body: { deployment: { status: 'cancelled', job_id: null } } })
  })

  it('a cancel that overtakes the dispatch (the backend did not have the job yet): the job started afterwards is cancelled too', async () => {
    const a = await agent()
    let cancelled: Awaited<ReturnType<typeof cancel>> | undefined
    backend.beforeDispatch = async (body) => {
      backend.beforeDispatch = undefined
      cancelled = await cancel(a.id, String(body.deployment_id))
    }
    const res = await deploy(a.id)
    expect(cancelled).toMatchObject({ status: 200, body: { deployment: { status: 'cancelled', job_id: null } } })
    const id = cancelled!.body.deployment.id as string
    expect(res).toMatchObject({ status: 201, body: { deployment: { id, status: 'cancelled', job_id: jobsOf(id)[0].job_id } } })
    expect(jobsOf(id)).toMatchObject([{ status: 'cancelled' }])
    expect(backend.requests.filter((r) => r.path === `/deployments/${id}/cancel`)).toHaveLength(2)
  })

  it("a finished deployment: 409 invalid_transition; another user's: 404; the backend down: 503 and nothing changes", async () => {
    const a = await agent()
    const { body } = await deploy(a.id)
    const id = body.deployment.id as string
    expect(await cancel(a.id, id, otherJwt)).toMatchObject({ status: 404, body: { error: { code: 'agent_not_found' } } })
    expect(await cancel(a.id, crypto.randomUUID())).toMatchObject({ status: 404, body: { error: { code: 'deployment_not_found' } } })
    const closed = await listenOnLoopback(() => new Response('x'))
    await closed.close()
    expect(await withEnv({ DEPLOY_BACKEND_URL: closed.url }, () => cancel(a.id, id))).toMatchObject({ status: 503, body: { error: { code: 'deploy_backend_unavailable' } } })
    expect((await rows(a.id))[0].status).toBe('pending')
    await webhook({ deployment_id: id, status: 'deploying' })
    await webhook({ deployment_id: id, status: 'success' })
    jobsOf(id)[0].status = 'finished'
    expect(await cancel(a.id, id)).toMatchObject({ status: 409, body: { error: { code: 'invalid_transition' } } })
    expect((await rows(a.id))[0].status).toBe('success')
  })
})

describe('from a browser (CORS)', () => {
  it('a preflight allows X-GitHub-Token and Idempotency-Key beside the Supabase headers; Retry-After is readable by the page', async () => {
    const preflight = await app.request('/agents/some-agent/deploy', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,x-github-token,idempotency-key' },
    })
    expect(preflight.status).toBe(204)
    const allowed = preflight.headers.get('access-control-allow-headers')!.split(',').map((h) => h.trim().toLowerCase())
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'apikey', 'x-client-info', 'content-type', 'x-payment', 'x-github-token', 'idempotency-key']))
    gh.failNext.push({ kind: 'secondary_rate_limit', retryAfterSeconds: 30 })
    const res = await app.request(`/agents/${(await agent()).id}/deploy`, {
      method: 'POST', headers: { origin: 'https://app.example.test', authorization: `Bearer ${ownerJwt}`, 'x-github-token': OWNER_TOKEN },
    })
    expect(res.status).toBe(429)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const exposed = res.headers.get('access-control-expose-headers')!.split(',').map((h) => h.trim().toLowerCase())
    expect(exposed).toEqual(expect.arrayContaining(['x-request-id', 'payment-required', 'retry-after']))
  })
})

describe('the GitHub token', () => {
  it('is never stored, logged or sent to the deploy backend', async () => {
    // Every text-like column of every table in the project's schemas.
    const columns = await query<{ schema: string; table: string; column: string }>(`
      select c.table_schema as schema, c.table_name as table, c.column_name as column
      from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
      where t.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog', 'information_schema')
        and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea', 'USER-DEFINED')`)
    expect(columns.length).toBeGreaterThan(50)
    const hits: string[] = []
    for (const { schema, table, column } of columns) {
      const [{ count }] = await query<{ count: number }>(
        `select count(*)::int as count from "${schema}"."${table}" where position($1 in "${column}"::text) > 0 or position($2 in "${column}"::text) > 0`,
        [OWNER_TOKEN, OTHER_TOKEN])
      if (count > 0) hits.push(`${schema}.${table}.${column}`)
    }
    expect(hits).toEqual([])
    expect(await query(`select count(*)::int as n from agents.deployments`)).not.toEqual([{ n: 0 }])
    for (const r of backend.requests) expect(`${r.body} ${JSON.stringify(r.headers)}`).not.toContain('gho_')
    expect(logged.filter((line) => line.includes('gho_'))).toEqual([])
  })
})
