// Hopsworks provisioning (issue 20 point 2) against a loopback Hopsworks admin API: assigning a user
// creates (or finds) them on the cluster and stores the username; the seat is taken only once the
// cluster confirmed; failures (5xx, timeout) leave a pending assignment the scheduler retries;
// releasing deactivates the user there, then frees the seat.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { app } from '../../functions/billing/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { signRoleKey, signUserToken } from '../../stack/keys.ts'
import { startHopsworksLoopback, type HopsworksLoopback } from '../support/hopsworks-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { randomBytes } from 'node:crypto'
import { withEnv, withoutEnv } from './unset-env.ts'

const SECRET = 'billing-hopsworks-secret-with-at-least-32-characters'
let db: TestDatabase
let hw: HopsworksLoopback
let service: string
let cluster: string
let seq = 0

const call = async (method: string, path: string, body?: unknown, token = service) => {
  const res = await app.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: await res.json() }
}
const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows

async function newUser(display = 'Ada Lovelace') {
  const name = `u${++seq}`
  const [{ id }] = await query<{ id: string }>(`select tests.create_supabase_user($1, $1 || '@example.test') as id`, [name])
  await query(`update public.profiles set display_name = $2 where id = $1`, [id, display])
  return { id, email: `${name}@example.test` }
}
const seats = async () => (await query<{ current_users: number }>(`select current_users from billing.hopsworks_clusters where id = $1`, [cluster]))[0].current_users
const assignment = async (userId: string) =>
  (await query<{ state: string; hopsworks_username: string | null; attempts: number; last_error: string | null }>(
    `select state::text, hopsworks_username, attempts, last_error from billing.user_hopsworks_assignments where user_id = $1`, [userId]))[0]
const username = async (userId: string) => (await query<{ hopsworks_username: string | null }>(`select hopsworks_username from billing.users where id = $1`, [userId]))[0].hopsworks_username
/** The scheduler's retry comes due (instead of waiting for the backoff). */
const makeDue = () => query(`update billing.user_hopsworks_assignments set next_attempt_at = now() - interval '1 second' where state <> 'active'`)

beforeAll(async () => {
  db = await startTestDatabase()
  hw = await startHopsworksLoopback()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, JWT_SECRET: SECRET, HOPSWORKS_OAUTH_CLIENT_ID: 'hopsworks-client', HOPSWORKS_TIMEOUT_MS: '2000' })
  service = await signRoleKey('service_role', SECRET)
  ;[{ id: cluster }] = await query<{ id: string }>(
    `insert into billing.hopsworks_clusters (name, api_url, api_key, max_users) values ('hw', $1, $2, 3) returning id`, [hw.url, hw.apiKey])
})
afterAll(async () => {
  await closeDb()
  await hw.close()
  await db.stop()
})
beforeEach(async () => {
  hw.failNext.length = 0
  // Each test starts with an empty cluster.
  await query(`delete from billing.user_hopsworks_assignments`)
})

describe('POST /billing/assignments', () => {
  it('creates the user on the cluster, stores the returned username and takes the seat', async () => {
    const u = await newUser()
    const res = await call('POST', '/billing/assignments', { user_id: u.id })
    expect(res.status).toBe(200)
    const onCluster = hw.users.find((x) => x.email === u.email)
    expect(onCluster).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace', status: 2, accountType: 'OAUTH2' })
    expect(res.body).toMatchObject({ state: 'active', assignment: { hopsworks_username: onCluster!.username, hopsworks_cluster_id: cluster } })
    expect(await username(u.id)).toBe(onCluster!.username)
    expect(await seats()).toBe(1)
    const create = hw.calls.find((c) => c.method === 'POST' && c.query.email === u.email)!
    expect(create.query).toMatchObject({ accountType: 'REMOTE_ACCOUNT_TYPE', type: 'OAUTH2', clientId: 'hopsworks-client', subject: u.id })

    // Assigning again changes nothing: no second user on the cluster, no second seat.
    const again = await call('POST', '/billing/assignments', { user_id: u.id })
    expect(again).toMatchObject({ status: 200, body: { state: 'active' } })
    expect(hw.users.filter((x) => x.email === u.email)).toHaveLength(1)
    expect(await seats()).toBe(1)
  })

  it('a user who already exists on the cluster (409) is found, and their username stored', async () => {
    const u = await newUser()
    hw.users.push({ id: 900, email: u.email.toUpperCase(), username: 'preexisting7', firstname: 'A', lastname: 'L', accountType: 'OAUTH2', status: 2, subject: 'x' })
    const res = await call('POST', '/billing/assignments', { user_id: u.id })
    expect(res).toMatchObject({ status: 200, body: { state: 'active', assignment: { hopsworks_username: 'preexisting7' } } })
    expect(hw.users.filter((x) => x.email.toLowerCase() === u.email)).toHaveLength(1)
    expect(await username(u.id)).toBe('preexisting7')
  })

  it.each([
    ['a 5xx', 503 as const],
    ['a timeout', 'hang' as const],
  ])('%s from the cluster leaves a pending assignment without a seat or username; the scheduler completes it', async (_name, status) => {
    const u = await newUser()
    hw.failNext.push({ method: 'POST', status })
    const res = await call('POST', '/billing/assignments', { user_id: u.id })
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({ state: 'pending', error: expect.stringMatching(status === 'hang' ? /no answer within 2000 ms/ : /HTTP 503/) })
    expect(await seats()).toBe(0)
    expect(await username(u.id)).toBeNull()
    expect(await assignment(u.id)).toMatchObject({ state: 'pending', hopsworks_username: null, attempts: 1 })
    expect(hw.users.find((x) => x.email === u.email)).toBeUndefined()

    // Not yet due: the scheduler leaves it alone.
    expect((await call('POST', '/billing/provision')).body).toEqual({ attempted: 0, results: [] })
    await makeDue()
    const run = await call('POST', '/billing/provision')
    expect(run).toMatchObject({ status: 200, body: { attempted: 1, results: [{ user_id: u.id, state: 'active' }] } })
    const onCluster = hw.users.find((x) => x.email === u.email)!
    expect(await assignment(u.id)).toMatchObject({ state: 'active', hopsworks_username: onCluster.username, attempts: 0, last_error: null })
    expect(await username(u.id)).toBe(onCluster.username)
    expect(await seats()).toBe(1)
  })

  it('reservations count against max_users: a full cluster refuses with 409 no_capacity, and confirming never overfills it', async () => {
    const users = [await newUser(), await newUser(), await newUser(), await newUser()]
    hw.failNext.push({ method: 'POST', status: 500 }, { method: 'POST', status: 500 })
    expect((await call('POST', '/billing/assignments', { user_id: users[0].id })).status).toBe(202)
    expect((await call('POST', '/billing/assignments', { user_id: users[1].id })).status).toBe(202)
    expect((await call('POST', '/billing/assignments', { user_id: users[2].id })).status).toBe(200)
    const full = await call('POST', '/billing/assignments', { user_id: users[3].id })
    expect(full).toMatchObject({ status: 409, body: { error: { code: 'no_capacity' } } })
    expect(hw.users.find((x) => x.email === users[3].email)).toBeUndefined()
    await makeDue()
    await call('POST', '/billing/provision')
    expect(await seats()).toBe(3)
  })

  it('without HOPSWORKS_OAUTH_CLIENT_ID: 503 hopsworks_not_configured, nothing created, no seat taken', async () => {
    const u = await newUser()
    const res = await withoutEnv(['HOPSWORKS_OAUTH_CLIENT_ID'], () => call('POST', '/billing/assignments', { user_id: u.id }))
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'hopsworks_not_configured' } } })
    expect(hw.users.find((x) => x.email === u.email)).toBeUndefined()
    expect(await seats()).toBe(0)
  })

  it('is for the service role only; an unknown user is 404', async () => {
    const u = await newUser()
    const token = await signUserToken(u.id, SECRET)
    expect((await call('POST', '/billing/assignments', { user_id: u.id }, token)).status).toBe(403)
    expect(await assignment(u.id)).toBeUndefined()
    expect((await call('POST', '/billing/assignments', { user_id: '00000000-0000-4000-8000-000000000001' })).body).toMatchObject({ error: { code: 'user_not_found' } })
  })
})

describe('POST /billing/assignments/:user/release', () => {
  it('deactivates the user on the cluster, then frees the seat and clears the username', async () => {
    const u = await newUser()
    await call('POST', '/billing/assignments', { user_id: u.id })
    expect(await seats()).toBe(1)
    const res = await call('POST', `/billing/assignments/${u.id}/release`)
    expect(res).toMatchObject({ status: 200, body: { state: 'released' } })
    expect(hw.users.find((x) => x.email === u.email)!.status).toBe(3)
    expect(await assignment(u.id)).toBeUndefined()
    expect(await username(u.id)).toBeNull()
    expect(await seats()).toBe(0)
    expect((await call('POST', `/billing/assignments/${u.id}/release`)).body).toMatchObject({ error: { code: 'not_assigned' } })
  })

  it('a cluster that fails keeps the seat taken (releasing) until the scheduler has deactivated the user', async () => {
    const u = await newUser()
    await call('POST', '/billing/assignments', { user_id: u.id })
    hw.failNext.push({ method: 'PUT', status: 502 })
    const res = await call('POST', `/billing/assignments/${u.id}/release`)
    expect(res).toMatchObject({ status: 202, body: { state: 'releasing', error: expect.stringContaining('HTTP 502') } })
    expect(hw.users.find((x) => x.email === u.email)!.status).toBe(2)
    expect(await seats()).toBe(1)
    await makeDue()
    expect((await call('POST', '/billing/provision')).body).toMatchObject({ attempted: 1, results: [{ user_id: u.id, state: 'released' }] })
    expect(hw.users.find((x) => x.email === u.email)!.status).toBe(3)
    expect(await seats()).toBe(0)
  })
})

describe("the cluster's admin API key at rest", () => {
  const KEY = { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString('base64') }
  const keyColumns = async () =>
    (await query<{ api_key: string | null; api_key_sealed: unknown; row_text: string }>(
      `select api_key, api_key_sealed, c::text as row_text from billing.hopsworks_clusters c where id = $1`, [cluster]))[0]
  afterAll(async () => {
    // Later files' clusters are their own; put this one back as the other tests found it.
    hw.apiKey = 'hw-admin-key'
    await query(`update billing.hopsworks_clusters set api_key = $2, api_key_sealed = null where id = $1`, [cluster, hw.apiKey])
  })

  it('a plaintext key is sealed and cleared the first time the provisioner uses it; later calls open the sealed one', async () => {
    await withEnv(KEY, async () => {
      const first = await newUser()
      expect((await call('POST', '/billing/assignments', { user_id: first.id })).body).toMatchObject({ state: 'active' })
      const row = await keyColumns()
      expect(row.api_key).toBeNull()
      expect(row.api_key_sealed).toMatchObject({ alg: 'A256GCM' })
      expect(row.row_text).not.toContain(hw.apiKey)
      const second = await newUser()
      expect((await call('POST', '/billing/assignments', { user_id: second.id })).body).toMatchObject({ state: 'active' })
      expect(hw.users.some((x) => x.email === second.email)).toBe(true)
    })
  })

  it('PUT /billing/clusters/:id/api-key stores a rotated key sealed (service role only); the provisioner uses it', async () => {
    await withEnv(KEY, async () => {
      const user = await signUserToken((await newUser()).id, SECRET)
      expect((await call('PUT', `/billing/clusters/${cluster}/api-key`, { api_key: 'hw-rotated-key' }, user)).status).toBe(403)
      hw.apiKey = 'hw-rotated-key'
      const res = await call('PUT', `/billing/clusters/${cluster}/api-key`, { api_key: 'hw-rotated-key' })
      expect(res).toMatchObject({ status: 200, body: { cluster_id: cluster, sealed: true } })
      expect(JSON.stringify(res.body)).not.toContain('hw-rotated-key')
      expect((await keyColumns()).row_text).not.toContain('hw-rotated-key')
      const u = await newUser()
      expect((await call('POST', '/billing/assignments', { user_id: u.id })).body).toMatchObject({ state: 'active' })
      expect((await call('PUT', `/billing/clusters/00000000-0000-4000-8000-000000000000/api-key`, { api_key: 'whatever-key' })).body)
        .toMatchObject({ error: { code: 'cluster_not_found' } })
    })
  })

  it('without CREDENTIALS_ENCRYPTION_KEY: a sealed key cannot be opened or stored (503 credentials_key_not_configured)', async () => {
    await withoutEnv(['CREDENTIALS_ENCRYPTION_KEY'], async () => {
      const put = await call('PUT', `/billing/clusters/${cluster}/api-key`, { api_key: 'hw-other-key' })
      expect(put).toMatchObject({ status: 503, body: { error: { code: 'credentials_key_not_configured' } } })
      const u = await newUser()
      const res = await call('POST', '/billing/assignments', { user_id: u.id })
      expect(res).toMatchObject({ status: 503, body: { error: { code: 'credentials_key_not_configured' } } })
      expect(hw.users.some((x) => x.email === u.email)).toBe(false)
    })
  })

  it('a cluster row must hold a key, sealed or plain', async () => {
    await expect(query(`update billing.hopsworks_clusters set api_key = null, api_key_sealed = null where id = $1`, [cluster]))
      .rejects.toThrow(/hopsworks_clusters_api_key_present/)
  })
})
