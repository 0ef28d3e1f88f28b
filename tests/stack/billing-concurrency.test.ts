// Billing invariants under concurrency, over real connections to the database (many at once: on
// real PostgreSQL these race for real; PGlite runs them one at a time): cluster assignments, usage
// charges against a small balance, replacements of one usage day, Stripe redelivery, one refund or
// dispute reported by several event types at once, and a
// randomized sequence of ledger events (property test). Invariants: balance = sum(ledger) =
// purchased - used, and for every usage day sum(its ledger entries) = -charged_cents.
import postgres from 'postgres'
import Stripe from 'stripe'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { app as billingApp } from '../../functions/billing/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { app as stripeWebhookApp } from '../../functions/stripe-webhook/app.ts'
import { signRoleKey } from '../../stack/keys.ts'
import { failures, race } from '../support/concurrency.ts'
import { charge, checkoutSession, deliverStripeEvent, dispute, refund, stripeEvent } from '../support/stripe-events.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let sql: postgres.Sql

async function users(prefix: string, n: number): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select tests.create_supabase_user(${prefix} || '_' || i) as id from generate_series(1, ${n}) i`
  return rows.map((r) => r.id)
}

/** Days whose ledger entries do not add up to -charged_cents (must be none). */
const unbalancedDays = (user: string) => sql<{ id: string; charged: number; ledger: number }[]>`
  select u.id, u.charged_cents::int as charged,
         coalesce((select sum(l.amount_cents) from billing.credit_ledger l where l.reference ->> 'usage_daily_id' = u.id::text), 0)::int as ledger
  from billing.usage_daily u
  where u.user_id = ${user}
    and coalesce((select sum(l.amount_cents) from billing.credit_ledger l where l.reference ->> 'usage_daily_id' = u.id::text), 0) <> -u.charged_cents`

const JWT_SECRET = 'billing-concurrency-secret-with-32-characters'
const WEBHOOK_SECRET = 'whsec_billing_concurrency_suite'

beforeAll(async () => {
  db = await startTestDatabase()
  sql = postgres(db.url, { max: 50, onnotice: () => {} })
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, JWT_SECRET, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET })
})
afterAll(async () => {
  await closeDb()
  await sql.end()
  await db.stop()
})

it('50 concurrent assignments fill the fleet to exactly its capacity and never beyond', async () => {
  await sql`insert into billing.hopsworks_clusters (name, api_url, api_key, max_users) values
    ('c10', 'https://c10.test', 'k', 10), ('c20', 'https://c20.test', 'k', 20), ('c15', 'https://c15.test', 'k', 15)`
  const ids = await users('assign', 50)
  const results = await race(sql, 50, 50, (c, i) => c`select billing.assign_cluster(${ids[i]}) as cluster`)
  const ok = results.filter((r) => r.status === 'fulfilled')
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  expect(failures(results).filter((m) => !m.includes("no active cluster has room"))).toEqual([])
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

it('10 concurrent assign_cluster calls for one user (10 rounds): one cluster, the same answer to all, no error', async () => {
  await sql`insert into billing.hopsworks_clusters (name, api_url, api_key, max_users) values
    ('solo-a', 'https://solo-a.test', 'k', 50), ('solo-b', 'https://solo-b.test', 'k', 50)`
  for (const user of await users('solo', 10)) {
    const results = await race(sql, 10, 10, (c) => c<{ cluster: string }[]>`select billing.assign_cluster(${user}) as cluster`)
    expect(failures(results)).toEqual([])
    const clusters = new Set(results.map((r) => (r as PromiseFulfilledResult<{ cluster: string }[]>).value[0].cluster))
    expect(clusters.size).toBe(1)
    expect(await sql`select hopsworks_cluster_id as cluster from billing.user_hopsworks_assignments where user_id = ${user}`).toEqual([{ cluster: [...clusters][0] }])
  }
  expect(await sql`select sum(current_users)::int as seats from billing.hopsworks_clusters where name like 'solo-%'`).toEqual([{ seats: 10 }])
})

it('100 concurrent usage charges of 1 unit against 10 units: exactly 10 covered, never below zero', async () => {
  const [user] = await users('meter', 1)
  // The free tier charges 6 cents per CPU hour: one unit = one CPU hour = 6 cents.
  await sql`select billing.add_credit_entry(${user}, 'purchase', 60, 'cs_meter_10_units', 'stripe')`
  const days = Array.from({ length: 100 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10))
  expect(failures(await race(sql, 50, 100, (c, i) => c`select billing.record_usage(${user}, null, ${days[i]}::date, 1, 0, 0, 0)`))).toEqual([])
  const [summary] = await sql<{ covered: number; uncovered: number; balance: number; ledger: number }[]>`
    select count(*) filter (where charged_cents = 6)::int as covered,
           count(*) filter (where uncovered_cents = 6)::int as uncovered,
           (select balance from billing.user_credits where user_id = ${user})::int as balance,
           (select sum(amount_cents) from billing.credit_ledger where user_id = ${user})::int as ledger
    from billing.usage_daily where user_id = ${user}`
  expect(summary).toEqual({ covered: 10, uncovered: 90, balance: 0, ledger: 0 })
})

it('a day whose total goes 10 -> 0 -> 10 -> 0 -> 10 charges and refunds every time (no ledger key repeats)', async () => {
  const [user] = await users('seesaw', 1)
  await sql`select billing.add_credit_entry(${user}, 'purchase', 100000, 'cs_seesaw', 'stripe')`
  for (const cpu of [10, 0, 10, 0, 10]) await sql`select billing.record_usage(${user}, null, '2026-11-01'::date, ${cpu}, 0, 0, 0)`
  const [day] = await sql<{ charged: number; cost: number }[]>`
    select charged_cents::int as charged, total_cost::int as cost from billing.usage_daily where user_id = ${user}`
  expect(day).toEqual({ charged: 60, cost: 60 })
  expect(await sql`select balance::int from billing.user_credits where user_id = ${user}`).toEqual([{ balance: 100000 - 60 }])
  expect(await sql`select count(*)::int as n from billing.credit_ledger where user_id = ${user} and source = 'usage'`).toEqual([{ n: 5 }])
  expect(await unbalancedDays(user)).toEqual([])
})

it('50 concurrent replacements of one usage day: ledger = charged_cents = cost', async () => {
  const [user] = await users('replace', 1)
  await sql`select billing.add_credit_entry(${user}, 'purchase', 100000, 'cs_replace', 'stripe')`
  // Totals go up and down across the 50 reports (free tier: 6 cents per CPU hour).
  const cpus = Array.from({ length: 50 }, (_, i) => (i * 7) % 13)
  expect(failures(await race(sql, 50, 50, (c, i) => c`select billing.record_usage(${user}, null, '2026-11-02'::date, ${cpus[i]}, 0, 0, 0)`))).toEqual([])
  const [day] = await sql<{ charged: number; cost: number; uncovered: number }[]>`
    select charged_cents::int as charged, total_cost::int as cost, uncovered_cents::int as uncovered from billing.usage_daily where user_id = ${user}`
  expect(day.charged).toBe(day.cost)
  expect(day.uncovered).toBe(0)
  expect(await sql`select balance::int from billing.user_credits where user_id = ${user}`).toEqual([{ balance: 100000 - day.cost }])
  expect(await unbalancedDays(user)).toEqual([])
})

it('50 concurrent usage reports through the billing function (its pool of 5): the same invariant, no 5xx', async () => {
  const [user] = await users('http', 1)
  await sql`select billing.add_credit_entry(${user}, 'purchase', 500, 'cs_http', 'stripe')`
  const service = await signRoleKey('service_role', JWT_SECRET)
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => billingApp.request('/billing/usage', {
    method: 'POST',
    headers: { authorization: `Bearer ${service}`, 'content-type': 'application/json' },
    body: JSON.stringify({ records: [{ user_id: user, date: `2026-11-0${1 + (i % 3)}`, cpu_hours: (i * 5) % 11 }] }),
  })))
  expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([])
  const [totals] = await sql<{ charged: number; uncovered: number; cost: number }[]>`
    select sum(charged_cents)::int as charged, sum(uncovered_cents)::int as uncovered, sum(total_cost)::int as cost from billing.usage_daily where user_id = ${user}`
  expect(totals.charged + totals.uncovered).toBe(totals.cost)
  expect(await sql`select balance::int from billing.user_credits where user_id = ${user}`).toEqual([{ balance: 500 - totals.charged }])
  expect(await unbalancedDays(user)).toEqual([])
})

it('40 concurrent multi-user usage reports, in opposite orders: no deadlock reaches the client, answers keep request order', async () => {
  const [a, b] = await users('order', 2)
  await sql`select billing.add_credit_entry(${a}, 'purchase', 1000, 'cs_order_a', 'stripe'), billing.add_credit_entry(${b}, 'purchase', 1000, 'cs_order_b', 'stripe')`
  const service = await signRoleKey('service_role', JWT_SECRET)
  const responses = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
    const records = [{ user_id: a, date: '2026-11-05', cpu_hours: i % 7 }, { user_id: b, date: '2026-11-05', cpu_hours: i % 5 }]
    if (i % 2) records.reverse()
    const res = await billingApp.request('/billing/usage', {
      method: 'POST', headers: { authorization: `Bearer ${service}`, 'content-type': 'application/json' }, body: JSON.stringify({ records }),
    })
    return { status: res.status, body: await res.json(), first: records[0].user_id }
  }))
  expect(responses.filter((r) => r.status !== 200).map((r) => r.body)).toEqual([])
  for (const r of responses) expect(r.body.days[0].user_id).toBe(r.first)
  for (const user of [a, b]) {
    const [day] = await sql<{ charged: number; cost: number }[]>`select charged_cents::int as charged, total_cost::int as cost from billing.usage_daily where user_id = ${user}`
    expect(day.charged).toBe(day.cost)
    expect(await sql`select balance::int from billing.user_credits where user_id = ${user}`).toEqual([{ balance: 1000 - day.cost }])
    expect(await unbalancedDays(user)).toEqual([])
  }
})

it('50 identical Stripe deliveries, on 50 connections and through the webhook function at once: one credit', async () => {
  const [user] = await users('stripe', 1)
  const evt = {
    id: 'evt_concurrency_1', object: 'event', api_version: '2026-10-28.endive', created: Math.floor(Date.now() / 1000), livemode: false, type: 'checkout.session.completed',
    data: { object: { id: 'cs_test_concurrency', object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 2500, currency: 'usd', customer: 'cus_concurrency',
      client_reference_id: user, metadata: { user_id: user, purchase_id: 'concurrency-1', credit_cents: '2500' } } },
  }
  const payload = JSON.stringify(evt)
  const header = new Stripe('sk_test_unused').webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
  const [direct, viaHttp] = await Promise.all([
    race(sql, 50, 50, (c) => c`select billing.apply_stripe_event(${sql.json(evt as never)}) as outcome`),
    Promise.all(Array.from({ length: 50 }, () => stripeWebhookApp.request('/stripe-webhook', { method: 'POST', body: payload, headers: { 'stripe-signature': header } }))),
  ])
  expect(failures(direct)).toEqual([])
  expect(viaHttp.map((r) => r.status).filter((s) => s !== 200)).toEqual([])
  expect(await sql`select balance::int from billing.user_credits where user_id = ${user}`).toEqual([{ balance: 2500 }])
  expect(await sql`select count(*)::int as n from billing.credit_ledger where user_id = ${user}`).toEqual([{ n: 1 }])
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
    expect(await unbalancedDays(r.user_id)).toEqual([])
  }
})

it('one refund reported 40 times at once as refund.created, refund.updated and charge.refunded, on 40 connections and through the webhook: debited once', async () => {
  const [user] = await users('refund_race', 1)
  const purchase = stripeEvent<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed',
    checkoutSession({ user, purchaseId: 'refund-race', paymentIntent: 'pi_refund_race', paid: 2000, credits: 2500 }))
  expect(failures(await race(sql, 1, 1, (c) => c`select billing.apply_stripe_event(${sql.json(purchase as never)})`))).toEqual([])
  // A partial refund of 1000 of the 2000 paid: 1250 of the 2500 credits, whichever event lands first.
  const re = refund({ id: 're_race', charge: 'ch_race', paymentIntent: 'pi_refund_race', amount: 1000 })
  const events = [
    ...Array.from({ length: 10 }, () => stripeEvent<Stripe.RefundCreatedEvent>('refund.created', re)),
    ...Array.from({ length: 10 }, () => stripeEvent<Stripe.RefundUpdatedEvent>('refund.updated', re)),
    ...Array.from({ length: 20 }, () => stripeEvent<Stripe.ChargeRefundedEvent>('charge.refunded', charge({ id: 'ch_race', paymentIntent: 'pi_refund_race', amount: 2000, refunded: 1000 }))),
  ]
  const [direct, viaHttp] = await Promise.all([
    race(sql, 40, 40, (c, i) => c`select billing.apply_stripe_event(${sql.json(events[i] as never)})`),
    Promise.all(events.map((evt) => deliverStripeEvent(stripeWebhookApp, evt, WEBHOOK_SECRET))),
  ])
  expect(failures(direct)).toEqual([])
  expect(viaHttp.filter((r) => r.status !== 200)).toEqual([])
  expect(await sql`select balance::int from billing.user_credits where user_id = ${user}`).toEqual([{ balance: 1250 }])
  expect(await sql`select count(*)::int as n from billing.credit_ledger where user_id = ${user} and kind = 'refund'`).toEqual([{ n: 1 }])
})

it('a dispute created and closed (lost) 20 times each at once: held once, debited once, never released', async () => {
  const [user] = await users('dispute_race', 1)
  const purchase = stripeEvent<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed',
    checkoutSession({ user, purchaseId: 'dispute-race', paymentIntent: 'pi_dispute_race', paid: 1000, credits: 1000 }))
  await sql`select billing.apply_stripe_event(${sql.json(purchase as never)})`
  const dp = dispute({ id: 'dp_race', charge: 'ch_dispute_race', paymentIntent: 'pi_dispute_race', amount: 1000, status: 'needs_response' })
  const events = Array.from({ length: 40 }, (_, i) => i % 2
    ? stripeEvent<Stripe.ChargeDisputeClosedEvent>('charge.dispute.closed', { ...dp, status: 'lost' })
    : stripeEvent<Stripe.ChargeDisputeCreatedEvent>('charge.dispute.created', dp))
  expect(failures(await race(sql, 40, 40, (c, i) => c`select billing.apply_stripe_event(${sql.json(events[i] as never)})`))).toEqual([])
  expect(await sql`select balance::int from billing.user_credits where user_id = ${user}`).toEqual([{ balance: 0 }])
  expect(await sql`select kind::text, amount_cents::int from billing.credit_ledger where user_id = ${user} order by id`)
    .toEqual([{ kind: 'purchase', amount_cents: 1000 }, { kind: 'adjustment', amount_cents: -1000 }])
  expect(await sql`select held_cents::int, dispute_debited_cents::int from billing.credit_purchases where user_id = ${user}`).toEqual([{ held_cents: 0, dispute_debited_cents: 1000 }])
})

it('30 purchases each racing their own full refund (refund first or purchase first, at once): every purchase ends fully debited', async () => {
  const ids = await users('refund_first', 30)
  const events = ids.flatMap((user, i) => {
    const pi = `pi_refund_first_${i}`
    return [
      stripeEvent<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed', checkoutSession({ user, purchaseId: `refund-first-${i}`, paymentIntent: pi, paid: 1000, credits: 1000 })),
      stripeEvent<Stripe.RefundCreatedEvent>('refund.created', refund({ id: `re_refund_first_${i}`, charge: `ch_refund_first_${i}`, paymentIntent: pi, amount: 1000 })),
    ]
  })
  expect(failures(await race(sql, 50, 60, (c, i) => c`select billing.apply_stripe_event(${sql.json(events[i] as never)})`))).toEqual([])
  const balances = await sql<{ balance: number }[]>`select balance::int from billing.user_credits where user_id = any (${ids})`
  expect(balances).toHaveLength(30)
  expect(balances.filter((b) => b.balance !== 0)).toEqual([])
})
