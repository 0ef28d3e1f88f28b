// Environment access that works under Deno (Edge Functions) and Node (local gateway, tests).
// Read at call time, never cached, so tests and the local stack can set values before a request.
const runtime = globalThis as unknown as {
  Deno?: { env: { get(name: string): string | undefined } }
  process?: { env: Record<string, string | undefined> }
}

export function env(name: string): string | undefined {
  const value = runtime.Deno ? runtime.Deno.env.get(name) : runtime.process?.env[name]
  return value === '' ? undefined : value
}

export function requireEnv(name: string): string {
  const value = env(name)
  if (value === undefined) throw new Error(`environment variable ${name} is not set`)
  return value
}
