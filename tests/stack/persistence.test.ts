// Boots on a fresh data directory (cold boot: bootstrap + migrations + seed), stops, boots again:
// committed data survives, and the second boot applies nothing.
// The cold boot is setup (beforeAll, under the hook timeout): it is some 15 s of CPU in PGlite, which
// a busy 2-core machine stretches to a minute or more; the test time then covers the restart only.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { listMigrations } from '../../stack/migrator.ts'
import { startStack, type RunningStack } from '../../stack/stack.ts'

const dataDir = join(mkdtempSync(join(tmpdir(), 'stack-')), 'pglite')
let firstMigrations: RunningStack['migrations']

beforeAll(async () => {
  const first = await startStack({ settings: { dataDir, apiPort: 0, dbPort: 0 }, scheduler: false })
  try {
    firstMigrations = first.migrations
    // A client over the wire protocol (as psql on DB_URL) commits a row.
    const sql = postgres(first.status.DB_URL, { max: 1 })
    await sql`insert into auth.users (id, email) values ('6a0c3c4e-8d0e-4d8e-9a59-00000000beef', 'persist@example.test')`
    await sql.end()
  } finally {
    await first.stop()
  }
})
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

it('a cold boot applies every migration', () => {
  expect(firstMigrations.applied).toHaveLength(listMigrations().length)
})

it('keeps committed data across restarts and applies only pending migrations', async () => {
  const second = await startStack({ settings: { dataDir, apiPort: 0, dbPort: 0 }, scheduler: false })
  try {
    expect(second.migrations).toEqual({ applied: [], seeded: [] })
    const rows = await second.db.query<{ email: string }>(
      `select email from public.profiles where id = '6a0c3c4e-8d0e-4d8e-9a59-00000000beef'`,
    )
    expect(rows).toEqual([{ email: 'persist@example.test' }])
  } finally {
    await second.stop()
  }
})
