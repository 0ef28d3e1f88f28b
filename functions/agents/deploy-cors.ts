// CORS of the agents function: the shared Supabase rules (functions/_shared/cors.ts: any origin, the
// headers supabase-js and x402 clients send) plus what a browser needs for POST /agents/<agent>/deploy:
// the X-GitHub-Token and Idempotency-Key request headers in a preflight's allow list, and Retry-After
// (429 github_rate_limited, 502/503 *_unavailable) readable by the page.
import type { MiddlewareHandler } from 'hono'
import { supabaseCors } from '../_shared/cors.ts'

const DEPLOY_REQUEST_HEADERS = ['x-github-token', 'idempotency-key']
const DEPLOY_EXPOSED_HEADERS = ['retry-after']

const append = (list: string | null, extra: string[]) => [...(list ? [list] : []), ...extra].join(',')

export const agentsCors: MiddlewareHandler = async (c, next) => {
  const preflight = await supabaseCors(c, next)
  if (preflight instanceof Response) {
    preflight.headers.set('access-control-allow-headers', append(preflight.headers.get('access-control-allow-headers'), DEPLOY_REQUEST_HEADERS))
    return preflight
  }
  c.res.headers.set('access-control-expose-headers', append(c.res.headers.get('access-control-expose-headers'), DEPLOY_EXPOSED_HEADERS))
}
