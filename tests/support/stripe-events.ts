// Stripe-shaped events for the billing tests, typed by the stripe package: an event envelope around an
// object of the event's own type (Stripe.Charge for charge.refunded, Stripe.Refund for refund.created,
// ...), with only the fields billing reads filled in; and signed delivery to the webhook app.
import Stripe from 'stripe'

export const STRIPE_TEST_API_VERSION = '2026-10-28.endive'

let seq = 0
export const nowSeconds = () => Math.floor(Date.now() / 1000)

/** An event of `type` around `object` (a partial object of that event's type). */
export function stripeEvent<T extends Stripe.Event>(type: T['type'], object: Partial<T['data']['object']>, created = nowSeconds()): T {
  return {
    id: `evt_test_${++seq}_${Math.random().toString(36).slice(2, 10)}`, object: 'event', api_version: STRIPE_TEST_API_VERSION, created,
    livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object },
  } as unknown as T
}

export const checkoutSession = (o: { user: string; purchaseId: string; paymentIntent: string; paid: number; credits: number; customer?: string }): Partial<Stripe.Checkout.Session> => ({
  id: `cs_test_${o.purchaseId}`, object: 'checkout.session', mode: 'payment', payment_status: 'paid', status: 'complete', amount_total: o.paid, currency: 'usd',
  customer: o.customer ?? null, client_reference_id: o.user, payment_intent: o.paymentIntent,
  metadata: { user_id: o.user, purchase_id: o.purchaseId, credit_cents: String(o.credits) },
})

export const charge = (o: { id: string; paymentIntent: string; amount: number; refunded: number }): Partial<Stripe.Charge> => ({
  id: o.id, object: 'charge', amount: o.amount, amount_refunded: o.refunded, refunded: o.refunded >= o.amount, currency: 'usd', paid: true,
  status: 'succeeded', payment_intent: o.paymentIntent,
})

export const refund = (o: { id: string; charge: string; paymentIntent: string; amount: number; status?: string }): Partial<Stripe.Refund> => ({
  id: o.id, object: 'refund', amount: o.amount, currency: 'usd', charge: o.charge, payment_intent: o.paymentIntent, status: o.status ?? 'succeeded',
})

export const dispute = (o: { id: string; charge: string; paymentIntent: string; amount: number; status: Stripe.Dispute.Status }): Partial<Stripe.Dispute> => ({
  id: o.id, object: 'dispute', amount: o.amount, currency: 'usd', charge: o.charge, payment_intent: o.paymentIntent, status: o.status, reason: 'fraudulent',
})

/** Signs `evt` as Stripe does (over the exact body sent) and posts it to the webhook app. */
export async function deliverStripeEvent(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  evt: unknown,
  secret: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = JSON.stringify(evt)
  const header = new Stripe('sk_test_unused').webhooks.generateTestHeaderString({ payload, secret, timestamp: nowSeconds() })
  const res = await app.request('/stripe-webhook', { method: 'POST', body: payload, headers: { 'stripe-signature': header } })
  return { status: res.status, body: await res.json() }
}

/** A subscription with one item at `price` (Stripe's shape for the pinned version: the period is on the item). */
export const subscription = (o: {
  id: string; customer: string; status: Stripe.Subscription.Status; price: string; interval?: 'month' | 'year'
  cancelAtPeriodEnd?: boolean; periodEnd?: number; trialEnd?: number | null; metadata?: Record<string, string>
}): Partial<Stripe.Subscription> => ({
  id: o.id, object: 'subscription', customer: o.customer, status: o.status, cancel_at_period_end: o.cancelAtPeriodEnd ?? false,
  trial_end: o.trialEnd ?? null, metadata: o.metadata ?? {},
  items: {
    object: 'list', has_more: false, url: `/v1/subscription_items?subscription=${o.id}`,
    data: [{
      id: `si_${o.id}`, object: 'subscription_item', subscription: o.id, quantity: 1, current_period_end: o.periodEnd ?? 1_900_000_000,
      price: { id: o.price, object: 'price', recurring: { interval: o.interval ?? 'month' } } as Stripe.Price,
    } as Stripe.SubscriptionItem],
  },
})

export const invoice = (o: { id: string; customer: string; amount: number; hostedUrl?: string }): Partial<Stripe.Invoice> => ({
  id: o.id, object: 'invoice', customer: o.customer, amount_due: o.amount, amount_paid: 0, currency: 'usd', number: `N-${o.id}`,
  hosted_invoice_url: o.hostedUrl ?? `https://invoice.stripe.test/i/${o.id}`, status: 'open', metadata: {},
})
