// Which database engine the suite runs on. PGlite (embedded, one transaction at a time) is the
// default; with TEST_DATABASE_URL set (an admin URL of a PostgreSQL 17 with pgvector: the
// provisioned cluster of `npm run test:pg`, your own, or a Docker `supabase start` database) every
// test file gets its own database cloned from a migrated template on that server instead.
export type Engine = 'pglite' | 'postgres'

export const adminUrl: string | undefined = process.env.TEST_DATABASE_URL || undefined
export const engine: Engine = adminUrl ? 'postgres' : 'pglite'
export const onRealPostgres = engine === 'postgres'

/** The URL of another database on the same server as `url`. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}
