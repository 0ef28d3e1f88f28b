// POST /stripe-webhook: Stripe's event deliveries. The signature is checked on the raw body
// (a re-serialized payload fails), with a 300 s tolerance, exactly one t= in the header and no timestamps from the future; then the
// event is applied exactly once in one transaction (billing.apply_stripe_event). An event that can never
// apply (poison: see poisonCode) is recorded in billing.stripe_dead_letters and answered 200
// {dead_letter: true, code}; a transient failure commits nothing and answers 5xx so Stripe retries; a
// redelivery answers 200 without effects. The handled types (HANDLED_STRIPE_EVENTS: purchases, invoices,
// subscriptions, refunds, disputes) and their effects are listed in docs/billing.md; for a
// customer.subscription.* event the subscription is re-read from the Stripe API when STRIPE_SECRET_KEY is
// set (the latest read wins over delivery order). Without
// STRIPE_WEBHOOK_SECRET: 503 stripe_webhook_not_configured (Stripe retries for up to three days).
import { createApp } from '../_shared/app.ts'
import { requireEnv } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { applyStripeEvent, stripeCrypto, stripeWebhooks } from '../_shared/stripe.ts'

export const TOLERANCE_SECONDS = 300
const FUTURE_SKEW_SECONDS = 5

export const app = createApp('stripe-webhook')

app.post('/', async (c) => {
  const signature = c.req.header('stripe-signature')
  if (!signature) throw new ApiError(400, 'missing_signature', 'Missing Stripe-Signature header')
  // Exactly one t=: the library verifies the last one, so a second t= would dodge the future check.
  const timestamps = [...signature.matchAll(/(?:^|,)\s*t=([^,]*)/g)].map((m) => Number(m[1]))
  if (timestamps.length !== 1) throw new ApiError(400, 'invalid_signature', 'Stripe-Signature must carry exactly one t=')
  if (timestamps[0] > Date.now() / 1000 + FUTURE_SKEW_SECONDS) {
    throw new ApiError(400, 'invalid_signature', 'Signature timestamp is in the future')
  }
  const secret = requireEnv('STRIPE_WEBHOOK_SECRET', 'stripe_webhook_not_configured')
  const payload = await c.req.text()
  let event
  try {
    event = await stripeWebhooks.constructEventAsync(payload, signature, secret, TOLERANCE_SECONDS, stripeCrypto)
  } catch (error) {
    throw new ApiError(400, 'invalid_signature', (error as Error).message)
  }
  return c.json({ received: true, ...(await applyStripeEvent(event)) })
})
