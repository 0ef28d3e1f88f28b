// The Stripe client, API version pinned. STRIPE_API_URL overrides the API host (tests point it at a
// loopback server speaking Stripe's JSON); fetch + SubtleCrypto so the same code runs on Deno.
// Events are applied through applyStripeEvent (webhook and reconcile), which dead-letters poison events
// and, for subscription events, applies the subscription as retrieved from the API.
import Stripe from 'stripe'
import { z } from 'zod'
import { db } from './db.ts'
import { env, requireEnv } from './env.ts'

/** Pinned: Stripe objects in events are rendered in the account's API version; keep it this one. */
export const STRIPE_API_VERSION = '2026-10-28.endive'

/** The API client; without STRIPE_SECRET_KEY, 503 stripe_not_configured (never a placeholder key). */
export function stripeClient(): Stripe {
  const key = requireEnv('STRIPE_SECRET_KEY', 'stripe_not_configured')
  const apiUrl = env('STRIPE_API_URL')
  const base = apiUrl ? new URL(apiUrl) : undefined
  return new Stripe(key, {
    apiVersion: STRIPE_API_VERSION as Stripe.LatestApiVersion,
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    ...(base ? { host: base.hostname, port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)), protocol: base.protocol.replace(':', '') as 'http' | 'https' } : {}),
  })
}

export const stripeCrypto = Stripe.createSubtleCryptoProvider()

/** Webhook signature checks need only the endpoint's signing secret, not an API key. */
export const stripeWebhooks = Stripe.webhooks

/** The envelope every Stripe event has; a signed body without it can never apply. */
const StripeEventEnvelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
})

/**
 * Why an event can never apply, from the error's class (never its message): the envelope check, or a
 * SQLSTATE of class 22 (data exception: a non-UUID user_id, `credit_cents: "abc"`) or 23 (integrity:
 * unknown user 23503, an unknown tier = the customers' tier foreign key, a subscription price not in
 * billing.stripe_prices = constraint stripe_prices_unknown, a missing value 23502).
 * Null = transient or our fault (connections, 40001, 40P01, 23505 races, anything else): retried.
 */
export function poisonCode(error: unknown): string | null {
  if (error instanceof z.ZodError) return 'invalid_event'
  const { code, constraint_name: constraint } = error as { code?: unknown; constraint_name?: unknown }
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null
  if (code === '23503') {
    if (constraint === 'customers_subscription_tier_fkey') return 'unknown_tier'
    if (constraint === 'stripe_prices_unknown') return 'unknown_price'
    return 'unknown_reference'
  }
  if (code === '23502') return 'missing_value'
  if (code.startsWith('22')) return 'invalid_value'
  if (code.startsWith('23') && code !== '23505') return 'constraint_violation'
  return null
}

/**
 * The Stripe event types billing applies (billing.apply_stripe_event; private.stripe_handled_event_types()
 * holds the same list, and docs/billing.md documents each: both are tested against this one).
 */
export const HANDLED_STRIPE_EVENTS = [
  'checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed',
  'invoice.paid', 'invoice.payment_failed', 'invoice.payment_action_required',
  'customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted',
  'customer.subscription.trial_will_end',
  'charge.refunded', 'refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated',
  'charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed',
] as const satisfies readonly Stripe.Event.Type[]

/**
 * For a customer.subscription.* event, the subscription as Stripe has it now (retrieved from the API),
 * so the last state read wins whatever order the events arrive in (two events of one second included).
 * Null without STRIPE_SECRET_KEY (the event's own object applies, ordered by event.created) or when
 * Stripe no longer knows the subscription; other API failures are thrown (transient: Stripe retries).
 */
export async function currentSubscription(event: { type: string; data: { object: Record<string, unknown> } }): Promise<{ object: Stripe.Subscription; at: Date } | null> {
  if (!event.type.startsWith('customer.subscription.') || !env('STRIPE_SECRET_KEY')) return null
  const id = event.data.object.id
  if (typeof id !== 'string' || !id.startsWith('sub_')) return null
  try {
    const at = new Date()
    return { object: await stripeClient().subscriptions.retrieve(id), at }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null
    throw error
  }
}

export type StripeEventResult = { event: string | null; outcome: string; dead_letter?: true; code?: string }

/**
 * billing.apply_stripe_event in its own transaction; an event that can never apply is recorded in
 * billing.stripe_dead_letters instead (outcome dead_letter, with its code) and nothing of it is applied.
 * Transient failures are thrown, so the caller answers 5xx and Stripe retries.
 */
export async function applyStripeEvent(event: unknown): Promise<StripeEventResult> {
  const sql = db()
  try {
    const envelope = StripeEventEnvelope.parse(event)
    const current = await currentSubscription(envelope)
    const [{ result }] = await sql<{ result: StripeEventResult }[]>`
      select billing.apply_stripe_event(${sql.json(event as never)}, ${current ? sql.json(current.object as never) : null}, ${current ? current.at.toISOString() : null}) as result`
    return result
  } catch (error) {
    const code = poisonCode(error)
    if (!code) throw error
    const message = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message
    const sqlstate = (error as { code?: unknown }).code
    await sql`select billing.record_stripe_dead_letter(${sql.json(event as never)}, ${code}, ${message}, ${typeof sqlstate === 'string' ? sqlstate : null})`
    return { event: (event as { id?: unknown } | null)?.id as string ?? null, outcome: 'dead_letter', dead_letter: true, code }
  }
}

/** Whether an event is already recorded as a dead letter (reconcile skips those). */
export async function isDeadLetter(eventId: string): Promise<boolean> {
  const [row] = await db()`select 1 from billing.stripe_event_failures where event_id = ${eventId}`
  return Boolean(row)
}
