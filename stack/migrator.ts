// Applies pending migrations (migrations/*.sql, which the Supabase CLI sees as
// supabase/migrations) and the seed files, recording both in the tables the CLI uses:
// supabase_migrations.schema_migrations and supabase_migrations.seed_files. A database migrated
// here is therefore "up to date" for `supabase db push`, and vice versa.
import { createHash } from 'node:crypto'
import { globSync, readdirSync, readFileSync } from 'node:fs'
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path'
import { splitSqlStatements } from '@supabase/lite'
import { ROOT } from './config.ts'
import type { SqlRunner } from './sql-runner.ts'

export interface Migration {
  version: string
  name: string
  path: string
}

const MIGRATION_FILE = /^(\d{14})_(.+)\.sql$/

export function listMigrations(dir = join(ROOT, 'migrations')): Migration[] {
  return readdirSync(dir)
    .map((file) => MIGRATION_FILE.exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([file, version, name]) => ({ version, name, path: join(dir, file) }))
    .sort((a, b) => a.version.localeCompare(b.version))
}

/**
 * The seed files of config.toml's `[db.seed] sql_paths`, as the Supabase CLI names them: each pattern
 * is relative to supabase/ and joined onto it (`../seed/*.sql` -> `seed/*.sql`), matched from the
 * project root, sorted per pattern, first occurrence kept. These names are what the CLI records in
 * supabase_migrations.seed_files (with the SHA-256 of the file), so they are what we record too.
 */
export function seedFileNames(seedPaths: string[], root = ROOT): string[] {
  const names = new Set<string>()
  for (const pattern of seedPaths) {
    if (!pattern) continue
    const joined = isAbsolute(pattern) ? pattern : posix.join('supabase', pattern.replaceAll(sep, '/'))
    for (const match of globSync(joined, { cwd: root }).sort()) names.add(match.replaceAll(sep, '/'))
  }
  return [...names]
}

/** Absolute paths of the seed files, in the order they are applied. */
export function listSeedFiles(seedPaths: string[], root = ROOT): string[] {
  return seedFileNames(seedPaths, root).map((name) => resolve(root, name))
}

const fileHash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/**
 * Before the stack recorded seeds as the CLI does, it recorded them relative to supabase/
 * (`../seed/000_shared_local_admin.sql`), so `supabase db push --include-seed` would run them again.
 * Renames such rows to the CLI's name (or drops them where that name is already recorded). A name
 * without `../` (a file inside supabase/) could also be the CLI's name of another file in the root:
 * that row is taken as the older form only while its hash is this file's.
 */
async function renameLegacySeedRows(db: SqlRunner, names: string[], root: string): Promise<void> {
  const current = new Set(names)
  const legacy = new Map<string, string>()
  for (const name of names) {
    const old = relative(join(root, 'supabase'), resolve(root, name)).replaceAll(sep, '/')
    if (old !== name && !current.has(old)) legacy.set(old, name)
  }
  if (legacy.size === 0) return
  const rows = (await db.query<{ path: string; hash: string }>('select path, hash from supabase_migrations.seed_files')).filter(
    (r) => legacy.has(r.path) && (r.path.startsWith('../') || r.hash === fileHash(resolve(root, legacy.get(r.path)!))),
  )
  if (rows.length === 0) return
  await db.transaction(async (tx) => {
    for (const { path } of rows) {
      await tx.query(
        `update supabase_migrations.seed_files set path = $2 where path = $1
           and not exists (select from supabase_migrations.seed_files where path = $2)`,
        [path, legacy.get(path)],
      )
      await tx.query('delete from supabase_migrations.seed_files where path = $1', [path])
    }
  })
}

export interface MigrateResult {
  applied: string[]
  seeded: string[]
}

export async function migrate(db: SqlRunner, seedPaths: string[], root = ROOT, log: (line: string) => void = () => {}): Promise<MigrateResult> {
  const done = new Set(
    (await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).map((r) => r.version),
  )
  const applied: string[] = []
  for (const m of listMigrations(join(root, 'migrations'))) {
    if (done.has(m.version)) continue
    const sql = readFileSync(m.path, 'utf8')
    try {
      await db.transaction(async (tx) => {
        await tx.exec(sql)
        await tx.query('insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)', [
          m.version,
          m.name,
          splitSqlStatements(sql),
        ])
      })
    } catch (error) {
      throw new Error(`migration ${m.version}_${m.name}.sql failed: ${(error as Error).message}`, { cause: error })
    }
    applied.push(`${m.version}_${m.name}`)
  }

  // Seeds as `supabase db push --include-seed` does them: a file recorded under its name with the
  // same hash is done; one recorded with another hash (edited since) gets its hash updated and is not
  // run again; a new one runs and is recorded, in one transaction.
  const seeded: string[] = []
  const names = seedFileNames(seedPaths, root)
  await renameLegacySeedRows(db, names, root)
  const recorded = new Map(
    (await db.query<{ path: string; hash: string }>('select path, hash from supabase_migrations.seed_files')).map((r) => [r.path, r.hash]),
  )
  for (const name of names) {
    const hash = fileHash(resolve(root, name))
    const known = recorded.get(name)
    if (known === hash) continue
    if (known !== undefined) {
      await db.query('update supabase_migrations.seed_files set hash = $2 where path = $1', [name, hash])
      log(`seed file ${name} changed since it was applied: hash updated, not run again (as the Supabase CLI does)`)
      continue
    }
    await db.transaction(async (tx) => {
      await tx.exec(readFileSync(resolve(root, name), 'utf8'))
      await tx.query('insert into supabase_migrations.seed_files (path, hash) values ($1, $2)', [name, hash])
    })
    seeded.push(name)
  }
  return { applied, seeded }
}
