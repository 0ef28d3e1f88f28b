// CORS for the widget: the allowed origins are per site (customer_configs.allowed_origins), known only
// once the request names its domain, so hono/cors (one origin rule per app) does not fit. Preflights
// are answered for any origin; the actual request is refused (403, no Allow-Origin header) unless
// its Origin is allowed, and an allowed one gets its own origin back. X-Visitor-Token (the session's
// token) is an allowed header. X-App-Key (native apps, which
// send no Origin and need no CORS) is deliberately not an allowed header: a browser cannot send it.
import type { Context, MiddlewareHandler } from 'hono'
import type { Site } from './site.ts'

export const widgetPreflight: MiddlewareHandler = async (c, next) => {
  if (c.req.method !== 'OPTIONS') return await next()
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': c.req.header('origin') ?? '*',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'content-type, accept, authorization, apikey, x-client-info, x-visitor-token',
      'access-control-max-age': '600',
      vary: 'Origin',
    },
  })
}

export function allowOrigin(c: Context, site: Site): void {
  c.header('access-control-allow-origin', site.allowed_origins.includes('*') ? '*' : c.req.header('origin') ?? '')
  c.header('access-control-expose-headers', 'x-request-id, retry-after')
  c.header('vary', 'Origin')
}
