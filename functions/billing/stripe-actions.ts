// Stripe calls made for a signed-in user: the customer (created once per user, Stripe idempotency
// key = user id), checkout sessions for credit packs and tier subscriptions, the billing portal.
import type { z } from 'zod'
import { db } from '../_shared/db.ts'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { stripeClient } from '../_shared/stripe.ts'
import type { CheckoutBody } from './schemas.ts'

const siteUrl = () => env('SITE_URL') ?? 'http://127.0.0.1:3000'

export async function ensureCustomer(userId: string, email: string | undefined): Promise<string> {
  const sql = db()
  const [existing] = await sql<{ stripe_customer_id: string | null }[]>`
    select stripe_customer_id from billing.customers where user_id = ${userId}`
  if (existing?.stripe_customer_id) return existing.stripe_customer_id
  const customer = await stripeClient().customers.create(
    { email, metadata: { user_id: userId } },
    { idempotencyKey: `customer:${userId}` },
  )
  const [row] = await sql<{ stripe_customer_id: string }[]>`
    insert into billing.customers (user_id, stripe_customer_id) values (${userId}, ${customer.id})
    on conflict (user_id) do update set stripe_customer_id = coalesce(billing.customers.stripe_customer_id, excluded.stripe_customer_id)
    returning stripe_customer_id`
  return row.stripe_customer_id
}

export async function createCheckout(userId: string, email: string | undefined, body: z.infer<typeof CheckoutBody>) {
  const customer = await ensureCustomer(userId, email)
  const stripe = stripeClient()
  const common = {
    customer,
    client_reference_id: userId,
    success_url: `${siteUrl()}/billing?checkout=success`,
    cancel_url: `${siteUrl()}/billing?checkout=cancel`,
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
  const [tier] = await db()<{ price_monthly: string; price_yearly: string; display_name: string }[]>`
    select price_monthly, price_yearly, display_name from billing.subscription_tiers where name = ${body.tier} and is_active`
  if (!tier) throw new ApiError(404, 'tier_not_found', `No active tier ${body.tier}`)
  const price = Math.round(Number(body.interval === 'month' ? tier.price_monthly : tier.price_yearly) * 100)
  const session = await stripe.checkout.sessions.create({
    ...common,
    mode: 'subscription',
    line_items: [{
      quantity: 1,
      price_data: { currency: 'usd', unit_amount: price, recurring: { interval: body.interval }, product_data: { name: `${tier.display_name} (${body.interval}ly)` } },
    }],
    subscription_data: { metadata: { user_id: userId, tier: body.tier } },
  })
  return { id: session.id, url: session.url }
}

export async function createPortal(userId: string): Promise<{ url: string }> {
  const [row] = await db()<{ stripe_customer_id: string | null }[]>`select stripe_customer_id from billing.customers where user_id = ${userId}`
  if (!row?.stripe_customer_id) throw new ApiError(409, 'no_customer', 'No Stripe customer yet: start a checkout first')
  const session = await stripeClient().billingPortal.sessions.create({ customer: row.stripe_customer_id, return_url: `${siteUrl()}/billing` })
  return { url: session.url }
}

/** Applies every event Stripe reports for the last `days` days; already-applied ones are no-ops. */
export async function reconcile(days: number): Promise<{ seen: number; applied: number }> {
  const sql = db()
  let seen = 0
  let applied = 0
  const since = Math.floor(Date.now() / 1000) - days * 86400
  for await (const event of stripeClient().events.list({ created: { gte: since }, limit: 100 })) {
    seen++
    const [{ result }] = await sql<{ result: { outcome: string } }[]>`select billing.apply_stripe_event(${sql.json(event as never)}) as result`
    if (result.outcome !== 'duplicate') applied++
  }
  return { seen, applied }
}
