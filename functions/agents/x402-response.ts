// The settlement header of a call paid with x402 v2 (PAYMENT-SIGNATURE): PAYMENT-RESPONSE, base64 JSON
// {success, transaction, network (CAIP-2), payer}, added beside the X-PAYMENT-RESPONSE the route sets
// on every paid answer (served, replayed or failed), so every answer to a v2 payment carries it.
import type { MiddlewareHandler } from 'hono'
import algosdk from 'algosdk'
import { algorandNetwork } from './network.ts'
import { paymentResponseHeaders, requestPayment } from './x402.ts'

export const x402V2Settlement: MiddlewareHandler = async (c, next) => {
  await next()
  if (requestPayment((name) => c.req.header(name))?.version !== 2) return
  const v1 = c.res.headers.get('x-payment-response')
  if (!v1) return
  let grant
  try {
    grant = JSON.parse(new TextDecoder().decode(algosdk.base64ToBytes(v1)))
  } catch {
    return
  }
  const [name, value] = Object.entries(paymentResponseHeaders(grant, 2, algorandNetwork()))[0]
  c.res = new Response(c.res.body, c.res) // a copy with mutable headers (a forwarded answer's are not)
  c.res.headers.set(name, value)
}
