// Billing invariants under concurrency, over real connections to the database: 50 concurrent
// cluster assignments, 100 concurrent usage charges against 10 units of credit, and a randomized
// sequence of ledger events (property test).
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let sql: postgres.Sql

async function users(prefix: string, n: number): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select tests.create_supabase_user(${prefix} || '_' || i) as id from generate_series(1, ${n}) i`
  return rows.map((r) => r.id)
}

beforeAll(async () => {
  db = await startTestDatabase()
  sql = postgres(db.url, { max: 20, onnotice: () => {} })
})
afterAll(async () => {
  await sql.end()
  await db.stop()
})

it('50 concurrent assignments fill the fleet to exactly its capacity and never beyond', async () => {
  await sql`insert into billing.hopsworks_clusters (name, api_url, api_key, max_users) values
    ('c10', 'https://c10.test', 'k', 10), ('c20', 'https://c20.test', 'k', 20), ('c15', 'https://c15.test', 'k', 15)`
  const ids = await users('assign', 50)
  const results = await Promise.allSettled(ids.map((id) => sql`select billing.assign_cluster(${id}) as cluster`))
  const ok = results.filter((r) => r.status === 'fulfilled')
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  expect(ok).toHaveLength(45)
  expect(refused).toHaveLength(5)
  for (const r of refused) expect(r.reason.message).toContain('no active cluster has room')
  const clusters = await sql<{ name: string; current_users: number; max_users: number; assigned: number }[]>`
    select c.name, c.current_users, c.max_users, count(a.user_id)::int as assigned
    from billing.hopsworks_clusters c left join billing.user_hopsworks_assignments a on a.hopsworks_cluster_id = c.id
    group by c.id order by c.name`
  for (const c of clusters) {
    expect(c.current_users).toBe(c.assigned)
    expect(c.current_users).toBe(c.max_users)
  }
})

it('100 concurrent usage charges of 1 unit against 10 units: exactly 10 covered, never below zero', async () => {
  const [user] = await users('meter', 1)
  // The free tier charges 6 cents per CPU hour: one unit = one CPU hour = 6 cents.
  await sql`select billing.add_credit_entry(${user}, 'purchase', 60, 'cs_meter_10_units', 'stripe')`
  const days = Array.from({ length: 100 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10))
  await Promise.all(days.map((d) => sql`select billing.record_usage(${user}, null, ${d}::date, 1, 0, 0, 0)`))
  const [summary] = await sql<{ covered: number; uncovered: number; balance: number; ledger: number }[]>`
    select count(*) filter (where charged_cents = 6)::int as covered,
           count(*) filter (where uncovered_cents = 6)::int as uncovered,
           (select balance from billing.user_credits where user_id = ${user})::int as balance,
           (select sum(amount_cents) from billing.credit_ledger where user_id = ${user})::int as ledger
    from billing.usage_daily where user_id = ${user}`
  expect(summary).toEqual({ covered: 10, uncovered: 90, balance: 0, ledger: 0 })
})

it('keeps balance = sum(ledger) = total_purchased - total_used through a randomized event sequence', async () => {
  const ids = await users('prop', 4)
  let seed = 20261122
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]
  const ops: Promise<unknown>[] = []
  for (let i = 0; i < 300; i++) {
    const user = pick(ids)
    const r = random()
    if (r < 0.3) {
      // Purchases, some redelivered (same key).
      const key = `cs_prop_${Math.floor(random() * 60)}_${user.slice(0, 8)}`
      ops.push(sql`select billing.add_credit_entry(${user}, 'purchase', ${1 + Math.floor(random() * 500)}, ${key}, 'stripe')`)
    } else if (r < 0.9) {
      const day = `2026-10-${String(1 + Math.floor(random() * 10)).padStart(2, '0')}`
      ops.push(sql`select billing.record_usage(${user}, null, ${day}::date, ${Math.floor(random() * 30)}, ${Math.floor(random() * 3)}, 0, ${Math.floor(random() * 1000)})`)
    } else {
      ops.push(sql`select billing.add_credit_entry(${user}, 'adjustment', ${1 + Math.floor(random() * 100)}, ${`adj_${i}`}, 'admin')`)
    }
    if (ops.length === 10) await Promise.all(ops.splice(0)) // bursts of 10 concurrent events
  }
  await Promise.all(ops)
  const rows = await sql<{ user_id: string; balance: number; ledger: number; purchased: number; used: number; bad_days: number }[]>`
    select uc.user_id, uc.balance::int, coalesce((select sum(amount_cents) from billing.credit_ledger l where l.user_id = uc.user_id), 0)::int as ledger,
           uc.total_purchased::int as purchased, uc.total_used::int as used,
           (select count(*) from billing.usage_daily u where u.user_id = uc.user_id and u.charged_cents + u.uncovered_cents <> u.total_cost)::int as bad_days
    from billing.user_credits uc where uc.user_id = any (${ids})`
  expect(rows).toHaveLength(4)
  for (const r of rows) {
    expect(r.balance).toBe(r.ledger)
    expect(r.balance).toBe(r.purchased - r.used)
    expect(r.balance).toBeGreaterThanOrEqual(0)
    expect(r.bad_days).toBe(0)
  }
})
