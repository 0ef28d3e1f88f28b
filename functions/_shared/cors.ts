// CORS as the Supabase docs prescribe for functions called from supabase-js in a browser, plus the
// x402 headers browser clients pay with: X-PAYMENT (v1), PAYMENT-SIGNATURE (v2) and
// Access-Control-Expose-Headers, which @x402/fetch sends as a request header; the challenge and
// receipt headers (PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE) are exposed to the page;
// and for deploys from a browser (POST /agents/<agent>/deploy), X-GitHub-Token and Idempotency-Key,
// with Retry-After (rate limits, unavailable upstreams) readable by the page.
import { cors } from 'hono/cors'

export const supabaseCors = cors({
  origin: '*',
  allowHeaders: ['authorization', 'x-client-info', 'apikey', 'content-type', 'x-region', 'x-supabase-api-version', 'x-request-id', 'x-payment',
    'payment-signature', 'access-control-expose-headers', 'x-github-token', 'idempotency-key'],
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  exposeHeaders: ['x-request-id', 'x-payment-response', 'payment-required', 'payment-response', 'retry-after'],
})
