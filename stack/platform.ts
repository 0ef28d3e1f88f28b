// Applies the Supabase platform layer (roles, extensions, auth schema, migration history) to a
// database that lacks it. On hosted Supabase and Docker `supabase start` this is a no-op.
import { readFileSync } from 'node:fs'
import { getAuthSchemaSql, SUPABASE_AUTH_HELPERS_SQL } from '@supabase/lite'
import type { SqlRunner } from './sql-runner.ts'

const PLATFORM_SQL = readFileSync(new URL('./platform.sql', import.meta.url), 'utf8')

const AUTH_GRANTS_SQL = `
grant usage on schema auth to anon, authenticated, service_role;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to anon, authenticated, service_role;
`

/** True where a real Supabase platform runs this database (its admin role exists). */
export async function isSupabasePlatform(db: SqlRunner): Promise<boolean> {
  const rows = await db.query<{ found: boolean }>(`select exists (select from pg_roles where rolname = 'supabase_admin') as found`)
  return rows[0].found
}

export async function bootstrapPlatform(db: SqlRunner, exposedSchemas: string[]): Promise<'applied' | 'skipped'> {
  if (await isSupabasePlatform(db)) return 'skipped'
  await db.exec(PLATFORM_SQL)
  await db.exec(getAuthSchemaSql())
  await db.exec(SUPABASE_AUTH_HELPERS_SQL)
  await db.exec(AUTH_GRANTS_SQL)
  // PostgREST reads its exposed schemas from this setting; `supabase db advisors` does too.
  await db.exec(`alter role authenticator set pgrst.db_schemas = '${exposedSchemas.join(', ').replace(/'/g, "''")}'`)
  return 'applied'
}
