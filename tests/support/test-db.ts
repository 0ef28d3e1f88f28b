// Per-test-file isolation: a private clone of the migrated template, reached over the wire protocol
// so function code talks to it exactly as to the hosted database. PGlite: an in-memory clone served
// on a free port. Real PostgreSQL (TEST_DATABASE_URL): a database created from the template.
import type { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { serveSocket, socketPort } from '../../stack/database.ts'
import { pgliteRunner, postgresRunner, type SqlRunner } from '../../stack/sql-runner.ts'
import { adminUrl, databaseUrl, engine, type Engine } from './engine.ts'
import { createPostgresClone, dropPostgresClone, openTemplateClone } from './template.ts'

/** The part of PGlite's API the tests use, on either engine (one session, like PGlite). */
export interface TestSql {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>
  exec(sql: string): Promise<unknown>
  transaction<T>(fn: (tx: Omit<TestSql, 'transaction'>) => Promise<T>): Promise<T>
}

export interface TestDatabase {
  engine: Engine
  /** Direct connection URL (what SUPABASE_DB_URL is set to). */
  url: string
  /** The test's own session, as the postgres superuser. */
  sql: TestSql
  /** The PGlite instance (PGlite engine only; stacks started on it share it). */
  pglite?: PGlite
  /** A SqlRunner on this database (migrator, scheduler). */
  runner(): SqlRunner
  stop(): Promise<void>
}

// As PGlite does, so a test reads the same on both engines: int8 as a JS number; a string bound to a
// json/jsonb parameter is JSON text already (postgres.js would encode it again as a JSON string).
const int8 = { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) }
const json = { to: 114, from: [114, 3802], serialize: (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)), parse: (x: string) => JSON.parse(x) }

function postgresSql(url: string): { sql: TestSql; end(): Promise<void> } {
  const client = postgres(url, { max: 1, onnotice: () => {}, types: { int8, json }, connection: { application_name: 'test' } })
  const wrap = (s: postgres.Sql | postgres.TransactionSql): Omit<TestSql, 'transaction'> => ({
    async query<T>(text: string, params: unknown[] = []) {
      return { rows: (await s.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[] }
    },
    async exec(text: string) {
      return await s.unsafe(text).simple()
    },
  })
  return {
    sql: { ...wrap(client), transaction: async (fn) => (await client.begin(async (tx) => await fn(wrap(tx)))) as never },
    end: () => client.end({ timeout: 5 }),
  }
}

export async function startTestDatabase(): Promise<TestDatabase> {
  if (engine === 'postgres') {
    const name = await createPostgresClone()
    const url = databaseUrl(adminUrl!, name)
    const { sql, end } = postgresSql(url)
    return {
      engine, url, sql,
      runner: () => postgresRunner(url),
      async stop() {
        await end()
        await dropPostgresClone(name)
      },
    }
  }
  const pglite = await openTemplateClone()
  const socket = await serveSocket(pglite, '127.0.0.1', 0)
  return {
    engine,
    url: `postgresql://postgres:postgres@127.0.0.1:${socketPort(socket)}/postgres`,
    sql: pglite,
    pglite,
    runner: () => pgliteRunner(pglite),
    async stop() {
      await socket.stop()
      await pglite.close()
    },
  }
}
