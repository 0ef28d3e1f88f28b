// Loads the project's Edge Functions in-process for the local gateway: each function's Hono app
// (functions/<name>/app.ts, beside the entrypoint that Deno serves when hosted).
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Hono } from 'hono'
import type { FunctionConfig } from './config.ts'
import { defaultFunctionsEnvFile, readFunctionSecrets } from './function-env.ts'

export interface LoadedFunction extends FunctionConfig {
  app: Hono
}

export async function loadFunctions(configs: FunctionConfig[]): Promise<LoadedFunction[]> {
  return await Promise.all(
    configs.map(async (fn) => {
      const mod = await import(pathToFileURL(join(dirname(fn.entrypoint), 'app.ts')).href)
      if (!mod.app?.fetch) throw new Error(`functions/${fn.name}/app.ts must export the function's Hono app as \`app\``)
      return { ...fn, app: mod.app as Hono }
    }),
  )
}

/**
 * The environment the functions get locally: the project's function secrets from
 * supabase/functions/.env (see function-env.ts: the process environment wins, SUPABASE_* skipped),
 * then what the hosted runtime gives every function, pointed at the local stack (always wins).
 */
export function functionEnv(values: {
  apiUrl: string
  dbUrl: string
  anonKey: string
  serviceRoleKey: string
  jwtSecret: string
  publishableKey: string
  secretKey: string
}, envFile: string | undefined = defaultFunctionsEnvFile()): Record<string, string> {
  return {
    ...readFunctionSecrets(envFile).values,
    SUPABASE_URL: values.apiUrl,
    SUPABASE_DB_URL: values.dbUrl,
    SUPABASE_ANON_KEY: values.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: values.serviceRoleKey,
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: values.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: values.secretKey }),
    JWT_SECRET: values.jwtSecret,
  }
}
