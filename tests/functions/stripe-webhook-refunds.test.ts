// Refunds and disputes through the webhook, with Stripe-shaped events: the credits a payment bought are
// debited for a refund (its share for a partial one), once per refund whichever event reports it and in
// any order; a dispute holds them, a won dispute releases them, a lost one debits them; a balance below
// zero restricts the account until a purchase tops it up. Runs on PGlite and, with TEST_DATABASE_URL,
// on real PostgreSQL.
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { app } from '../../functions/stripe-webhook/app.ts'
import { charge, checkoutSession, deliverStripeEvent, dispute, refund, stripeEvent } from '../support/stripe-events.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const SECRET = 'whsec_test_secret_for_the_refund_suite'
let db: TestDatabase

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const deliver = (evt: unknown) => deliverStripeEvent(app, evt, SECRET)
const balance = async (user: string) =>
  (await query<{ balance: number }>(`select coalesce((select balance from billing.user_credits where user_id = $1), 0)::int as balance`, [user]))[0].balance
const purchase = async (user: string) =>
  (await query(`select refunded_cents::int, refund_debited_cents::int, held_cents::int, dispute_debited_cents::int from billing.credit_purchases where user_id = $1`, [user]))[0]

let n = 0
/** A new user with one paid purchase: `paid` cents paid for `credits` cents of credits. */
async function buyer(paid: number, credits: number) {
  const i = ++n
  const [{ id }] = await query<{ id: string }>(`select tests.create_supabase_user($1) as id`, [`refund_buyer_${i}`])
  const pi = `pi_test_${i}`
  const ch = `ch_test_${i}`
  const res = await deliver(stripeEvent<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed',
    checkoutSession({ user: id, purchaseId: `refund-${i}`, paymentIntent: pi, paid, credits })))
  expect(res).toMatchObject({ status: 200, body: { outcome: 'applied' } })
  return { id, pi, ch, i }
}

beforeAll(async () => {
  db = await startTestDatabase()
  process.env.SUPABASE_DB_URL = db.url
  process.env.STRIPE_WEBHOOK_SECRET = SECRET
})
afterAll(async () => {
  await closeDb()
  await db.stop()
})

describe('refunds', () => {
  it('a full refund (refund.created) debits every credit the payment bought, once however often it is delivered', async () => {
    const b = await buyer(2500, 2500)
    expect(await purchase(b.id)).toMatchObject({ refunded_cents: 0, refund_debited_cents: 0 })
    const created = stripeEvent<Stripe.RefundCreatedEvent>('refund.created', refund({ id: `re_${b.i}`, charge: b.ch, paymentIntent: b.pi, amount: 2500 }))
    expect(await deliver(created)).toMatchObject({ status: 200, body: { outcome: 'applied' } })
    expect(await deliver(created)).toMatchObject({ status: 200, body: { outcome: 'duplicate' } })
    // The same refund reported again by charge.refunded and refund.updated: nothing more.
    await deliver(stripeEvent<Stripe.ChargeRefundedEvent>('charge.refunded', charge({ id: b.ch, paymentIntent: b.pi, amount: 2500, refunded: 2500 })))
    await deliver(stripeEvent<Stripe.RefundUpdatedEvent>('refund.updated', refund({ id: `re_${b.i}`, charge: b.ch, paymentIntent: b.pi, amount: 2500 })))
    expect(await balance(b.id)).toBe(0)
    expect(await purchase(b.id)).toMatchObject({ refunded_cents: 2500, refund_debited_cents: 2500 })
    expect(await query(`select kind, amount_cents::int from billing.credit_ledger where user_id = $1 order by id`, [b.id]))
      .toEqual([{ kind: 'purchase', amount_cents: 2500 }, { kind: 'refund', amount_cents: -2500 }])
  })

  it('partial refunds debit their share of the credits (paid 2000 for 2500 credits: 1000 refunded = 1250 credits)', async () => {
    const b = await buyer(2000, 2500)
    await deliver(stripeEvent<Stripe.RefundCreatedEvent>('refund.created', refund({ id: `re_${b.i}_a`, charge: b.ch, paymentIntent: b.pi, amount: 1000 })))
    expect(await balance(b.id)).toBe(1250)
    await deliver(stripeEvent<Stripe.ChargeRefundedEvent>('charge.refunded', charge({ id: b.ch, paymentIntent: b.pi, amount: 2000, refunded: 1000 })))
    expect(await balance(b.id)).toBe(1250)
    await deliver(stripeEvent<Stripe.RefundCreatedEvent>('refund.created', refund({ id: `re_${b.i}_b`, charge: b.ch, paymentIntent: b.pi, amount: 500 })))
    expect(await balance(b.id)).toBe(625)
    expect(await purchase(b.id)).toMatchObject({ refunded_cents: 1500, refund_debited_cents: 1875 })
  })

  it('charge.refunded before refund.created (no refund id on the charge): debited once, by whichever comes first', async () => {
    const b = await buyer(1000, 1000)
    await deliver(stripeEvent<Stripe.ChargeRefundedEvent>('charge.refunded', charge({ id: b.ch, paymentIntent: b.pi, amount: 1000, refunded: 400 })))
    expect(await balance(b.id)).toBe(600)
    await deliver(stripeEvent<Stripe.RefundCreatedEvent>('refund.created', refund({ id: `re_${b.i}`, charge: b.ch, paymentIntent: b.pi, amount: 400 })))
    expect(await balance(b.id)).toBe(600)
  })

  it('a refund reported before its purchase is applied when the purchase arrives', async () => {
    const [{ id }] = await query<{ id: string }>(`select tests.create_supabase_user('refund_early') as id`)
    const early = await deliver(stripeEvent<Stripe.RefundCreatedEvent>('refund.created', refund({ id: 're_early', charge: 'ch_early', paymentIntent: 'pi_early', amount: 300 })))
    expect(early).toMatchObject({ status: 200, body: { outcome: 'recorded: no credit purchase for this payment (yet)' } })
    await deliver(stripeEvent<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed',
      checkoutSession({ user: id, purchaseId: 'refund-early', paymentIntent: 'pi_early', paid: 1000, credits: 1000 })))
    expect(await balance(id)).toBe(700)
  })

  it('a failed refund takes nothing back; a refund of a payment that bought no credits changes no balance', async () => {
    const b = await buyer(1000, 1000)
    await deliver(stripeEvent<Stripe.RefundFailedEvent>('refund.failed', refund({ id: `re_${b.i}`, charge: b.ch, paymentIntent: b.pi, amount: 1000, status: 'failed' })))
    expect(await balance(b.id)).toBe(1000)
    const stranger = await deliver(stripeEvent<Stripe.RefundCreatedEvent>('refund.created', refund({ id: 're_subscription', charge: 'ch_sub', paymentIntent: 'pi_sub', amount: 2900 })))
    expect(stranger.status).toBe(200)
    expect(await balance(b.id)).toBe(1000)
  })
})

describe('disputes', () => {
  it('created: the disputed credits are held (out of the balance); closed won: released', async () => {
    const b = await buyer(2500, 2500)
    const open = dispute({ id: `dp_${b.i}`, charge: b.ch, paymentIntent: b.pi, amount: 2500, status: 'needs_response' })
    await deliver(stripeEvent<Stripe.ChargeDisputeCreatedEvent>('charge.dispute.created', open))
    expect(await balance(b.id)).toBe(0)
    expect(await purchase(b.id)).toMatchObject({ held_cents: 2500, dispute_debited_cents: 0 })
    expect(await query(`select balance::int, held_cents::int, restricted from billing.account_standing where user_id = $1`, [b.id]))
      .toEqual([{ balance: 0, held_cents: 2500, restricted: false }])
    await deliver(stripeEvent<Stripe.ChargeDisputeClosedEvent>('charge.dispute.closed', { ...open, status: 'won' }))
    expect(await balance(b.id)).toBe(2500)
    expect(await purchase(b.id)).toMatchObject({ held_cents: 0, dispute_debited_cents: 0 })
    // A late update with an open status neither re-holds nor re-releases.
    await deliver(stripeEvent<Stripe.ChargeDisputeUpdatedEvent>('charge.dispute.updated', { ...open, status: 'under_review' }))
    expect(await balance(b.id)).toBe(2500)
  })

  it('closed lost: the held credits are debited for good', async () => {
    const b = await buyer(2000, 2500)
    const open = dispute({ id: `dp_${b.i}`, charge: b.ch, paymentIntent: b.pi, amount: 1000, status: 'needs_response' })
    await deliver(stripeEvent<Stripe.ChargeDisputeCreatedEvent>('charge.dispute.created', open))
    expect(await balance(b.id)).toBe(1250)
    await deliver(stripeEvent<Stripe.ChargeDisputeClosedEvent>('charge.dispute.closed', { ...open, status: 'lost' }))
    expect(await balance(b.id)).toBe(1250)
    expect(await purchase(b.id)).toMatchObject({ held_cents: 0, dispute_debited_cents: 1250 })
  })

  it('closed (won) delivered before created: ends released, the balance untouched', async () => {
    const b = await buyer(1000, 1000)
    const d = dispute({ id: `dp_${b.i}`, charge: b.ch, paymentIntent: b.pi, amount: 1000, status: 'won' })
    await deliver(stripeEvent<Stripe.ChargeDisputeClosedEvent>('charge.dispute.closed', d))
    await deliver(stripeEvent<Stripe.ChargeDisputeCreatedEvent>('charge.dispute.created', { ...d, status: 'needs_response' }))
    expect(await balance(b.id)).toBe(1000)
    expect(await purchase(b.id)).toMatchObject({ held_cents: 0, dispute_debited_cents: 0 })
  })
})

describe('a balance below zero restricts the account', () => {
  it('spent credits refunded: restricted (no cluster assignment) until a purchase tops the balance up', async () => {
    const b = await buyer(1000, 1000)
    await query(`select billing.record_usage($1, null, '2026-11-20'::date, 100, 0, 0, 0)`, [b.id]) // free tier: 6 cents/CPU hour -> 600
    expect(await balance(b.id)).toBe(400)
    await deliver(stripeEvent<Stripe.RefundCreatedEvent>('refund.created', refund({ id: `re_${b.i}`, charge: b.ch, paymentIntent: b.pi, amount: 1000 })))
    expect(await query(`select balance::int, restricted from billing.account_standing where user_id = $1`, [b.id])).toEqual([{ balance: -600, restricted: true }])
    await query(`insert into billing.hopsworks_clusters (name, api_url, api_key) values ('restricted-test', 'https://r.test', 'k')`)
    await expect(query(`select billing.assign_cluster($1)`, [b.id])).rejects.toMatchObject({ message: expect.stringContaining('restricted') })
    // Usage while restricted is recorded, and charged nothing.
    const [day] = await query(`select charged_cents::int, uncovered_cents::int from billing.record_usage($1, null, '2026-11-21'::date, 10, 0, 0, 0)`, [b.id])
    expect(day).toEqual({ charged_cents: 0, uncovered_cents: 60 })
    expect(await balance(b.id)).toBe(-600)
    await deliver(stripeEvent<Stripe.CheckoutSessionCompletedEvent>('checkout.session.completed',
      checkoutSession({ user: b.id, purchaseId: `topup-${b.i}`, paymentIntent: `pi_topup_${b.i}`, paid: 1000, credits: 1000 })))
    expect(await query(`select balance::int, restricted from billing.account_standing where user_id = $1`, [b.id])).toEqual([{ balance: 400, restricted: false }])
    expect(await query(`select billing.assign_cluster($1) is not null as assigned`, [b.id])).toEqual([{ assigned: true }])
  })
})
