// The migrator records what it applies like the Supabase CLI, applies only what is pending, and
// leaves nothing behind when a migration fails.
import { createHash } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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

// Seeds are recorded as the Supabase CLI records them (pkg/migration: each `[db.seed] sql_paths`
// pattern is path.Join("supabase", pattern), globbed from the project root; the row is that path and
// the hex SHA-256 of the file), so `supabase db push --include-seed` finds them applied.
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const seedRows = async (like: string) =>
  (await db.sql.query<{ path: string; hash: string }>(`select path, hash from supabase_migrations.seed_files where path like $1 order by path`, [like])).rows
const probeCount = async () => (await db.sql.query<{ n: number }>(`select count(*)::int as n from public.probe`)).rows[0].n

it('applies a seed file once and records it under the name the CLI gives it', async () => {
  const seed = `insert into public.probe values (1);\n`
  writeFileSync(join(root, 'seed.sql'), seed)
  const seedPaths = ['../seed.sql']
  rmSync(join(root, 'migrations', '29990102000000_test_broken.sql'))
  expect((await migrate(runner, seedPaths, root)).seeded).toEqual(['seed.sql'])
  expect((await migrate(runner, seedPaths, root)).seeded).toEqual([])
  expect(await probeCount()).toBe(1)
  expect(await seedRows('%seed.sql')).toEqual([{ path: 'seed.sql', hash: sha256(seed) }])
})

it('names seeds inside supabase/ and in other folders from the project root, in pattern order', async () => {
  mkdirSync(join(root, 'seed'), { recursive: true })
  writeFileSync(join(root, 'supabase', 'seed.sql'), `insert into public.probe values (10);\n`)
  writeFileSync(join(root, 'seed', '920_b.sql'), `insert into public.probe values (12);\n`)
  writeFileSync(join(root, 'seed', '910_a.sql'), `insert into public.probe values (11);\n`)
  const result = await migrate(runner, ['seed.sql', '../seed/*.sql', '../seed/910_a.sql'], root)
  expect(result.seeded).toEqual(['supabase/seed.sql', 'seed/910_a.sql', 'seed/920_b.sql'])
  expect((await seedRows('seed/9%')).map((r) => r.path)).toEqual(['seed/910_a.sql', 'seed/920_b.sql'])
})

it('renames the rows an older stack wrote (relative to supabase/) and does not run those seeds again', async () => {
  writeFileSync(join(root, 'seed', '930_legacy.sql'), `insert into public.probe values (13);\n`)
  await db.sql.query(`insert into supabase_migrations.seed_files (path, hash) values ('../seed/930_legacy.sql', $1)`, [
    sha256(`insert into public.probe values (13);\n`),
  ])
  const before = await probeCount()
  expect((await migrate(runner, ['../seed/*.sql'], root)).seeded).toEqual([])
  expect(await probeCount()).toBe(before)
  expect(await seedRows('%930_legacy.sql')).toEqual([{ path: 'seed/930_legacy.sql', hash: sha256(`insert into public.probe values (13);\n`) }])
})

it('an edited seed file gets its new hash recorded and is not run again, as the CLI does', async () => {
  const edited = `insert into public.probe values (14);\n`
  writeFileSync(join(root, 'seed', '920_b.sql'), edited)
  const before = await probeCount()
  expect((await migrate(runner, ['../seed/*.sql'], root)).seeded).toEqual([])
  expect(await probeCount()).toBe(before)
  expect(await seedRows('seed/920_b.sql')).toEqual([{ path: 'seed/920_b.sql', hash: sha256(edited) }])
})
