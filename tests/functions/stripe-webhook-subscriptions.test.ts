// Subscription state from Stripe's objects, with Stripe-shaped events and a loopback Stripe API: the
// tier comes from the subscription's price (billing.stripe_prices), so Portal and Dashboard plan changes
// apply; an unknown price is a dead letter for review with the tier unchanged; each subscription event
// applies the subscription as retrieved from the API (the same-second ordering); past_due keeps the paid
// tier for a grace period; cancel at period end keeps it until Stripe ends the subscription; the
// payment-action and trial notices land on the customer row.
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { app as billingApp } from '../../functions/billing/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { app } from '../../functions/stripe-webhook/app.ts'
import { signRoleKey } from '../../stack/keys.ts'
import { deliverStripeEvent, invoice, nowSeconds, stripeEvent, subscription } from '../support/stripe-events.ts'
import { startStripeLoopback, type StripeLoopback } from '../support/stripe-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withoutEnv } from './unset-env.ts'

const SECRET = 'whsec_test_secret_for_the_subscription_suite'
const JWT_SECRET = 'subscription-suite-secret-with-32-characters!'
let db: TestDatabase
let stripe: StripeLoopback

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const deliver = (evt: unknown) => deliverStripeEvent(app, evt, SECRET)
const state = async (user: string) => (await query<Record<string, unknown>>(
  `select subscription_tier, subscription_status from billing.customers where user_id = $1`, [user]))[0]

let n = 0
/** A user with a Stripe customer, as checkout leaves them. */
async function customer() {
  const i = ++n
  const [{ id }] = await query<{ id: string }>(`select tests.create_supabase_user($1) as id`, [`subscriber_${i}`])
  await query(`insert into billing.customers (user_id, stripe_customer_id) values ($1, $2)`, [id, `cus_sub_${i}`])
  return { id, customer: `cus_sub_${i}`, sub: `sub_test_${i}` }
}

/** Stripe's current state of a subscription (what the API answers), and an event carrying it. */
function stripeHas(sub: Partial<Stripe.Subscription>) {
  stripe.subscriptions[sub.id!] = sub as Record<string, unknown>
}

beforeAll(async () => {
  db = await startTestDatabase()
  stripe = await startStripeLoopback()
  Object.assign(process.env, { SUPABASE_DB_URL: db.url, STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_SECRET_KEY: 'sk_test_loopback', STRIPE_API_URL: stripe.url, JWT_SECRET })
  await query(`insert into billing.stripe_prices (price_id, tier, interval) values
    ('price_pro_month', 'pro', 'month'), ('price_pro_year', 'pro', 'year'), ('price_ent_month', 'enterprise', 'month')`)
})
afterAll(async () => {
  await closeDb()
  await stripe.close()
  await db.stop()
})

describe('the tier comes from the price', () => {
  it('a Portal plan change (no metadata at all) applies: pro -> enterprise -> pro yearly', async () => {
    const c = await customer()
    for (const [price, tier] of [['price_pro_month', 'pro'], ['price_ent_month', 'enterprise'], ['price_pro_year', 'pro']] as const) {
      const sub = subscription({ id: c.sub, customer: c.customer, status: 'active', price })
      stripeHas(sub)
      const res = await deliver(stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', sub))
      expect(res).toMatchObject({ status: 200, body: { outcome: 'applied' } })
      expect(await state(c.id)).toEqual({ subscription_tier: tier, subscription_status: 'active' })
    }
    expect(await query(`select subscription_price_id from billing.customers where user_id = $1`, [c.id])).toEqual([{ subscription_price_id: 'price_pro_year' }])
  })

  it('an unknown price: 200, recorded for review (dead letter unknown_price), the tier unchanged; metadata.tier is not trusted', async () => {
    const c = await customer()
    const pro = subscription({ id: c.sub, customer: c.customer, status: 'active', price: 'price_pro_month' })
    stripeHas(pro)
    await deliver(stripeEvent<Stripe.CustomerSubscriptionCreatedEvent>('customer.subscription.created', pro))
    const unknown = subscription({ id: c.sub, customer: c.customer, status: 'active', price: 'price_platinum', metadata: { tier: 'enterprise' } })
    stripeHas(unknown)
    const evt = stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', unknown)
    expect(await deliver(evt)).toMatchObject({ status: 200, body: { dead_letter: true, code: 'unknown_price' } })
    expect(await state(c.id)).toEqual({ subscription_tier: 'pro', subscription_status: 'active' })
    expect(await query(`select error_code, error_message like '%price_platinum%' as names_price from billing.stripe_dead_letters where event_id = $1`, [evt.id]))
      .toEqual([{ error_code: 'unknown_price', names_price: true }])
    const metadataOnly = subscription({ id: c.sub, customer: c.customer, status: 'active', price: 'price_platinum', metadata: { tier: 'platinum' } })
    stripeHas(metadataOnly)
    expect((await deliver(stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', metadataOnly))).status).toBe(200)
  })
})

describe('state retrieved from Stripe', () => {
  it('created(incomplete) and updated(active) in the same second, delivered updated first: ends active on the paid tier', async () => {
    const c = await customer()
    const t = nowSeconds() - 5
    const incomplete = subscription({ id: c.sub, customer: c.customer, status: 'incomplete', price: 'price_pro_month' })
    const active = subscription({ id: c.sub, customer: c.customer, status: 'active', price: 'price_pro_month' })
    stripeHas(active) // Stripe's state by the time the events arrive
    await deliver(stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', active, t))
    await deliver(stripeEvent<Stripe.CustomerSubscriptionCreatedEvent>('customer.subscription.created', incomplete, t))
    expect(await state(c.id)).toEqual({ subscription_tier: 'pro', subscription_status: 'active' })
    expect(stripe.calls.filter((call) => call.path === `/v1/subscriptions/${c.sub}`)).toHaveLength(2)
  })

  it('without STRIPE_SECRET_KEY the event\'s own object applies, ordered by event.created; a subscription Stripe no longer has (404) too', async () => {
    const c = await customer()
    const t = nowSeconds() - 100
    await withoutEnv(['STRIPE_SECRET_KEY'], async () => {
      await deliver(stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', subscription({ id: c.sub, customer: c.customer, status: 'active', price: 'price_ent_month' }), t + 10))
      await deliver(stripeEvent<Stripe.CustomerSubscriptionCreatedEvent>('customer.subscription.created', subscription({ id: c.sub, customer: c.customer, status: 'incomplete', price: 'price_ent_month' }), t))
    })
    expect(await state(c.id)).toEqual({ subscription_tier: 'enterprise', subscription_status: 'active' })
    const gone = `${c.sub}_gone`
    await deliver(stripeEvent<Stripe.CustomerSubscriptionCreatedEvent>('customer.subscription.created', subscription({ id: gone, customer: c.customer, status: 'active', price: 'price_pro_month' })))
    expect(await state(c.id)).toEqual({ subscription_tier: 'pro', subscription_status: 'active' })
  })

  it('a deleted subscription is never revived by a late update', async () => {
    const c = await customer()
    const active = subscription({ id: c.sub, customer: c.customer, status: 'active', price: 'price_pro_month' })
    stripeHas(active)
    await deliver(stripeEvent<Stripe.CustomerSubscriptionCreatedEvent>('customer.subscription.created', active))
    const canceled = subscription({ id: c.sub, customer: c.customer, status: 'canceled', price: 'price_pro_month' })
    stripeHas(canceled)
    await deliver(stripeEvent<Stripe.CustomerSubscriptionDeletedEvent>('customer.subscription.deleted', canceled))
    expect(await state(c.id)).toEqual({ subscription_tier: 'free', subscription_status: 'canceled' })
    await withoutEnv(['STRIPE_SECRET_KEY'], () => deliver(stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', active, nowSeconds() + 60)))
    expect(await state(c.id)).toEqual({ subscription_tier: 'free', subscription_status: 'canceled' })
  })
})

describe('past_due, cancel at period end, notices', () => {
  it('past_due keeps the paid tier for the grace period, then POST /billing/past-due puts the customer on free; paying again restores it', async () => {
    const c = await customer()
    const pastDue = subscription({ id: c.sub, customer: c.customer, status: 'past_due', price: 'price_pro_month' })
    stripeHas(pastDue)
    await deliver(stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', pastDue))
    expect(await state(c.id)).toEqual({ subscription_tier: 'pro', subscription_status: 'past_due' })
    expect(await query(`select grace_ends_at = past_due_since + interval '7 days' as seven_days from billing.customers where user_id = $1`, [c.id])).toEqual([{ seven_days: true }])
    const service = await signRoleKey('service_role', JWT_SECRET)
    const sweep = async () => (await billingApp.request('/billing/past-due', { method: 'POST', headers: { authorization: `Bearer ${service}` } })).json()
    expect(await sweep()).toEqual({ downgraded: 0 })
    expect(await state(c.id)).toEqual({ subscription_tier: 'pro', subscription_status: 'past_due' })
    // Eight days later (the stored times moved back instead of the clock forward).
    await query(`update billing.customers set past_due_since = past_due_since - interval '8 days', grace_ends_at = grace_ends_at - interval '8 days' where user_id = $1`, [c.id])
    expect(await sweep()).toEqual({ downgraded: 1 })
    expect(await state(c.id)).toEqual({ subscription_tier: 'free', subscription_status: 'past_due' })
    // Another past_due update after the grace ended keeps free (past_due_since is kept, not restarted).
    await deliver(stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', pastDue))
    expect(await state(c.id)).toEqual({ subscription_tier: 'free', subscription_status: 'past_due' })
    const active = subscription({ id: c.sub, customer: c.customer, status: 'active', price: 'price_pro_month' })
    stripeHas(active)
    await deliver(stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', active))
    expect(await state(c.id)).toEqual({ subscription_tier: 'pro', subscription_status: 'active' })
    expect(await query(`select past_due_since, grace_ends_at from billing.customers where user_id = $1`, [c.id])).toEqual([{ past_due_since: null, grace_ends_at: null }])
  })

  it('the grace period is a database setting: 0 puts a past_due customer on free at once', async () => {
    const c = await customer()
    await query(`update billing.settings set past_due_grace = interval '0'`)
    try {
      const pastDue = subscription({ id: c.sub, customer: c.customer, status: 'past_due', price: 'price_pro_month' })
      stripeHas(pastDue)
      await deliver(stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', pastDue))
      expect(await state(c.id)).toEqual({ subscription_tier: 'free', subscription_status: 'past_due' })
    } finally {
      await query(`update billing.settings set past_due_grace = interval '7 days'`)
    }
  })

  it('cancel_at_period_end keeps the paid tier until Stripe ends the subscription', async () => {
    const c = await customer()
    const ending = subscription({ id: c.sub, customer: c.customer, status: 'active', price: 'price_ent_month', cancelAtPeriodEnd: true, periodEnd: 1_950_000_000 })
    stripeHas(ending)
    await deliver(stripeEvent<Stripe.CustomerSubscriptionUpdatedEvent>('customer.subscription.updated', ending))
    expect(await query(`select subscription_tier, cancel_at_period_end, extract(epoch from current_period_end)::bigint as period_end from billing.customers where user_id = $1`, [c.id]))
      .toEqual([{ subscription_tier: 'enterprise', cancel_at_period_end: true, period_end: 1_950_000_000 }])
    const ended = { ...ending, status: 'canceled' as const }
    stripeHas(ended)
    await deliver(stripeEvent<Stripe.CustomerSubscriptionDeletedEvent>('customer.subscription.deleted', ended))
    expect(await state(c.id)).toEqual({ subscription_tier: 'free', subscription_status: 'canceled' })
  })

  it('invoice.payment_action_required: a notice on the customer row (invoice and its page) until the invoice is paid', async () => {
    const c = await customer()
    const inv = invoice({ id: `in_action_${c.customer}`, customer: c.customer, amount: 2900 })
    expect(await deliver(stripeEvent<Stripe.InvoicePaymentActionRequiredEvent>('invoice.payment_action_required', inv))).toMatchObject({ status: 200, body: { outcome: 'applied' } })
    expect(await query(`select payment_action_invoice, payment_action_url from billing.customers where user_id = $1`, [c.id]))
      .toEqual([{ payment_action_invoice: inv.id, payment_action_url: inv.hosted_invoice_url }])
    await deliver(stripeEvent<Stripe.InvoicePaidEvent>('invoice.paid', { ...inv, status: 'paid', amount_paid: 2900 }))
    expect(await query(`select payment_action_invoice, payment_action_url from billing.customers where user_id = $1`, [c.id]))
      .toEqual([{ payment_action_invoice: null, payment_action_url: null }])
  })

  it('customer.subscription.trial_will_end: trial_ends_at on the customer row', async () => {
    const c = await customer()
    const trialing = subscription({ id: c.sub, customer: c.customer, status: 'trialing', price: 'price_pro_month', trialEnd: 1_960_000_000 })
    stripeHas(trialing)
    await deliver(stripeEvent<Stripe.CustomerSubscriptionTrialWillEndEvent>('customer.subscription.trial_will_end', trialing))
    expect(await query(`select subscription_tier, extract(epoch from trial_ends_at)::bigint as trial_end from billing.customers where user_id = $1`, [c.id]))
      .toEqual([{ subscription_tier: 'pro', trial_end: 1_960_000_000 }])
  })
})
