// The x402 wire format, versions 1 and 2, scheme "exact" on Algorand (native ALGO or an ASA).
//   v1: the 402 JSON body {x402Version: 1, accepts}, the X-PAYMENT request header, X-PAYMENT-RESPONSE.
//   v2: the PAYMENT-REQUIRED response header (base64 JSON {x402Version: 2, resource, accepts} with
//       `amount` and the CAIP-2 network algorand:<genesis hash>), the PAYMENT-SIGNATURE request header
//       ({x402Version: 2, accepted, payload}), PAYMENT-RESPONSE.
// Every 402 carries both (the v1 body and the v2 header); a paid call is answered in the version the
// client paid with.
import algosdk from 'algosdk'
import { z } from 'zod'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { type AlgorandNetwork, caip2Network } from './network.ts'
import { MAX_VALIDITY_ROUNDS } from './verify-payment.ts'

export type X402Version = 1 | 2

/** The request header each version pays with. */
export const PAYMENT_HEADER: Record<X402Version, string> = { 1: 'X-PAYMENT', 2: 'PAYMENT-SIGNATURE' }

const Payload = z.union([
  z.strictObject({ paymentGroup: z.array(z.string().min(1)).min(1), paymentIndex: z.number().int().min(0) }),
  z.strictObject({ txid: z.string().regex(/^[A-Z2-7]{52}$/, 'not an Algorand transaction id') }),
])

const V1Header = z.object({
  x402Version: z.literal(1),
  scheme: z.literal('exact'),
  network: z.string(),
  payload: Payload,
})

// v2 echoes the requirements it accepted; only scheme and network matter here (the transaction itself
// is checked against the challenge), the rest may be anything a client library adds.
const V2Header = z.object({
  x402Version: z.literal(2),
  accepted: z.object({ scheme: z.literal('exact'), network: z.string() }),
  payload: Payload,
})

export interface PaymentHeader {
  x402Version: X402Version
  payload: z.infer<typeof Payload>
}

/**
 * Parses X-PAYMENT (v1) or PAYMENT-SIGNATURE (v2): base64 JSON. Anything malformed is a 400, never a
 * 500; a payment for another network is a 402 wrong_network.
 */
export function decodePaymentHeader(value: string, network: AlgorandNetwork, version: X402Version = 1): PaymentHeader {
  const name = PAYMENT_HEADER[version]
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(algosdk.base64ToBytes(value.trim())))
  } catch {
    throw new ApiError(400, 'invalid_payment_header', `${name} must be base64-encoded JSON`)
  }
  const parsed = (version === 1 ? V1Header : V2Header).safeParse(json)
  if (!parsed.success) {
    throw new ApiError(400, 'invalid_payment_header', parsed.error.issues.map((i) => `${i.path.join('.') || name}: ${i.message}`).join('; '))
  }
  const sent = parsed.data.x402Version === 1 ? parsed.data.network : parsed.data.accepted.network
  const expected = version === 1 ? network.name : caip2Network(network)
  if (sent !== expected) {
    throw new ApiError(402, 'wrong_network', `This server takes payments on ${expected}, not ${sent}`)
  }
  return { x402Version: version, payload: parsed.data.payload }
}

export interface IssuedNonce {
  nonce: string
  amount_microalgo: string | number | bigint
  /** 0 = native ALGO, else the ASA id. */
  asset_id: string | number | bigint
  /** Base-unit decimals of the asset (6 for ALGO and USDC). */
  decimals: number
  pay_to: string
  expires_at: Date
}

/**
 * The public URL of a call, for `accepts[].resource`: what a client can request again. The function
 * sees only its own path (/agents/...); clients reach it under <project>/functions/v1. Base:
 * PUBLIC_FUNCTIONS_URL (a custom domain or proxy), else SUPABASE_URL + /functions/v1, else the URL
 * the request arrived on.
 */
export function publicResource(requestUrl: string): string {
  const base = env('PUBLIC_FUNCTIONS_URL') ?? (env('SUPABASE_URL') && `${env('SUPABASE_URL')!.replace(/\/+$/, '')}/functions/v1`)
  if (!base) return requestUrl
  return `${base.replace(/\/+$/, '')}${new URL(requestUrl).pathname}`
}

/**
 * Every 402 of the agents function answers in both versions. The body is an x402 v1
 * PaymentRequiredResponse: {x402Version, error, accepts}, where the spec's `error` is a string (the
 * human-readable reason) and `accepts` a fresh requirement, so any x402 client can pay again without a
 * second round trip. The project's other errors are {error: {code, message}}; an object `error` would
 * not be valid x402, so the stable code rides beside it as `code` (payment_required for a call without
 * a payment, wrong_amount, ... for a refused payment), read by our clients as body.code. The
 * PAYMENT-REQUIRED header is the same challenge (same nonce) as x402 v2: {x402Version: 2, error,
 * resource: {url, description, mimeType}, accepts: [{scheme, network (CAIP-2), amount, asset, payTo,
 * maxTimeoutSeconds, extra}]}; a v2 client reads it (and prefers it to the body).
 */
export function paymentRequired(options: {
  nonce: IssuedNonce
  network: AlgorandNetwork
  resource: string
  description: string
  ttlSeconds: number
  rejection?: { code: string; message: string }
}): { body: PaymentRequiredV1; header: string } {
  const { nonce, network } = options
  const error = options.rejection?.message ?? 'A payment (X-PAYMENT or PAYMENT-SIGNATURE header) is required'
  const extra = {
    nonce: nonce.nonce,
    note: `x402:${nonce.nonce}`,
    expiresAt: nonce.expires_at.toISOString(),
    genesisHash: network.genesisHash,
    maxValidityRounds: Number(MAX_VALIDITY_ROUNDS),
    decimals: nonce.decimals,
  }
  const common = { scheme: 'exact', asset: String(nonce.asset_id), payTo: nonce.pay_to, maxTimeoutSeconds: options.ttlSeconds, extra }
  const body: PaymentRequiredV1 = {
    x402Version: 1,
    error,
    code: options.rejection?.code ?? 'payment_required',
    accepts: [{
      ...common,
      network: network.name,
      maxAmountRequired: String(nonce.amount_microalgo),
      resource: options.resource,
      description: options.description,
      mimeType: 'application/json',
    }],
  }
  const v2 = {
    x402Version: 2,
    error,
    resource: { url: options.resource, description: options.description, mimeType: 'application/json' },
    accepts: [{ ...common, network: caip2Network(network), amount: String(nonce.amount_microalgo) }],
  }
  return { body, header: base64Json(v2) }
}

export interface PaymentRequiredV1 {
  x402Version: 1
  error: string
  code: string
  accepts: Record<string, unknown>[]
}

export interface PaymentGrant {
  success: boolean
  transaction: string
  network: string
  payer: string
  [key: string]: unknown
}

const base64Json = (value: unknown) => algosdk.bytesToBase64(new TextEncoder().encode(JSON.stringify(value)))

/**
 * The settlement header of a paid call, in the version the client paid with: X-PAYMENT-RESPONSE (v1,
 * network as named in v1) or PAYMENT-RESPONSE (v2, CAIP-2 network); both base64 JSON of
 * {success, transaction, network, payer}.
 */
export function paymentResponseHeaders(grant: PaymentGrant, version: X402Version, network: AlgorandNetwork): Record<string, string> {
  const { success, transaction, payer } = grant
  if (version === 2) return { 'payment-response': base64Json({ success, transaction, network: caip2Network(network), payer }) }
  return { 'x-payment-response': base64Json({ success, transaction, network: grant.network, payer }) }
}

/**
 * The payment a request carries and its version, by its header: PAYMENT-SIGNATURE is x402 v2 (and
 * wins if both are sent), X-PAYMENT is v1. An empty header counts as none.
 */
export function requestPayment(header: (name: string) => string | undefined): { value: string; version: X402Version } | undefined {
  const v2 = header('payment-signature')
  if (v2) return { value: v2, version: 2 }
  const v1 = header('x-payment')
  if (v1) return { value: v1, version: 1 }
  return undefined
}
