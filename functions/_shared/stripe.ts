// The Stripe client, API version pinned. STRIPE_API_URL overrides the API host (tests point it at a
// loopback server speaking Stripe's JSON); fetch + SubtleCrypto so the same code runs on Deno.
import Stripe from 'stripe'
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
