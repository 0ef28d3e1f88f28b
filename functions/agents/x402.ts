// The x402 wire format (version 1, scheme "exact", native ALGO): the 402 challenge, the X-PAYMENT
// header a client pays with, and the X-PAYMENT-RESPONSE header of a settled call.
import algosdk from 'algosdk'
import { z } from 'zod'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import type { AlgorandNetwork } from './network.ts'
import { MAX_VALIDITY_ROUNDS } from './verify-payment.ts'

export const X402_VERSION = 1

const PaymentHeader = z.object({
  x402Version: z.literal(X402_VERSION),
  scheme: z.literal('exact'),
  network: z.string(),
  payload: z.union([
    z.strictObject({ paymentGroup: z.array(z.string().min(1)).min(1), paymentIndex: z.number().int().min(0) }),
    z.strictObject({ txid: z.string().regex(/^[A-Z2-7]{52}$/, 'not an Algorand transaction id') }),
  ]),
})
export type PaymentHeader = z.infer<typeof PaymentHeader>

/** Parses X-PAYMENT (base64 JSON). Anything malformed is a 400, never a 500. */
export function decodePaymentHeader(value: string, network: AlgorandNetwork): PaymentHeader {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder().decode(algosdk.base64ToBytes(value.trim())))
  } catch {
    throw new ApiError(400, 'invalid_payment_header', 'X-PAYMENT must be base64-encoded JSON')
  }
  const parsed = PaymentHeader.safeParse(json)
  if (!parsed.success) {
    throw new ApiError(400, 'invalid_payment_header', parsed.error.issues.map((i) => `${i.path.join('.') || 'X-PAYMENT'}: ${i.message}`).join('; '))
  }
  if (parsed.data.network !== network.name) {
    throw new ApiError(402, 'wrong_network', `This server takes payments on ${network.name}, not ${parsed.data.network}`)
  }
  return parsed.data
}

export interface IssuedNonce {
  nonce: string
  amount_microalgo: string | number | bigint
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
 * Every 402 of the agents function is an x402 v1 PaymentRequiredResponse: {x402Version, error,
 * accepts}, where the spec's `error` is a string (the human-readable reason) and `accepts` a fresh
 * requirement, so any x402 client can pay again without a second round trip. The project's other
 * errors are {error: {code, message}}; an object `error` would not be valid x402, so the stable code
 * rides beside it as `code` (payment_required for a call without X-PAYMENT, wrong_amount, ... for a
 * refused payment), read by our clients as body.code.
 */
export function paymentRequired(options: {
  nonce: IssuedNonce
  network: AlgorandNetwork
  resource: string
  description: string
  ttlSeconds: number
  rejection?: { code: string; message: string }
}) {
  const { nonce, network } = options
  return {
    x402Version: X402_VERSION,
    error: options.rejection?.message ?? 'X-PAYMENT header is required',
    code: options.rejection?.code ?? 'payment_required',
    accepts: [{
      scheme: 'exact',
      network: network.name,
      maxAmountRequired: String(nonce.amount_microalgo),
      asset: '0',
      payTo: nonce.pay_to,
      resource: options.resource,
      description: options.description,
      mimeType: 'application/json',
      maxTimeoutSeconds: options.ttlSeconds,
      extra: {
        nonce: nonce.nonce,
        note: `x402:${nonce.nonce}`,
        expiresAt: nonce.expires_at.toISOString(),
        genesisHash: network.genesisHash,
        maxValidityRounds: Number(MAX_VALIDITY_ROUNDS),
        decimals: 6,
      },
    }],
  }
}

export interface PaymentGrant {
  success: boolean
  transaction: string
  network: string
  payer: string
  [key: string]: unknown
}

/** X-PAYMENT-RESPONSE: base64 JSON of {success, transaction, network, payer}. */
export function paymentResponseHeader(grant: PaymentGrant): string {
  const { success, transaction, network, payer } = grant
  return algosdk.bytesToBase64(new TextEncoder().encode(JSON.stringify({ success, transaction, network, payer })))
}
