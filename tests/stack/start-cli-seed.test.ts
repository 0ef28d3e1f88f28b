// A database the stack migrated and seeded is up to date for the Supabase CLI: `supabase db push
// --include-seed` (what a user runs against a real Postgres, or against the stack's database port)
// applies no migration and re-runs no seed file. The stack records seeds under the CLI's names
// (seed/100_catalog.sql, from config.toml's `../seed/*.sql`), with the same SHA-256; it used to
// record `../seed/...`, so the CLI ran every seed again.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { readProjectConfig, ROOT } from '../../stack/config.ts'
import { migrate, seedFileNames } from '../../stack/migrator.ts'
import type { RunningStack } from '../../stack/stack.ts'
import { cliDbUrl, supabaseCli } from '../../stack/supabase-cli.ts'
import { startTestStack } from '../support/test-stack.ts'

let stack: RunningStack

beforeAll(async () => {
  stack = await startTestStack()
})
afterAll(async () => {
  await stack?.stop()
})

const seedRows = () => stack.db.query<{ path: string; hash: string }>('select path, hash from supabase_migrations.seed_files order by path')

it('records each seed file as the CLI does: its path from the project root and its SHA-256', async () => {
  const names = seedFileNames(readProjectConfig().seedPaths)
  expect(names).toEqual(['seed/000_shared_local_admin.sql', 'seed/100_catalog.sql'])
  const expected = names.map((path) => ({ path, hash: createHash('sha256').update(readFileSync(join(ROOT, path))).digest('hex') }))
  expect(await seedRows()).toEqual(expect.arrayContaining(expected))
  expect((await seedRows()).filter((r) => r.path.startsWith('../'))).toEqual([])
})

/** `supabase db push --include-seed` against the stack's database: its whole output; seed rows unchanged. */
async function pushIncludingSeeds(): Promise<string> {
  const before = await seedRows()
  const { stdout, stderr } = await supabaseCli(['db', 'push', '--include-seed', '--yes', `--remote=${cliDbUrl(stack.status.DB_URL)}`])
  expect(await seedRows()).toEqual(before)
  return stdout + stderr
}

// The seed files are idempotent (on conflict do nothing), so running them again here is harmless.
it('after the stack seeds a database, supabase db push --include-seed finds nothing to do', async () => {
  const seedPaths = readProjectConfig().seedPaths
  await stack.db.exec('delete from supabase_migrations.seed_files')
  expect((await migrate(stack.db, seedPaths)).seeded).toEqual(seedFileNames(seedPaths))
  const output = await pushIncludingSeeds()
  expect(output).toMatch(/database is up to date/i)
  expect(output).not.toMatch(/Seeding data from|Would seed|Applying migration/i)
}, 120_000)

it('rows an older stack wrote (../seed/...) are renamed when it starts, and db push --include-seed leaves the seeds alone', async () => {
  await stack.db.exec(`update supabase_migrations.seed_files set path = '../' || path where path like 'seed/%'`)
  // What the next `npm start` does on that database.
  expect((await migrate(stack.db, readProjectConfig().seedPaths)).seeded).toEqual([])
  const output = await pushIncludingSeeds()
  expect(output).toMatch(/database is up to date/i)
  expect(output).not.toMatch(/Seeding data from|Would seed/i)
}, 120_000)
