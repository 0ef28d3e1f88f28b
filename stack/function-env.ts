// Local function secrets: supabase/functions/.env, the file `supabase functions serve` reads when no
// --env-file is given (git-ignored; supabase/functions/.env.example lists every variable). As the CLI
// does, names starting with SUPABASE_ are the runtime's and are skipped with a warning. The local
// functions run inside the stack's process, so they also see its environment: a variable set there
// (non-empty) wins over the file, as with Node's --env-file. Parsed by node:util parseEnv.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { ROOT } from './config.ts'

export const FUNCTIONS_ENV_FILE = join(ROOT, 'supabase', 'functions', '.env')

/**
 * The file the local stack reads, or undefined under NODE_ENV=test (vitest sets it): a developer's
 * own secrets must never change what the test suite sees or make it call a real provider.
 */
export function defaultFunctionsEnvFile(nodeEnv = process.env.NODE_ENV): string | undefined {
  return nodeEnv === 'test' ? undefined : FUNCTIONS_ENV_FILE
}

export interface FunctionSecrets {
  /** What the functions get from the file: set, non-empty, not SUPABASE_*, not already in the environment. */
  values: Record<string, string>
  /** SUPABASE_* names in the file, left out (the runtime provides them). */
  reserved: string[]
  /** Names in the file that the environment already sets (the environment's value stays). */
  overridden: string[]
}

export function readFunctionSecrets(path: string | undefined, environment: Record<string, string | undefined> = process.env): FunctionSecrets {
  const secrets: FunctionSecrets = { values: {}, reserved: [], overridden: [] }
  if (!path || !existsSync(path)) return secrets
  for (const [name, value] of Object.entries(parseEnv(readFileSync(path, 'utf8')))) {
    if (value === undefined || value === '') continue
    if (name.startsWith('SUPABASE_')) secrets.reserved.push(name)
    else if (environment[name]) secrets.overridden.push(name)
    else secrets.values[name] = value
  }
  if (secrets.reserved.length > 0) {
    console.warn(`${path}: names starting with SUPABASE_ are set by the runtime, skipping: ${secrets.reserved.join(', ')}`)
  }
  return secrets
}
