// Environment access that works under Deno (Edge Functions) and Node (local gateway, tests).
// Read at call time, never cached, so tests and the local stack can set values before a request.
// Every variable is read by its literal name (env('NAME') / requireEnv('NAME', ...)): a test scans
// functions/ for these reads and checks that supabase/functions/.env.example lists each one.
import { ApiError } from './errors.ts'

const runtime = globalThis as unknown as {
  Deno?: { env: { get(name: string): string | undefined } }
  process?: { env: Record<string, string | undefined> }
}

/** The variable's value; unset and empty are the same (undefined). */
export function env(name: string): string | undefined {
  const value = runtime.Deno ? runtime.Deno.env.get(name) : runtime.process?.env[name]
  return value === '' ? undefined : value
}

/**
 * Missing or unusable configuration: 503 with a stable code naming the service that is not set up
 * (e.g. stripe_not_configured) and a message naming the variable. Never a 500: it is the
 * deployment's state, not a fault in the request or the code.
 */
export function notConfigured(code: string, message: string): ApiError {
  return new ApiError(503, code, message)
}

/** A variable the route cannot work without: unset -> 503 `code` (see notConfigured). */
export function requireEnv(name: string, code: string): string {
  const value = env(name)
  if (value === undefined) throw notConfigured(code, `${name} is not set: this endpoint is unavailable until it is configured`)
  return value
}
