// Stripe calls made for a signed-in user: the customer (created once per user, Stripe idempotency
// key = user id), checkout sessions for credit packs and tier subscriptions (at the tier's Stripe
// price from billing.stripe_prices), the billing portal.
// Each checks its configuration before anything else (STRIPE_SECRET_KEY: 503 stripe_not_configured;
// SITE_URL, where Stripe sends the customer back: 503 site_url_not_configured), so an unconfigured
// deployment neither calls Stripe nor writes a row.
import type Stripe from 'stripe'
import type { z } from 'zod'
import { db } from '../_shared/db.ts'
import { requireEnv } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { applyStripeEvent, isDeadLetter, stripeClient } from '../_shared/stripe.ts'
import type { CheckoutBody } from './schemas.ts'

const siteUrl = () => requireEnv('SITE_URL', 'site_url_not_configured').replace(/\/$/, '')

export async function ensureCustomer(stripe: Stripe, userId: string, email: string | undefined): Promise<string> {
  const sql = db()
  const [existing] = await sql<{ stripe_customer_id: string | null }[]>`
    select stripe_customer_id from billing.customers where user_id = ${userId}`
  if (existing?.stripe_customer_id) return existing.stripe_customer_id
  const customer = await stripe.customers.create(
    { email, metadata: { user_id: userId } },
    { idempotencyKey: `customer:${userId}` },
  )
  const [row] = await sql<{ stripe_customer_id: string }[]>`
    insert into billing.customers (user_id, stripe_customer_id) values (${userId}, ${customer.id})
    on conflict (user_id) do update set stripe_customer_id = coalesce(billing.customers.stripe_customer_id, excluded.stripe_customer_id)
    returning stripe_customer_id`
  return row.stripe_customer_id
}

/**
 * The Stripe price a tier is sold at (billing.stripe_prices), so the subscription's price maps back to
 * the tier in the webhook: none configured is 503 stripe_price_not_configured. An account below zero
 * pays what it owes (a credit purchase) first: 409 account_restricted.
 */
async function subscriptionPrice(userId: string, tier: string, interval: string): Promise<string> {
  const [price] = await db()<{ price_id: string }[]>`
    select p.price_id from billing.stripe_prices p join billing.subscription_tiers t on t.name = p.tier
    where p.tier = ${tier} and p.interval = ${interval} and p.is_active and t.is_active`
  if (!price) throw new ApiError(503, 'stripe_price_not_configured', `No active Stripe price for ${tier} (${interval}) in billing.stripe_prices`)
  const [standing] = await db()<{ restricted: boolean }[]>`select private.account_restricted(${userId}) as restricted`
  if (standing.restricted) throw new ApiError(409, 'account_restricted', 'The credit balance is below zero (a refund or dispute): buy credits before subscribing')
  return price.price_id
}

export async function createCheckout(userId: string, email: string | undefined, body: z.infer<typeof CheckoutBody>) {
  const stripe = stripeClient()
  const site = siteUrl()
  const price = body.kind === 'subscription' ? await subscriptionPrice(userId, body.tier, body.interval) : null
  const customer = await ensureCustomer(stripe, userId, email)
  const common = {
    customer,
    client_reference_id: userId,
    success_url: `${site}/billing?checkout=success`,
    cancel_url: `${site}/billing?checkout=cancel`,
  }
  if (body.kind === 'credits') {
    const purchaseId = crypto.randomUUID()
    const metadata = { user_id: userId, purchase_id: purchaseId, credit_cents: String(body.pack_cents) }
    const session = await stripe.checkout.sessions.create({
      ...common,
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: body.pack_cents, product_data: { name: `Credits: $${body.pack_cents / 100}` } } }],
      metadata,
      invoice_creation: { enabled: true, invoice_data: { metadata } },
    })
    return { id: session.id, url: session.url, purchase_id: purchaseId }
  }
  const session = await stripe.checkout.sessions.create({
    ...common,
    mode: 'subscription',
    line_items: [{ quantity: 1, price: price! }],
    subscription_data: { metadata: { user_id: userId } },
  })
  return { id: session.id, url: session.url }
}

export async function createPortal(userId: string): Promise<{ url: string }> {
  const stripe = stripeClient()
  const site = siteUrl()
  const [row] = await db()<{ stripe_customer_id: string | null }[]>`select stripe_customer_id from billing.customers where user_id = ${userId}`
  if (!row?.stripe_customer_id) throw new ApiError(409, 'no_customer', 'No Stripe customer yet: start a checkout first')
  const session = await stripe.billingPortal.sessions.create({ customer: row.stripe_customer_id, return_url: `${site}/billing` })
  return { url: session.url }
}

/**
 * Applies every event Stripe reports for the last `days` days; already-applied ones are no-ops, events
 * already recorded as dead letters are skipped, and a new poison event is dead-lettered and passed,
 * so the events behind it still apply.
 */
export async function reconcile(days: number): Promise<{ seen: number; applied: number; dead_letters: number }> {
  const stripe = stripeClient()
  let seen = 0
  let applied = 0
  let deadLetters = 0
  const since = Math.floor(Date.now() / 1000) - days * 86400
  for await (const event of stripe.events.list({ created: { gte: since }, limit: 100 })) {
    seen++
    if (await isDeadLetter(event.id)) {
      deadLetters++
      continue
    }
    const result = await applyStripeEvent(event)
    if (result.dead_letter) deadLetters++
    else if (result.outcome !== 'duplicate') applied++
  }
  return { seen, applied, dead_letters: deadLetters }
}
