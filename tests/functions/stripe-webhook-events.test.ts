// The list of handled Stripe event types is one list: the exported constant, the database's list and
// the table in docs/billing.md are the same, and every type on it is applied (recorded, not "ignored")
// when Stripe sends it in its own shape. Behaviour per type: stripe-webhook.test.ts (purchases,
// invoices), stripe-webhook-refunds.test.ts (refunds, disputes), stripe-webhook-subscriptions.test.ts.
import { readFileSync } from 'node:fs'
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { HANDLED_STRIPE_EVENTS } from '../../functions/_shared/stripe.ts'
import { app } from '../../functions/stripe-webhook/app.ts'
import { charge, checkoutSession, deliverStripeEvent, dispute, invoice, refund, stripeEvent, subscription } from '../support/stripe-events.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withoutEnv } from './unset-env.ts'

const SECRET = 'whsec_test_secret_for_the_event_list_suite'
let db: TestDatabase
let user: string

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const deliver = (evt: unknown) => deliverStripeEvent(app, evt, SECRET)

/** The event types in docs/billing.md's "Stripe events" table. */
function documentedTypes(): string[] {
  const doc = readFileSync(new URL('../../docs/billing.md', import.meta.url), 'utf8')
  const section = doc.split(/^## /m).find((s) => s.startsWith('Stripe events\n'))
  expect(section, 'docs/billing.md has a "## Stripe events" section').toBeDefined()
  return [...section!.matchAll(/^\| `([a-z_.]+)` \|/gm)].map((m) => m[1])
}

/** A Stripe-shaped object for each handled type (user `user`, customer cus_events, payment pi_events). */
function objectFor(type: (typeof HANDLED_STRIPE_EVENTS)[number]): Record<string, unknown> {
  const pi = 'pi_events'
  if (type.startsWith('checkout.session.')) return checkoutSession({ user, purchaseId: 'events-1', paymentIntent: pi, paid: 1000, credits: 1000, customer: 'cus_events' })
  if (type.startsWith('invoice.')) return invoice({ id: 'in_events', customer: 'cus_events', amount: 2900 })
  if (type.startsWith('customer.subscription.')) return subscription({ id: 'sub_events', customer: 'cus_events', status: type.endsWith('deleted') ? 'canceled' : 'active', price: 'price_events_pro' })
  if (type === 'charge.refunded') return charge({ id: 'ch_events', paymentIntent: pi, amount: 1000, refunded: 100 })
  if (type.startsWith('refund.') || type === 'charge.refund.updated') {
    return refund({ id: `re_events_${type}`, charge: 'ch_events', paymentIntent: pi, amount: 100, status: type === 'refund.failed' ? 'failed' : 'succeeded' })
  }
  return dispute({ id: 'dp_events', charge: 'ch_events', paymentIntent: pi, amount: 100, status: type === 'charge.dispute.closed' ? 'won' : 'needs_response' })
}

beforeAll(async () => {
  db = await startTestDatabase()
  process.env.SUPABASE_DB_URL = db.url
  process.env.STRIPE_WEBHOOK_SECRET = SECRET
  user = (await query<{ id: string }>(`select tests.create_supabase_user('events_user') as id`))[0].id
  await query(`insert into billing.customers (user_id, stripe_customer_id) values ($1, 'cus_events')`, [user])
  await query(`insert into billing.stripe_prices (price_id, tier, interval) values ('price_events_pro', 'pro', 'month')`)
})
afterAll(async () => {
  await closeDb()
  await db.stop()
})

describe('handled Stripe event types', () => {
  it('the exported list, the database list and docs/billing.md name the same types', async () => {
    const sorted = (xs: readonly string[]) => [...xs].sort()
    const [{ types }] = await query<{ types: string[] }>(`select private.stripe_handled_event_types() as types`)
    expect(sorted(types)).toEqual(sorted(HANDLED_STRIPE_EVENTS))
    expect(sorted(documentedTypes())).toEqual(sorted(HANDLED_STRIPE_EVENTS))
    expect(new Set(HANDLED_STRIPE_EVENTS).size).toBe(HANDLED_STRIPE_EVENTS.length)
  })

  it('every handled type, sent in Stripe\'s shape, is applied and recorded; no dead letter', async () => {
    await withoutEnv(['STRIPE_SECRET_KEY'], async () => {
      for (const type of HANDLED_STRIPE_EVENTS) {
        const evt = stripeEvent<Stripe.Event>(type, objectFor(type) as Partial<Stripe.Event['data']['object']>)
        const res = await deliver(evt)
        expect(res.status, type).toBe(200)
        expect(res.body, type).not.toHaveProperty('dead_letter')
        expect(res.body.outcome, type).not.toBe('ignored: event type not handled')
        expect(await query(`select type from billing.stripe_events where id = $1`, [evt.id]), type).toEqual([{ type }])
      }
    })
    // The refunds above (refund.created 100, refund.updated, charge.refund.updated of other ids, one
    // failed): 1000 credits for 1000 paid, 300 refunded by id (the failed one not), dispute won.
    expect(await query(`select refunded_cents::int, refund_debited_cents::int, held_cents::int from billing.credit_purchases where user_id = $1`, [user]))
      .toEqual([{ refunded_cents: 300, refund_debited_cents: 300, held_cents: 0 }])
  })

  it('a refund Stripe reports only as charge.refund.updated (older API versions) debits too', async () => {
    const [{ id }] = await query<{ id: string }>(`select tests.create_supabase_user('events_legacy') as id`)
    await deliver(stripeEvent<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed',
      checkoutSession({ user: id, purchaseId: 'events-legacy', paymentIntent: 'pi_legacy', paid: 1000, credits: 1000 })))
    await deliver(stripeEvent<Stripe.ChargeRefundUpdatedEvent>('charge.refund.updated', refund({ id: 're_legacy', charge: 'ch_legacy', paymentIntent: 'pi_legacy', amount: 250 })))
    expect(await query(`select balance::int from billing.user_credits where user_id = $1`, [id])).toEqual([{ balance: 750 }])
  })

  it('a type not on the list is acknowledged and writes nothing', async () => {
    const evt = stripeEvent<Stripe.Event>('payment_intent.created', { id: 'pi_unhandled', object: 'payment_intent' } as Partial<Stripe.Event['data']['object']>)
    expect(await deliver(evt)).toMatchObject({ status: 200, body: { outcome: 'ignored: event type not handled' } })
    expect(await query(`select 1 from billing.stripe_events where id = $1`, [evt.id])).toEqual([])
  })
})
