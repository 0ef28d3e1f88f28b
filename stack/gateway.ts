// The local API gateway, shaped like a Supabase project URL:
//   /rest/v1, /auth/v1     -> @supabase/lite (PostgREST- and GoTrue-compatible) over the database
//   /functions/v1/<name>   -> the function's Hono app, with its verify_jwt honoured
// with what the gateway corrects in lite 0.10 so that clients get what hosted Supabase answers:
// CORS (gateway-cors.ts), value encoding (postgrest-types.ts) and database errors
// (postgrest-errors.ts). docs/local-gateway.md lists each difference.
import { App, type ResolvedKey } from '@supabase/lite'
import { createPostgresConnection, type PostgresConnection } from '@supabase/lite/postgres'
import { Hono, type Context } from 'hono'
import type { HttpBindings } from '@hono/node-server'
import { bearerToken } from '../functions/_shared/auth.ts'
import { errorBody } from '../functions/_shared/errors.ts'
import type { ProjectConfig, StackSettings } from './config.ts'
import type { LoadedFunction } from './functions.ts'
import { apiCorsMiddleware, gatewayAnswer } from './gateway-cors.ts'
import { verifyHs256 } from './keys.ts'
import { toPostgrestError } from './postgrest-errors.ts'
import { postgrestTypes } from './postgrest-types.ts'

export interface GatewayOptions {
  settings: StackSettings
  project: ProjectConfig
  dbUrl: string
  functions: LoadedFunction[]
}

export interface Gateway {
  app: Hono<{ Bindings: HttpBindings }>
  lite: App
  /** lite's connection: its postgres.js client decodes values as PostgREST encodes them. */
  connection: PostgresConnection
  close(): Promise<void>
}

/** Maps an `apikey` to the role it stands for: opaque sb_ keys or legacy anon/service JWTs. */
function apiKeyResolver(settings: StackSettings) {
  return async (key: string): Promise<ResolvedKey | null> => {
    if (key === settings.publishableKey) return { type: 'publishable', claims: { role: 'anon' } }
    if (key === settings.secretKey) return { type: 'secret', claims: { role: 'service_role' } }
    const claims = await verifyHs256(key, settings.jwtSecret)
    if (claims?.role === 'anon') return { type: 'publishable', claims }
    if (claims?.role === 'service_role') return { type: 'secret', claims }
    return null
  }
}

export async function createGateway({ settings, project, dbUrl, functions }: GatewayOptions): Promise<Gateway> {
  const connection = createPostgresConnection({ url: dbUrl, postgresOptions: { types: postgrestTypes } } as Parameters<typeof createPostgresConnection>[0])
  connection.normalizeDbError = toPostgrestError
  // @supabase/lite, on its first RLS-scoped request, runs "GRANT ALL ON ALL TABLES" in every schema
  // that has RLS tables (its convenience for quick prototypes). That would silently widen the
  // migrations' explicit grants (e.g. column-level UPDATE on profiles), so mark its RLS context
  // as already prepared: roles and grants come from stack/platform.sql and the migrations.
  ;(connection as unknown as { rlsState: string }).rlsState = 'active'

  const lite = new App({
    connection,
    api: { schemas: project.exposedSchemas, extra_search_path: ['public', 'extensions'], max_rows: 1000 },
    auth: {
      enabled: true,
      jwt_secret: settings.jwtSecret,
      jwt_expiry: project.jwtExpiry,
      enable_signup: true,
      email: { enable_signup: true, enable_confirmations: false },
    },
    options: { server: { apiKeys: { resolver: apiKeyResolver(settings) }, disableStudio: true } },
  } as unknown as ConstructorParameters<typeof App>[0]) as App
  await lite.init()
  // The schema cache is built on the first request otherwise; build it now, once, for all schemas.
  await connection.introspect({ useCache: true })

  const app = new Hono<{ Bindings: HttpBindings }>()
  app.use('/rest/v1/*', apiCorsMiddleware)
  app.use('/auth/v1/*', apiCorsMiddleware)

  for (const fn of functions) {
    const handler = async (c: Context<{ Bindings: HttpBindings }>) => {
      // A preflight carries no Authorization: it goes to the function, which answers its own CORS.
      if (fn.verifyJwt && c.req.method !== 'OPTIONS') {
        const token = bearerToken(c.req.header('authorization'))
        if (!token || !(await verifyHs256(token, settings.jwtSecret))) {
          return await gatewayAnswer(c, () => c.json(errorBody('invalid_jwt', 'Missing or invalid JWT (verify_jwt is on for this function)'), 401))
        }
      }
      const url = new URL(c.req.url)
      url.pathname = url.pathname.replace(/^\/functions\/v1/, '')
      const req = c.req.raw
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      // The client address as hosted Supabase (Cloudflare) vouches for it: from the connection, never
      // from the caller (rate limits key on CF-Connecting-IP; X-Forwarded-For is the caller's to forge).
      const headers = new Headers(req.headers)
      headers.delete('cf-connecting-ip')
      const peer = c.env?.incoming?.socket?.remoteAddress
      if (peer) headers.set('cf-connecting-ip', peer)
      return await fn.app.fetch(
        new Request(url, { method: req.method, headers, body: hasBody ? req.body : undefined, duplex: 'half', signal: req.signal } as RequestInit),
      )
    }
    app.all(`/functions/v1/${fn.name}`, handler)
    app.all(`/functions/v1/${fn.name}/*`, handler)
  }
  app.all('/functions/v1/*', apiCorsMiddleware, (c) => c.json(errorBody('function_not_found', 'No such function'), 404))

  app.all('*', (c) => lite.fetch(c.req.raw, { peerAddress: c.env?.incoming?.socket?.remoteAddress ?? null }))

  return {
    app,
    lite,
    connection,
    async close() {
      await connection.close()
    },
  }
}
