// The migrator records what it applies like the Supabase CLI, applies only what is pending, and
// leaves nothing behind when a migration fails.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ROOT } from '../../stack/config.ts'
import { migrate } from '../../stack/migrator.ts'
import type { SqlRunner } from '../../stack/sql-runner.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let runner: SqlRunner
const root = mkdtempSync(join(tmpdir(), 'migrations-'))

beforeAll(async () => {
  db = await startTestDatabase()
  runner = db.runner()
  cpSync(join(ROOT, 'migrations'), join(root, 'migrations'), { recursive: true })
  cpSync(join(ROOT, 'supabase', 'config.toml'), join(root, 'supabase', 'config.toml'))
})
afterAll(async () => {
  await runner?.close()
  await db?.stop()
  rmSync(root, { recursive: true, force: true })
})

it('applies only the pending migration and records it in the CLI format', async () => {
  writeFileSync(
    join(root, 'migrations', '29990101000000_test_probe.sql'),
    `create table public.probe (id int primary key);\nalter table public.probe enable row level security;\n`,
  )
  const result = await migrate(runner, [], root)
  expect(result.applied).toEqual(['29990101000000_test_probe'])
  const rows = await db.sql.query<{ name: string; statements: string[] }>(
    `select name, statements from supabase_migrations.schema_migrations where version = '29990101000000'`,
  )
  expect(rows.rows).toEqual([{ name: 'test_probe', statements: [expect.stringContaining('create table public.probe'), expect.stringContaining('enable row level security')] }])
  expect((await migrate(runner, [], root)).applied).toEqual([])
})

it('rolls a failing migration back completely and does not record it', async () => {
  writeFileSync(
    join(root, 'migrations', '29990102000000_test_broken.sql'),
    `create table public.half_done (id int);\nselect 1/0;\n`,
  )
  await expect(migrate(runner, [], root)).rejects.toThrow(/29990102000000_test_broken.sql failed: division by zero/)
  const leftovers = await db.sql.query(`select to_regclass('public.half_done') as t, (select count(*)::int from supabase_migrations.schema_migrations where version = '29990102000000') as n`)
  expect(leftovers.rows).toEqual([{ t: null, n: 0 }])
})

it('applies a seed file once', async () => {
  writeFileSync(join(root, 'seed.sql'), `insert into public.probe values (1);\n`)
  const seedPaths = ['../seed.sql']
  rmSync(join(root, 'migrations', '29990102000000_test_broken.sql'))
  expect((await migrate(runner, seedPaths, root)).seeded).toEqual(['../seed.sql'])
  expect((await migrate(runner, seedPaths, root)).seeded).toEqual([])
  expect((await db.sql.query(`select count(*)::int as n from public.probe`)).rows).toEqual([{ n: 1 }])
})
