// The database engine a bench lane measures, and a migrated database of its own on it:
//   pglite    PGlite in this process (a clone of the migrated template; the stack serves it on a socket)
//   postgres  real PostgreSQL (TEST_DATABASE_URL, set by bench/run.ts: the provisioned `bench` cluster,
//             or BENCH_DATABASE_URL / TEST_DATABASE_URL of your own): a database created from the
//             migrated template database on that server, dropped afterwards.
// The engine is fixed per process (tests/support/engine.ts reads TEST_DATABASE_URL when it loads),
// which is why bench/run.ts runs each engine's lane in a child process.
import type { PGlite } from '@electric-sql/pglite'
import { startStack, type RunningStack } from '../stack/stack.ts'
import { adminUrl, databaseUrl, engine } from '../tests/support/engine.ts'
import { createPostgresClone, dropPostgresClone, openTemplateClone } from '../tests/support/template.ts'

export { adminUrl, databaseUrl, engine }

export interface StackOnClone {
  stack: RunningStack
  stop(): Promise<void>
}

/** The local stack (gateway, functions; no scheduler) on a fresh clone of the migrated template. */
export async function stackOnClone(): Promise<StackOnClone> {
  if (engine === 'pglite') {
    const pglite: PGlite = await openTemplateClone()
    const stack = await startStack({ pglite, settings: { apiPort: 0, dbPort: 0, databaseUrl: undefined }, scheduler: false })
    return {
      stack,
      async stop() {
        await stack.stop()
        await pglite.close()
      },
    }
  }
  const name = await createPostgresClone()
  const stack = await startStack({ settings: { apiPort: 0, databaseUrl: databaseUrl(adminUrl!, name) }, scheduler: false })
  return {
    stack,
    async stop() {
      await stack.stop()
      await dropPostgresClone(name)
    },
  }
}
