// The local API gateway, shaped like a Supabase project URL:
//   /rest/v1, /auth/v1     -> @supabase/lite (PostgREST- and GoTrue-compatible) over the database
//   /functions/v1/<name>   -> the function's Hono app, with its verify_jwt honoured
import { App, type ResolvedKey } from '@supabase/lite'
import { createPostgresConnection } from '@supabase/lite/postgres'
import { Hono } from 'hono'
import type { HttpBindings } from '@hono/node-server'
import { bearerToken } from '../functions/_shared/auth.ts'
import { errorBody } from '../functions/_shared/errors.ts'
import type { ProjectConfig, StackSettings } from './config.ts'
import type { LoadedFunction } from './functions.ts'
import { verifyHs256 } from './keys.ts'

export interface GatewayOptions {
  settings: StackSettings
  project: ProjectConfig
  dbUrl: string
  functions: LoadedFunction[]
}

export interface Gateway {
  app: Hono<{ Bindings: HttpBindings }>
  lite: App
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

/**
 * @supabase/lite 0.10 hands RPC arguments for json/jsonb parameters to postgres.js already as JSON
 * text, and its own json serializer stringifies them again, so a function receives the JSON string
 * '"{\\"a\\":1}"' instead of the object {"a":1} (table writes are not affected). Text that is a JSON
 * object or array is therefore passed through as it is; anything else is serialized as before. The
 * cost: a jsonb *string* value whose text is itself a JSON object would be stored as that object.
 * tests/stack/studio-gateway.test.ts fails without this.
 */
function jsonType(oid: number) {
  const isJsonContainer = (text: string) => {
    if (!/^\s*[[{]/.test(text)) return false
    try {
      return typeof JSON.parse(text) === 'object'
    } catch {
      return false
    }
  }
  return {
    to: oid,
    from: [oid],
    serialize: (value: unknown) => (typeof value === 'string' && isJsonContainer(value) ? value : JSON.stringify(value)),
    parse: (text: string) => JSON.parse(text),
  }
}

export async function createGateway({ settings, project, dbUrl, functions }: GatewayOptions): Promise<Gateway> {
  const connection = createPostgresConnection({ url: dbUrl, postgresOptions: { types: { json: jsonType(114), jsonb: jsonType(3802) } } } as Parameters<typeof createPostgresConnection>[0])
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

  const app = new Hono<{ Bindings: HttpBindings }>()

  for (const fn of functions) {
    const handler = async (c: import('hono').Context<{ Bindings: HttpBindings }>) => {
      if (fn.verifyJwt) {
        const token = bearerToken(c.req.header('authorization'))
        if (!token || !(await verifyHs256(token, settings.jwtSecret))) {
          return c.json(errorBody('invalid_jwt', 'Missing or invalid JWT (verify_jwt is on for this function)'), 401)
        }
      }
      const url = new URL(c.req.url)
      url.pathname = url.pathname.replace(/^\/functions\/v1/, '')
      const req = c.req.raw
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      return await fn.app.fetch(
        new Request(url, { method: req.method, headers: req.headers, body: hasBody ? req.body : undefined, duplex: 'half', signal: req.signal } as RequestInit),
      )
    }
    app.all(`/functions/v1/${fn.name}`, handler)
    app.all(`/functions/v1/${fn.name}/*`, handler)
  }
  app.all('/functions/v1/*', (c) => c.json(errorBody('function_not_found', 'No such function'), 404))

  app.all('*', (c) => lite.fetch(c.req.raw, { peerAddress: c.env?.incoming?.socket?.remoteAddress ?? null }))

  return {
    app,
    lite,
    async close() {
      await connection.close()
    },
  }
}
