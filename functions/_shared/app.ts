// The Hono app every function starts from: basePath('/<name>') as the hosted runtime routes
// /functions/v1/<name>/* to /<name>/*, a request id, CORS, JSON errors and a JSON 404.
import { Hono, type Env, type MiddlewareHandler } from 'hono'
import { requestId } from 'hono/request-id'
import { supabaseCors } from './cors.ts'
import { errorResponse, handleError } from './errors.ts'

/** options.cors replaces the default CORS (any origin) for functions with their own origin rules. */
export function createApp<E extends Env = Env>(name: string, options: { cors?: MiddlewareHandler } = {}) {
  const app = new Hono<E>().basePath(`/${name}`)
  app.use('*', requestId())
  app.use('*', options.cors ?? supabaseCors)
  app.onError(handleError)
  app.notFound((c) => errorResponse(c, 404, 'not_found', `No route ${c.req.method} ${c.req.path}`))
  return app
}
