// CORS of the local gateway, as the hosted API gateway gives it, so a browser app on another origin
// can use supabase-js against `npm start` as against a hosted project.
//
// @supabase/lite 0.10 alone: /auth/v1 answers preflights without Access-Control-Allow-Headers (so the
// browser refuses authorization, apikey, x-client-info and x-supabase-api-version, which supabase-js
// always sends); /rest/v1 answers a preflight only after routing it, and a preflight carries no
// Accept-Profile/Content-Profile, so every table and RPC outside `public` fails it with 404.
//
// Here: a preflight (OPTIONS with Access-Control-Request-Method) on /auth/v1 and /rest/v1 is answered
// by the gateway, allowing any origin, the methods PostgREST allows and the headers the browser asks
// for (hosted Supabase reflects them, as does PostgREST's own CORS), with a max age of a day as
// PostgREST's; every other answer there carries Access-Control-Allow-Origin and
// Access-Control-Expose-Headers (PostgREST's list, Preference-Applied, and Auth's). /functions/v1
// preflights go to the function itself (each answers its own CORS, as Supabase documents), without
// the verify_jwt check; only the gateway's own answers there (the verify_jwt 401, the unknown-function
// 404) get these headers, so a function's own origin rules (functions/chat/cors.ts) stay its own.
import type { Context, MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'

const EXPOSE_HEADERS = [
  // PostgREST (src/PostgREST/Cors.hs)
  'Content-Encoding',
  'Content-Location',
  'Content-Range',
  'Content-Type',
  'Date',
  'Location',
  'Server',
  'Transfer-Encoding',
  'Range-Unit',
  'Preference-Applied',
  // Supabase Auth
  'X-Total-Count',
  'Link',
  'X-Supabase-Api-Version',
]

const apiCors = cors({
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  // Empty: reflect Access-Control-Request-Headers.
  allowHeaders: [],
  exposeHeaders: EXPOSE_HEADERS,
  maxAge: 86400,
})

/** A CORS preflight, as the Fetch standard defines it (a plain OPTIONS goes on to the API). */
function isPreflight(c: Context): boolean {
  return c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined
}

/** For /rest/v1/* and /auth/v1/*: answers preflights, and adds CORS headers to every answer. */
export const apiCorsMiddleware: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'OPTIONS' && !isPreflight(c)) return await next()
  return await apiCors(c, next)
}

/** An answer the gateway gives itself on /functions/v1 (not a preflight), with the API's CORS headers. */
export async function gatewayAnswer(c: Context, answer: () => Response): Promise<Response> {
  await apiCors(c, async () => {
    c.res = answer()
  })
  return c.res
}
