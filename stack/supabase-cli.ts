// Runs the pinned Supabase CLI (npm package `supabase`) against a database URL, offline.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { format } from 'prettier'
import { ROOT } from './config.ts'

const run = promisify(execFile)

export async function supabaseCli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return await run(join(ROOT, 'node_modules', '.bin', 'supabase'), args, {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DO_NOT_TRACK: '1', SUPABASE_TELEMETRY_DISABLED: '1', SUPABASE_NO_UPDATE_NOTIFIER: '1', PGSSLMODE: 'disable' },
  })
}

/** The CLI asks for TLS first; PGlite has none, so say so up front (no warning in the output). */
export function cliDbUrl(url: string): string {
  const u = new URL(url)
  u.searchParams.set('sslmode', 'disable')
  return u.toString()
}

/** `supabase gen types typescript` for every exposed schema: the content of types/database.ts. */
export async function generateTypes(dbUrl: string, schemas: string[]): Promise<string> {
  const { stdout } = await supabaseCli(['gen', 'types', '--lang', 'typescript', `--remote=${cliDbUrl(dbUrl)}`, '--schema', schemas.join(',')])
  // The CLI's output is unformatted; prettier makes the committed file readable and diffable.
  return await format(stdout, { parser: 'typescript', semi: false, singleQuote: true, printWidth: 110 })
}

export interface AdvisorFinding {
  name: string
  level: 'ERROR' | 'WARN' | 'INFO'
  detail: string
  metadata?: { schema?: string; name?: string; type?: string }
}

/** `supabase db advisors` (security + performance lints) as parsed JSON. */
export async function runAdvisors(dbUrl: string): Promise<AdvisorFinding[]> {
  const { stdout } = await supabaseCli([
    'db', 'advisors', `--remote=${cliDbUrl(dbUrl)}`, '--type', 'all', '--level', 'info', '--fail-on', 'none', '--output-format', 'json',
  ])
  const parsed = JSON.parse(stdout) as { results?: AdvisorFinding[] }
  if (!Array.isArray(parsed.results)) throw new Error(`unexpected advisors output: ${stdout.slice(0, 500)}`)
  return parsed.results
}
