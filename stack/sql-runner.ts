// The few database operations the stack needs (bootstrap, migrations, seed), over either an
// in-process PGlite or a Postgres URL (postgres.js), so both paths share one migrator.
import type { PGlite, Transaction } from '@electric-sql/pglite'
import postgres from 'postgres'

export interface SqlRunner {
  /** Runs one or more statements (simple query protocol). */
  exec(sql: string): Promise<void>
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  /** Runs fn in one transaction: all of it commits, or none of it. */
  transaction(fn: (tx: SqlRunner) => Promise<void>): Promise<void>
  close(): Promise<void>
}

export function pgliteRunner(db: PGlite | Transaction): SqlRunner {
  return {
    async exec(sql) {
      await db.exec(sql)
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows
    },
    async transaction(fn) {
      if (!('transaction' in db)) throw new Error('nested transactions are not supported')
      await db.transaction(async (tx) => fn(pgliteRunner(tx)))
    },
    async close() {},
  }
}

export function postgresRunner(url: string): SqlRunner {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'local-stack' } })
  const wrap = (s: postgres.Sql | postgres.TransactionSql): SqlRunner => ({
    async exec(text) {
      await s.unsafe(text).simple()
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await s.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[]
    },
    async transaction(fn) {
      await sql.begin(async (tx) => fn(wrap(tx)))
    },
    async close() {
      await sql.end({ timeout: 5 })
    },
  })
  return wrap(sql)
}
