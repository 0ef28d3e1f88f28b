// The billing function: usage metering (service role and cluster keys), checkout / portal / summary
// against a loopback Stripe API, and reconciliation of missed events.
import { createHash } from 'node:crypto'
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { app } from '../../functions/billing/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { signRoleKey, signUserToken } from '../../stack/keys.ts'
import { startStripeLoopback, type StripeLoopback } from '../support/stripe-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withoutEnv } from './unset-env.ts'

const SECRET = 'billing-test-secret-with-at-least-32-characters'
let db: TestDatabase
let stripe: StripeLoopback
let service: string
let ann: { id: string; token: string }
let ben: { id: string; token: string }
let clusterA: string
let clusterB: string

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await app.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers })
  return { status: res.status, body: await res.json() }
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows

async function user(name: string) {
  const [{ id }] = await query<{ id: string }>(`select tests.create_supabase_user($1, $1 || '@example.test') as id`, [name])
  return { id, token: await signUserToken(id, SECRET, { email: `${name}@example.test` }) }
}

beforeAll(async () => {
  db = await startTestDatabase()
  stripe = await startStripeLoopback()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, JWT_SECRET: SECRET, STRIPE_API_URL: stripe.url, STRIPE_SECRET_KEY: 'sk_test_loopback', SITE_URL: 'https://app.example.test' })
  service = await signRoleKey('service_role', SECRET)
  ann = await user('ann')
  ben = await user('ben')
  const sha = (k: string) => createHash('sha256').update(k).digest('hex')
  ;[{ id: clusterA }, { id: clusterB }] = await query<{ id: string }>(`
    insert into billing.hopsworks_clusters (name, api_url, api_key, usage_key_sha256) values
      ('a', 'https://a.test', 'ka', $1), ('b', 'https://b.test', 'kb', $2) returning id`, [sha('usage-key-a'), sha('usage-key-b')])
  await query(`select billing.add_credit_entry($1, 'purchase', 1000, 'seed-ann', 'test')`, [ann.id])
})
afterAll(async () => {
  await closeDb()
  await stripe.close()
  await db.stop()
})

describe('POST /billing/usage', () => {
  const record = (overrides: Record<string, unknown> = {}) => ({ user_id: ann.id, cluster_id: clusterA, date: '2026-11-20', cpu_hours: 10, ...overrides })

  it('records a day for the service role, and a re-sent day replaces instead of adding', async () => {
    const first = await call('POST', '/billing/usage', { records: [record()] }, bearer(service))
    expect(first.status).toBe(200)
    expect(first.body.days[0]).toMatchObject({ total_cost: 60, charged_cents: 60, uncovered_cents: 0 })
    await call('POST', '/billing/usage', { records: [record()] }, bearer(service))
    expect(await query(`select balance::int from billing.user_credits where user_id = $1`, [ann.id])).toEqual([{ balance: 940 }])
  })

  it('accepts a cluster key for its own cluster only', async () => {
    expect((await call('POST', '/billing/usage', { records: [record({ date: '2026-11-21' })] }, { 'x-cluster-key': 'usage-key-a' })).status).toBe(200)
    const foreign = await call('POST', '/billing/usage', { records: [record({ date: '2026-11-22', cluster_id: clusterB })] }, { 'x-cluster-key': 'usage-key-a' })
    expect(foreign).toMatchObject({ status: 403, body: { error: { code: 'wrong_cluster' } } })
    expect((await call('POST', '/billing/usage', { records: [record()] }, { 'x-cluster-key': 'guessed' })).status).toBe(401)
    expect((await call('POST', '/billing/usage', { records: [record()] }, bearer(ann.token))).status).toBe(403)
    expect((await call('POST', '/billing/usage', { records: [record()] })).status).toBe(401)
    expect(await query(`select count(*)::int as n from billing.usage_daily where date = '2026-11-22'`)).toEqual([{ n: 0 }])
  })

  it('rejects malformed records with 400 and writes none of the batch', async () => {
    const bad = await call('POST', '/billing/usage', { records: [record({ date: '2026-11-23' }), record({ date: 'yesterday' })] }, bearer(service))
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })
    const negative = await call('POST', '/billing/usage', { records: [record({ cpu_hours: -1 })] }, bearer(service))
    expect(negative.status).toBe(400)
    expect(await query(`select count(*)::int as n from billing.usage_daily where date = '2026-11-23'`)).toEqual([{ n: 0 }])
  })
})

describe('checkout, portal and summary', () => {
  it('creates the Stripe customer once, even for concurrent checkouts', async () => {
    const [a, b] = await Promise.all([
      call('POST', '/billing/checkout', { kind: 'credits', pack_cents: 2500 }, bearer(ben.token)),
      call('POST', '/billing/checkout', { kind: 'credits', pack_cents: 1000 }, bearer(ben.token)),
    ])
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(a.body.url).toMatch(/^https:\/\/checkout\.stripe\.test\//)
    expect(stripe.customers).toBe(1)
    const [row] = await query<{ stripe_customer_id: string }>(`select stripe_customer_id from billing.customers where user_id = $1`, [ben.id])
    const sessions = stripe.calls.filter((c) => c.path === '/v1/checkout/sessions')
    expect(sessions.map((s) => s.form.customer)).toEqual([row.stripe_customer_id, row.stripe_customer_id])
    const credit = sessions.find((s) => s.form['metadata[credit_cents]'] === '2500')!
    expect(credit.form).toMatchObject({ mode: 'payment', client_reference_id: ben.id, 'metadata[user_id]': ben.id, 'invoice_creation[enabled]': 'true' })
    expect(credit.form['metadata[purchase_id]']).toBe(credit.form['invoice_creation[invoice_data][metadata][purchase_id]'])
  })

  it('sells a tier at its Stripe price (billing.stripe_prices), monthly or yearly; without one: 503 and Stripe hears nothing; refuses unknown packs', async () => {
    const before = stripe.calls.length
    const unpriced = await call('POST', '/billing/checkout', { kind: 'subscription', tier: 'pro', interval: 'year' }, bearer(ben.token))
    expect(unpriced).toMatchObject({ status: 503, body: { error: { code: 'stripe_price_not_configured' } } })
    expect(stripe.calls.length).toBe(before)
    await query(`insert into billing.stripe_prices (price_id, tier, interval) values ('price_pro_year', 'pro', 'year'), ('price_pro_month', 'pro', 'month')`)
    expect((await call('POST', '/billing/checkout', { kind: 'subscription', tier: 'pro', interval: 'year' }, bearer(ben.token))).status).toBe(200)
    const sub = stripe.calls.filter((c) => c.path === '/v1/checkout/sessions').at(-1)!
    expect(sub.form).toMatchObject({ mode: 'subscription', 'line_items[0][price]': 'price_pro_year', 'line_items[0][quantity]': '1', 'subscription_data[metadata][user_id]': ben.id })
    expect(sub.form).not.toHaveProperty('subscription_data[metadata][tier]')
    expect((await call('POST', '/billing/checkout', { kind: 'credits', pack_cents: 1 }, bearer(ben.token))).status).toBe(400)
    expect((await call('POST', '/billing/checkout', { kind: 'credits', pack_cents: 1000 })).status).toBe(401)
  })

  it('refuses a subscription checkout while the balance is below zero (409 account_restricted); a credit pack is still sold', async () => {
    const eve = await user('eve')
    await query(`select billing.add_credit_entry($1, 'refund', -500, 'eve-refund-debit', 'stripe')`, [eve.id])
    const before = stripe.calls.length
    const refused = await call('POST', '/billing/checkout', { kind: 'subscription', tier: 'pro', interval: 'month' }, bearer(eve.token))
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'account_restricted' } } })
    expect(stripe.calls.length).toBe(before)
    expect((await call('GET', '/billing/summary', undefined, bearer(eve.token))).body).toMatchObject({ balance_cents: -500, restricted: true })
    expect((await call('POST', '/billing/checkout', { kind: 'credits', pack_cents: 1000 }, bearer(eve.token))).status).toBe(200)
  })

  it('opens the portal only for a user who has a Stripe customer', async () => {
    expect((await call('POST', '/billing/portal', undefined, bearer(ben.token))).body.url).toMatch(/^https:\/\/billing\.stripe\.test\//)
    expect((await call('POST', '/billing/portal', undefined, bearer(ann.token)))).toMatchObject({ status: 409, body: { error: { code: 'no_customer' } } })
  })

  it('summarises the caller\'s own balance, month, invoices and tier', async () => {
    const { status, body } = await call('GET', '/billing/summary', undefined, bearer(ann.token))
    expect(status).toBe(200)
    expect(body).toMatchObject({ balance_cents: 880, held_cents: 0, restricted: false })
    expect(body.tier).toMatchObject({ name: 'free', limits: { projects: 3 } })
    expect(body.invoices).toEqual([])
    const other = await call('GET', '/billing/summary', undefined, bearer(ben.token))
    expect(other.body.balance_cents).toBe(0)
  })
})

describe('POST /billing/reconcile', () => {
  it('applies events the webhook missed, once', async () => {
    const created = Math.floor(Date.now() / 1000) - 3600
    stripe.events.push({
      id: 'evt_missed_1', object: 'event', type: 'checkout.session.completed', created, livemode: false,
      data: { object: { id: 'cs_missed', object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 1000, currency: 'usd',
        customer: 'cus_x', metadata: { user_id: ben.id, purchase_id: 'missed-1', credit_cents: '1000' } } },
    })
    expect((await call('POST', '/billing/reconcile', undefined, bearer(ann.token))).status).toBe(403)
    expect((await call('POST', '/billing/reconcile', undefined, bearer(service))).body).toEqual({ seen: 1, applied: 1, dead_letters: 0 })
    expect((await call('POST', '/billing/reconcile', undefined, bearer(service))).body).toEqual({ seen: 1, applied: 0, dead_letters: 0 })
    expect(await query(`select balance::int from billing.user_credits where user_id = $1`, [ben.id])).toEqual([{ balance: 1000 }])
  })

  it('skips a poison event (recorded as a dead letter) and credits the missed purchase behind it', async () => {
    const created = Math.floor(Date.now() / 1000) - 1800
    const session = (id: string, metadata: Record<string, string>): Partial<Stripe.Checkout.Session> =>
      ({ id, object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 500, currency: 'usd', customer: 'cus_x', client_reference_id: null, metadata })
    const poison: Partial<Stripe.CheckoutSessionCompletedEvent> = {
      id: 'evt_poison_reconcile', object: 'event', type: 'checkout.session.completed', created, livemode: false,
      data: { object: session('cs_poison', { user_id: ben.id, purchase_id: 'poison-r', credit_cents: 'abc' }) as Stripe.Checkout.Session },
    }
    const missed: Partial<Stripe.CheckoutSessionCompletedEvent> = {
      id: 'evt_missed_2', object: 'event', type: 'checkout.session.completed', created: created - 60, livemode: false,
      data: { object: session('cs_missed_2', { user_id: ben.id, purchase_id: 'missed-2', credit_cents: '500' }) as Stripe.Checkout.Session },
    }
    stripe.events.unshift(poison, missed) // Stripe lists newest first: the poison event comes before the purchase
    expect((await call('POST', '/billing/reconcile', undefined, bearer(service)))).toEqual({ status: 200, body: { seen: 3, applied: 1, dead_letters: 1 } })
    expect(await query(`select balance::int from billing.user_credits where user_id = $1`, [ben.id])).toEqual([{ balance: 1500 }])
    // The next run skips the dead letter without applying it again, and credits nothing twice.
    expect((await call('POST', '/billing/reconcile', undefined, bearer(service)))).toEqual({ status: 200, body: { seen: 3, applied: 0, dead_letters: 1 } })
    expect(await query(`select event_id, error_code, attempts from billing.stripe_dead_letters`)).toEqual([{ event_id: 'evt_poison_reconcile', error_code: 'invalid_value', attempts: 1 }])
    expect(await query(`select balance::int from billing.user_credits where user_id = $1`, [ben.id])).toEqual([{ balance: 1500 }])
  })
})

describe('missing configuration', () => {
  const customers = async (userId: string) => (await query(`select 1 from billing.customers where user_id = $1`, [userId])).length

  it('without STRIPE_SECRET_KEY: checkout, portal and reconcile answer 503 stripe_not_configured and Stripe hears nothing', async () => {
    const cleo = await user('cleo')
    const callsBefore = stripe.calls.length
    await withoutEnv(['STRIPE_SECRET_KEY'], async () => {
      for (const [path, body, token] of [
        ['/billing/checkout', { kind: 'credits', pack_cents: 1000 }, cleo.token],
        ['/billing/portal', undefined, cleo.token],
        ['/billing/reconcile', undefined, service],
      ] as const) {
        const res = await call('POST', path, body, bearer(token))
        expect(res).toMatchObject({ status: 503, body: { error: { code: 'stripe_not_configured', message: expect.stringContaining('STRIPE_SECRET_KEY') } } })
      }
    })
    expect(stripe.calls.length).toBe(callsBefore)
    expect(await customers(cleo.id)).toBe(0)
  })

  it('without SITE_URL: checkout and portal answer 503 site_url_not_configured (no redirect to a placeholder host)', async () => {
    const dora = await user('dora')
    const callsBefore = stripe.calls.length
    await withoutEnv(['SITE_URL'], async () => {
      const checkout = await call('POST', '/billing/checkout', { kind: 'credits', pack_cents: 1000 }, bearer(dora.token))
      expect(checkout).toMatchObject({ status: 503, body: { error: { code: 'site_url_not_configured', message: expect.stringContaining('SITE_URL') } } })
      expect((await call('POST', '/billing/portal', undefined, bearer(ben.token))).body.error.code).toBe('site_url_not_configured')
    })
    expect(stripe.calls.length).toBe(callsBefore)
    expect(await customers(dora.id)).toBe(0)
    // Configured again, the redirect goes to the configured site.
    expect((await call('POST', '/billing/checkout', { kind: 'credits', pack_cents: 1000 }, bearer(dora.token))).status).toBe(200)
    expect(stripe.calls.at(-1)!.form.success_url).toBe('https://app.example.test/billing?checkout=success')
  })

  it('without SUPABASE_DB_URL: 503 database_not_configured, not a 500', async () => {
    await withoutEnv(['SUPABASE_DB_URL'], async () => {
      const res = await call('GET', '/billing/summary', undefined, bearer(ann.token))
      expect(res).toMatchObject({ status: 503, body: { error: { code: 'database_not_configured', message: expect.stringContaining('SUPABASE_DB_URL') } } })
    })
  })
})
