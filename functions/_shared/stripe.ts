// The Stripe client, API version pinned. STRIPE_API_URL overrides the API host (tests point it at a
// loopback server speaking Stripe's JSON); fetch + SubtleCrypto so the same code runs on Deno.
import Stripe from 'stripe'
import { env } from './env.ts'

/** Pinned: Stripe objects in events are rendered in the account's API version; keep it this one. */
export const STRIPE_API_VERSION = '2026-10-28.endive'

export function stripeClient(): Stripe {
  const base = env('STRIPE_API_URL') ? new URL(env('STRIPE_API_URL')!) : undefined
  return new Stripe(env('STRIPE_SECRET_KEY') ?? 'sk_test_not_configured', {
    apiVersion: STRIPE_API_VERSION as Stripe.LatestApiVersion,
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    ...(base ? { host: base.hostname, port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)), protocol: base.protocol.replace(':', '') as 'http' | 'https' } : {}),
  })
}

export const stripeCrypto = Stripe.createSubtleCryptoProvider()
