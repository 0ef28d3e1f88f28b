// Hopsworks provisioning under concurrency (real overlap on PostgreSQL; PGlite runs one at a time):
// concurrent assignments never take more seats than the fleet has and create each user once on
// their cluster; concurrent scheduler runs claim each due assignment once.
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { app } from '../../functions/billing/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { signRoleKey } from '../../stack/keys.ts'
import { race } from '../support/concurrency.ts'
import { startHopsworksLoopback, type HopsworksLoopback } from '../support/hopsworks-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const SECRET = 'billing-hopsworks-concurrency-secret-32-characters'
let db: TestDatabase
let sql: postgres.Sql
let hw: HopsworksLoopback
let service: string

const assign = async (userId: string) => {
  const res = await app.request('/billing/assignments', { method: 'POST', body: JSON.stringify({ user_id: userId }), headers: { authorization: `Bearer ${service}` } })
  return { status: res.status, body: await res.json() }
}
const users = async (prefix: string, n: number) =>
  (await sql<{ id: string }[]>`select tests.create_supabase_user(${prefix} || '_' || i, ${prefix} || '_' || i || '@example.test') as id from generate_series(1, ${n}) i`).map((r) => r.id)

beforeAll(async () => {
  db = await startTestDatabase()
  sql = postgres(db.url, { max: 20, onnotice: () => {} })
  hw = await startHopsworksLoopback()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, JWT_SECRET: SECRET, HOPSWORKS_OAUTH_CLIENT_ID: 'hopsworks-client', HOPSWORKS_TIMEOUT_MS: '10000' })
  service = await signRoleKey('service_role', SECRET)
  await sql`insert into billing.hopsworks_clusters (name, api_url, api_key, max_users) values ('c1', ${hw.url}, ${hw.apiKey}, 8), ('c2', ${hw.url}, ${hw.apiKey}, 7)`
})
afterAll(async () => {
  await closeDb()
  await sql.end()
  await hw.close()
  await db.stop()
})

it('25 users assigned at once: exactly the 15 seats are taken, each seated user exists once on the cluster, the rest are 409 no_capacity', async () => {
  const ids = await users('many', 25)
  const results = await Promise.all(ids.map((id) => assign(id)))
  const statuses = results.map((r) => r.status).sort()
  expect(statuses.filter((s) => s === 200)).toHaveLength(15)
  expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(Array(10).fill('no_capacity'))
  expect(await sql`select name, current_users, max_users from billing.hopsworks_clusters order by name`).toEqual([
    { name: 'c1', current_users: 8, max_users: 8 }, { name: 'c2', current_users: 7, max_users: 7 },
  ])
  const seated = await sql<{ email: string; hopsworks_username: string }[]>`
    select p.email, a.hopsworks_username from billing.user_hopsworks_assignments a join public.profiles p on p.id = a.user_id where a.state = 'active'`
  expect(seated).toHaveLength(15)
  for (const s of seated) expect(hw.users.filter((u) => u.email === s.email).map((u) => u.username)).toEqual([s.hopsworks_username])
  expect(hw.users).toHaveLength(15)
  await sql`delete from billing.user_hopsworks_assignments`
})

it('one user assigned 10 times at once: one seat, one user on the cluster, the same username in every answer', async () => {
  const [id] = await users('solo', 1)
  const results = await Promise.all(Array.from({ length: 10 }, () => assign(id)))
  expect(results.map((r) => r.status)).toEqual(Array(10).fill(200))
  const names = new Set(results.map((r) => r.body.assignment.hopsworks_username))
  expect(names.size).toBe(1)
  expect(hw.users.filter((u) => u.email === 'solo_1@example.test')).toHaveLength(1)
  expect(await sql`select sum(current_users)::int as seats from billing.hopsworks_clusters`).toEqual([{ seats: 1 }])
  await sql`delete from billing.user_hopsworks_assignments`
})

it('5 scheduler runs at once claim each due assignment exactly once', async () => {
  const ids = await users('due', 12)
  for (const id of ids) await sql`select billing.reserve_cluster(${id})`
  await sql`update billing.user_hopsworks_assignments set next_attempt_at = now() - interval '1 second'`
  const runs = await race(sql, 5, 5, (c) => c<{ user_id: string }[]>`select user_id from billing.claim_provisioning(4)`)
  const claimed = runs.flatMap((r) => (r.status === 'fulfilled' ? r.value.map((row) => row.user_id) : []))
  expect(runs.every((r) => r.status === 'fulfilled')).toBe(true)
  expect(claimed.length).toBe(12)
  expect(new Set(claimed).size).toBe(12)
})
