// Applies pending migrations (migrations/*.sql, which the Supabase CLI sees as
// supabase/migrations) and the seed files, recording both in the tables the CLI uses:
// supabase_migrations.schema_migrations and supabase_migrations.seed_files. A database migrated
// here is therefore "up to date" for `supabase db push`, and vice versa.
import { createHash } from 'node:crypto'
import { globSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
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

export function listSeedFiles(seedPaths: string[], root = ROOT): string[] {
  const base = join(root, 'supabase')
  return seedPaths.flatMap((pattern) => globSync(pattern, { cwd: base }).sort().map((p) => resolve(base, p)))
}

export interface MigrateResult {
  applied: string[]
  seeded: string[]
}

export async function migrate(db: SqlRunner, seedPaths: string[], root = ROOT): Promise<MigrateResult> {
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

  const seeded: string[] = []
  const seededPaths = new Set(
    (await db.query<{ path: string }>('select path from supabase_migrations.seed_files')).map((r) => r.path),
  )
  for (const file of listSeedFiles(seedPaths, root)) {
    const path = relative(join(root, 'supabase'), file)
    if (seededPaths.has(path)) continue
    const sql = readFileSync(file, 'utf8')
    const hash = createHash('sha256').update(sql).digest('hex')
    await db.transaction(async (tx) => {
      await tx.exec(sql)
      await tx.query('insert into supabase_migrations.seed_files (path, hash) values ($1, $2)', [path, hash])
    })
    seeded.push(path)
  }
  return { applied, seeded }
}
