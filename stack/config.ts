// Settings of the local, Docker-free stack. Every value has a default that matches
// `supabase start`, and an environment variable to override it (documented in README.md).
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'smol-toml'
import { StartupError } from './startup-error.ts'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export interface FunctionConfig {
  name: string
  verifyJwt: boolean
  entrypoint: string
}

export interface ProjectConfig {
  projectId: string
  exposedSchemas: string[]
  jwtExpiry: number
  seedPaths: string[]
  functions: FunctionConfig[]
}

/** Reads supabase/config.toml: the one place that lists exposed schemas and functions. */
export function readProjectConfig(root = ROOT): ProjectConfig {
  const toml = parse(readFileSync(join(root, 'supabase', 'config.toml'), 'utf8')) as Record<string, any>
  const functions = Object.entries((toml.functions ?? {}) as Record<string, any>)
    .filter(([, fn]) => fn.enabled !== false)
    .map(([name, fn]) => ({
      name,
      verifyJwt: fn.verify_jwt !== false,
      entrypoint: resolve(root, 'supabase', fn.entrypoint ?? `../functions/${name}/index.ts`),
    }))
  return {
    projectId: toml.project_id,
    exposedSchemas: toml.api?.schemas ?? ['public'],
    jwtExpiry: toml.auth?.jwt_expiry ?? 3600,
    seedPaths: toml.db?.seed?.sql_paths ?? [],
    functions,
  }
}

export interface StackSettings {
  host: string
  apiPort: number
  dbPort: number
  /** PGlite data directory; ignored when databaseUrl is set. */
  dataDir: string
  /** External Postgres (e.g. the database of a Docker `supabase start`): skips PGlite. */
  databaseUrl?: string
  jwtSecret: string
  publishableKey: string
  secretKey: string
}

const env = process.env

/** A port from the environment: an integer 0-65535 (0 = any free port), else a one-line StartupError. */
function envPort(name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StartupError(`${name} must be a port number from 0 to 65535 (0 = any free port), not '${raw}'`)
  }
  return port
}

export function stackSettings(overrides: Partial<StackSettings> = {}): StackSettings {
  return {
    host: env.SUPABASE_LOCAL_HOST ?? '127.0.0.1',
    apiPort: overrides.apiPort ?? envPort('SUPABASE_LOCAL_API_PORT', 54321),
    dbPort: overrides.dbPort ?? envPort('SUPABASE_LOCAL_DB_PORT', 54322),
    dataDir: resolve(ROOT, env.SUPABASE_LOCAL_DATA_DIR ?? '.data/pglite'),
    databaseUrl: env.DATABASE_URL || undefined,
    // The same development secret and keys `supabase start` uses: local only, never deploy them.
    jwtSecret: env.JWT_SECRET ?? 'super-secret-jwt-token-with-at-least-32-characters-long',
    publishableKey: env.SUPABASE_PUBLISHABLE_KEY ?? 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH',
    secretKey: env.SUPABASE_SECRET_KEY ?? 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz',
    ...overrides,
  }
}

export function localDbUrl(s: StackSettings): string {
  return s.databaseUrl ?? `postgresql://postgres:postgres@${s.host}:${s.dbPort}/postgres`
}
