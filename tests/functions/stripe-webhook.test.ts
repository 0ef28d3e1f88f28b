// The Stripe webhook against a real database: signature rules, exactly-once credits under
// concurrent redelivery, one credit per purchase across event types, subscription ordering.
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { poisonCode } from '../../functions/_shared/stripe.ts'
import { app } from '../../functions/stripe-webhook/app.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withoutEnv } from './unset-env.ts'

const SECRET = 'whsec_test_secret_for_the_loopback_suite'
const stripe = new Stripe('sk_test_unused')
let db: TestDatabase
let user: string
let eventSeq = 0

const now = () => Math.floor(Date.now() / 1000)

function event(type: string, object: Record<string, unknown>, created = now()) {
  return { id: `evt_test_${++eventSeq}_${Date.now()}`, object: 'event', api_version: '2026-10-28.endive', created, livemode: false, type, data: { object } }
}

async function deliver(evt: unknown, opts: { secret?: string; timestamp?: number; body?: (signed: string) => string } = {}) {
  const payload = JSON.stringify(evt, null, 2)
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? SECRET, timestamp: opts.timestamp ?? now() })
  const res = await app.request('/stripe-webhook', { method: 'POST', body: opts.body ? opts.body(payload) : payload, headers: { 'stripe-signature': header } })
  return { status: res.status, body: await res.json() }
}

const checkout = (purchaseId: string, extra: Record<string, unknown> = {}) => ({
  id: `cs_test_${purchaseId}`, object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 2500, currency: 'usd',
  customer: 'cus_test_1', client_reference_id: user, metadata: { user_id: user, purchase_id: purchaseId, credit_cents: '2500' }, ...extra,
})

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const balance = async () => (await query<{ balance: number }>(`select coalesce((select balance from billing.user_credits where user_id = $1), 0)::int as balance`, [user]))[0].balance

beforeAll(async () => {
  db = await startTestDatabase()
  process.env.SUPABASE_DB_URL = db.url
  process.env.STRIPE_WEBHOOK_SECRET = SECRET
  user = (await query<{ id: string }>(`select tests.create_supabase_user('stripe_buyer') as id`))[0].id
})
afterAll(async () => {
  await closeDb()
  await db.stop()
})

describe('signature', () => {
  it('refuses missing, forged, stale, future and re-serialized deliveries with 400, writing nothing', async () => {
    const evt = event('checkout.session.completed', checkout('sig'))
    const missing = await app.request('/stripe-webhook', { method: 'POST', body: JSON.stringify(evt) })
    expect(missing.status).toBe(400)
    expect((await deliver(evt, { secret: 'whsec_forged' })).status).toBe(400)
    expect((await deliver(evt, { timestamp: now() - 301 })).status).toBe(400)
    expect((await deliver(evt, { timestamp: now() + 120 })).status).toBe(400)
    const reserialized = await deliver(evt, { body: (signed) => JSON.stringify(JSON.parse(signed)) })
    expect(reserialized).toMatchObject({ status: 400, body: { error: { code: 'invalid_signature' } } })
    expect(await query(`select count(*)::int as n from billing.stripe_events`)).toEqual([{ n: 0 }])
    expect(await balance()).toBe(0)
  })

  it('refuses a header with more than one t= (the library verifies the last one), writing nothing', async () => {
    const evt = event('checkout.session.completed', checkout('two-t'))
    const payload = JSON.stringify(evt, null, 2)
    const future = now() + 3600
    const signed = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: future })
    const header = `t=${now()},${signed}`
    // The library alone accepts it at the future timestamp: the handler must be the one refusing.
    expect(stripe.webhooks.constructEvent(payload, header, SECRET, 300).id).toBe(evt.id)
    const res = await app.request('/stripe-webhook', { method: 'POST', body: payload, headers: { 'stripe-signature': header } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature' } })
    expect(await query(`select count(*)::int as n from billing.stripe_events`)).toEqual([{ n: 0 }])
    expect(await balance()).toBe(0)
  })
})

describe('missing configuration', () => {
  it('without STRIPE_WEBHOOK_SECRET: 503 stripe_webhook_not_configured (Stripe retries later), writing nothing', async () => {
    const evt = event('checkout.session.completed', checkout('unconfigured'))
    const res = await withoutEnv(['STRIPE_WEBHOOK_SECRET', 'STRIPE_SECRET_KEY'], () => deliver(evt))
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'stripe_webhook_not_configured', message: expect.stringContaining('STRIPE_WEBHOOK_SECRET') } } })
    expect(await query(`select count(*)::int as n from billing.stripe_events`)).toEqual([{ n: 0 }])
    expect(await balance()).toBe(0)
  })

  it('verifies and applies deliveries without STRIPE_SECRET_KEY (the webhook needs only its signing secret)', async () => {
    const evt = event('customer.created', { id: 'cus_test_no_api_key', object: 'customer' })
    const res = await withoutEnv(['STRIPE_SECRET_KEY'], () => deliver(evt))
    expect(res.status).toBe(200)
    await query(`delete from billing.stripe_events where id = $1`, [evt.id])
  })
})

describe('exactly-once credits', () => {
  it('credits a checkout once when the same event arrives 50 times at once', async () => {
    const evt = event('checkout.session.completed', checkout('p1'))
    const results = await Promise.all(Array.from({ length: 50 }, () => deliver(evt)))
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(results.filter((r) => r.body.outcome === 'applied')).toHaveLength(1)
    expect(await balance()).toBe(2500)
    expect(await query(`select count(*)::int as n from billing.credit_ledger where idempotency_key = 'purchase:p1'`)).toEqual([{ n: 1 }])
  })

  it('credits once when the same purchase is reported again as invoice.paid', async () => {
    const invoice = { id: 'in_test_p1', object: 'invoice', customer: 'cus_test_1', amount_paid: 2500, currency: 'usd', number: 'A-1', metadata: { user_id: user, purchase_id: 'p1', credit_cents: '2500' } }
    const res = await deliver(event('invoice.paid', invoice))
    expect(res.status).toBe(200)
    expect(await balance()).toBe(2500)
    expect(await query(`select status, amount::int from billing.billing_history where stripe_invoice_id = 'in_test_p1'`)).toEqual([{ status: 'paid', amount: 2500 }])
    await deliver(event('invoice.payment_failed', invoice)) // a late failure never un-pays a paid invoice
    expect(await query(`select status from billing.billing_history where stripe_invoice_id = 'in_test_p1'`)).toEqual([{ status: 'paid' }])
  })

  it('credits an asynchronous payment only when it succeeds', async () => {
    await deliver(event('checkout.session.completed', checkout('p2', { payment_status: 'unpaid' })))
    expect(await balance()).toBe(2500)
    await deliver(event('checkout.session.async_payment_failed', checkout('p3', { payment_status: 'unpaid' })))
    expect(await balance()).toBe(2500)
    await deliver(event('checkout.session.async_payment_succeeded', checkout('p2')))
    expect(await balance()).toBe(5000)
  })

  it('answers 2xx to unknown event types and writes nothing else', async () => {
    const res = await deliver(event('customer.tax_id.created', { id: 'txi_1', object: 'tax_id' }))
    expect(res).toMatchObject({ status: 200, body: { outcome: 'ignored: event type not handled' } })
    expect(await balance()).toBe(5000)
    expect(await query(`select count(*)::int as n from billing.stripe_events where type = 'customer.tax_id.created'`)).toEqual([{ n: 0 }])
  })

})

describe('subscriptions', () => {
  // The tier comes from the subscription's price (billing.stripe_prices); no API key here, so each
  // event's own object applies, ordered by event.created.
  const prices: Record<string, string> = { pro: 'price_test_pro', enterprise: 'price_test_enterprise' }
  const sub = (status: string, tier: string, id = 'sub_test_1') => ({
    id, object: 'subscription', customer: 'cus_test_1', status, metadata: { user_id: user },
    items: { object: 'list', data: [{ id: `si_${id}`, object: 'subscription_item', price: { id: prices[tier], object: 'price' }, current_period_end: 1_900_000_000 }] },
  })
  beforeAll(async () => {
    await query(`insert into billing.stripe_prices (price_id, tier, interval) values ('price_test_pro', 'pro', 'month'), ('price_test_enterprise', 'enterprise', 'month')`)
  })
  const tier = async () => (await query<{ subscription_tier: string; subscription_status: string }>(
    `select subscription_tier, subscription_status from billing.customers where user_id = $1`, [user]))[0]

  it('converges to Stripe\'s latest state whatever the delivery order, and never revives a deleted subscription', async () => {
    const t = now() - 1000
    await deliver(event('customer.subscription.updated', sub('active', 'pro'), t + 300))
    await deliver(event('customer.subscription.created', sub('incomplete', 'pro'), t + 100))
    await deliver(event('customer.subscription.updated', sub('active', 'enterprise'), t + 200))
    expect(await tier()).toEqual({ subscription_tier: 'pro', subscription_status: 'active' })
    await deliver(event('customer.subscription.deleted', sub('canceled', 'pro'), t + 400))
    expect(await tier()).toEqual({ subscription_tier: 'free', subscription_status: 'canceled' })
    await deliver(event('customer.subscription.updated', sub('active', 'pro'), t + 350))
    await deliver(event('customer.subscription.updated', sub('active', 'pro'), t + 500))
    expect(await tier()).toEqual({ subscription_tier: 'free', subscription_status: 'canceled' })
    await deliver(event('customer.subscription.created', sub('active', 'enterprise', 'sub_test_2'), t + 600))
    expect(await tier()).toEqual({ subscription_tier: 'enterprise', subscription_status: 'active' })
  })
})

describe('poison events', () => {
  // Stripe-shaped events, typed by the stripe package; `created` is left out by one of them on purpose.
  type Evt = Omit<Stripe.Event, 'created'> & { created?: number }
  const typed = <T extends Stripe.Event>(type: T['type'], object: Partial<T['data']['object']>, created: number | null = now()): Evt =>
    ({ id: `evt_poison_${++eventSeq}`, object: 'event', api_version: '2026-10-28.endive', ...(created === null ? {} : { created }), livemode: false, pending_webhooks: 1, request: null, type, data: { object } } as unknown as Evt)
  const session = (metadata: Record<string, string>, client_reference_id: string | null = null): Partial<Stripe.Checkout.Session> =>
    ({ id: `cs_poison_${eventSeq}`, object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 2500, currency: 'usd', customer: null, client_reference_id, metadata })
  const deadLetters = async (id: string | null) => query(
    `select error_code, sqlstate, attempts from billing.stripe_dead_letters where event_id is not distinct from $1`, [id])
  const applied = async (id: string) => (await query<{ n: number }>(`select count(*)::int as n from billing.stripe_events where id = $1`, [id]))[0].n

  async function expectDeadLetter(evt: Evt | unknown[], code: string, sqlstate: string | null) {
    const before = await balance()
    const res = await deliver(evt)
    const id = Array.isArray(evt) ? null : evt.id
    expect(res).toMatchObject({ status: 200, body: { received: true, dead_letter: true, code } })
    expect(await deadLetters(id)).toEqual([{ error_code: code, sqlstate, attempts: 1 }])
    if (id) expect(await applied(id)).toBe(0)
    expect(await balance()).toBe(before)
    return id
  }

  it('an unknown user: 200 dead_letter, recorded once, a redelivery counts an attempt and applies nothing', async () => {
    const stranger = '00000000-0000-4000-8000-0000000000ff'
    const evt = typed<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed', session({ user_id: stranger, purchase_id: 'poison-1' }, stranger))
    await expectDeadLetter(evt, 'unknown_reference', '23503')
    expect((await deliver(evt)).body).toMatchObject({ dead_letter: true, code: 'unknown_reference' })
    expect(await deadLetters(evt.id)).toEqual([{ error_code: 'unknown_reference', sqlstate: '23503', attempts: 2 }])
  })

  it('a non-UUID user_id', async () => {
    await expectDeadLetter(typed<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed', session({ user_id: 'not-a-uuid', purchase_id: 'poison-2' })), 'invalid_value', '22P02')
  })

  it('an event without created', async () => {
    await expectDeadLetter(typed<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed', session({ user_id: user, purchase_id: 'poison-3' }), null), 'invalid_event', null)
  })

  it('credit_cents "abc"', async () => {
    await expectDeadLetter(typed<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed', session({ user_id: user, purchase_id: 'poison-4', credit_cents: 'abc' })), 'invalid_value', '22P02')
  })

  it('a signed [] body', async () => {
    await expectDeadLetter([], 'invalid_event', null)
  })

  it('a subscription at a price no tier has (metadata.tier = "platinum" is not read): unknown_price, the tier stays as it was', async () => {
    const tierBefore = await query(`select subscription_tier, subscription_status from billing.customers where user_id = $1`, [user])
    const sub = { id: 'sub_poison_platinum', object: 'subscription', customer: 'cus_test_1', status: 'active', metadata: { user_id: user, tier: 'platinum' },
      items: { object: 'list', data: [{ id: 'si_platinum', object: 'subscription_item', price: { id: 'price_platinum', object: 'price' } }] } } as unknown as Partial<Stripe.Subscription>
    await expectDeadLetter(typed<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', sub, now() + 10_000), 'unknown_price', '23503')
    expect(await query(`select subscription_tier, subscription_status from billing.customers where user_id = $1`, [user])).toEqual(tierBefore)
  })

  it('a transient failure (database unreachable) answers 5xx and records no dead letter, so Stripe retries', async () => {
    const evt = typed<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed', session({ user_id: user, purchase_id: 'poison-transient' }))
    const url = process.env.SUPABASE_DB_URL!
    process.env.SUPABASE_DB_URL = 'postgres://postgres:postgres@127.0.0.1:1/postgres'
    let res
    try {
      res = await deliver(evt)
    } finally {
      process.env.SUPABASE_DB_URL = url
    }
    expect(res.status).toBeGreaterThanOrEqual(500)
    expect(res.body).not.toHaveProperty('dead_letter')
    expect(await deadLetters(evt.id)).toEqual([])
    expect(await applied(evt.id)).toBe(0)
  })

  it('classifies by SQLSTATE class: serialization failures and deadlocks are transient, data and integrity errors poison', () => {
    expect(poisonCode(Object.assign(new Error('x'), { code: '40001' }))).toBeNull()
    expect(poisonCode(Object.assign(new Error('x'), { code: '40P01' }))).toBeNull()
    expect(poisonCode(Object.assign(new Error('x'), { code: '08006' }))).toBeNull()
    expect(poisonCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeNull()
    expect(poisonCode(Object.assign(new Error('x'), { code: '23505' }))).toBeNull()
    expect(poisonCode(Object.assign(new Error('x'), { code: '22003' }))).toBe('invalid_value')
  })
})
