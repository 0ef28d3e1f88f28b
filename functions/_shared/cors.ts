// CORS as the Supabase docs prescribe for functions called from supabase-js in a browser.
import { cors } from 'hono/cors'

export const supabaseCors = cors({
  origin: '*',
  allowHeaders: ['authorization', 'x-client-info', 'apikey', 'content-type', 'x-region', 'x-supabase-api-version', 'x-request-id', 'x-payment'],
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  exposeHeaders: ['x-request-id', 'x-payment-response'],
})
