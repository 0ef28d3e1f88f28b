// The migrated + seeded test database, built once per change of its inputs and cloned per test
// file, so tests never re-run migrations. PGlite: a data-dir snapshot. Real PostgreSQL: a template
// database (`create database ... template ...`).
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { pgtap } from '@electric-sql/pglite-pgtap'
import postgres from 'postgres'
import { ROOT, readProjectConfig } from '../../stack/config.ts'
import { openPglite } from '../../stack/database.ts'
import { listMigrations, listSeedFiles, migrate } from '../../stack/migrator.ts'
import { bootstrapPlatform } from '../../stack/platform.ts'
import { pgliteRunner, postgresRunner, type SqlRunner } from '../../stack/sql-runner.ts'
import { adminUrl, databaseUrl, engine } from './engine.ts'

const HELPERS = join(ROOT, 'tests', 'db', 'helpers.sql')

function templateInputs(): string[] {
  const project = readProjectConfig()
  return [
    join(ROOT, 'stack', 'platform.sql'),
    join(ROOT, 'supabase', 'config.toml'),
    join(ROOT, 'package-lock.json'),
    HELPERS,
    ...listMigrations().map((m) => m.path),
    ...listSeedFiles(project.seedPaths),
  ]
}

function templateHash(): string {
  const hash = createHash('sha256')
  for (const file of templateInputs()) hash.update(file).update(readFileSync(file))
  return hash.digest('hex').slice(0, 16)
}

export function templatePath(): string {
  return join(ROOT, '.temp', `test-template-${templateHash()}.tar.gz`)
}

/** Name of the template database on the real engine. */
export const templateDatabase = () => `fd_template_${templateHash()}`

async function buildInto(runner: SqlRunner): Promise<void> {
  await bootstrapPlatform(runner, readProjectConfig().exposedSchemas)
  await migrate(runner, readProjectConfig().seedPaths)
  await runner.exec(readFileSync(HELPERS, 'utf8'))
}

/** An admin connection to the real engine (one session). */
export function adminClient(url = adminUrl!): postgres.Sql {
  return postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'test-admin' } })
}

async function ensurePostgresTemplate(): Promise<string> {
  const name = templateDatabase()
  const admin = adminClient()
  try {
    // One builder at a time (vitest's global setup and the pgTAP runner may race).
    await admin`select pg_advisory_lock(hashtext('fd_template'))`
    const [found] = await admin`select 1 from pg_database where datname = ${name}`
    if (found) return name
    const building = `${name}_building`
    await admin.unsafe(`drop database if exists "${building}" with (force)`)
    await admin.unsafe(`create database "${building}"`)
    const runner = postgresRunner(databaseUrl(adminUrl!, building))
    try {
      await buildInto(runner)
    } finally {
      await runner.close()
    }
    await admin.unsafe(`alter database "${building}" rename to "${name}"`)
    await admin.unsafe(`alter database "${name}" is_template true`)
    // Older templates (earlier inputs) are dropped.
    for (const { datname } of await admin<{ datname: string }[]>`select datname from pg_database where datname like 'fd\_template\_%' and datname <> ${name}`) {
      await admin.unsafe(`alter database "${datname}" is_template false`)
      await admin.unsafe(`drop database "${datname}" with (force)`)
    }
    return name
  } finally {
    await admin`select pg_advisory_unlock(hashtext('fd_template'))`.catch(() => {})
    await admin.end()
  }
}

/** Builds the template if its inputs changed; returns its path (PGlite) or database name. */
export async function ensureTemplate(): Promise<string> {
  if (engine === 'postgres') return await ensurePostgresTemplate()
  const path = templatePath()
  if (existsSync(path)) return path
  const db = await openPglite({ extensions: { pgtap } })
  try {
    await buildInto(pgliteRunner(db))
    const dump = await db.dumpDataDir('gzip')
    mkdirSync(join(ROOT, '.temp'), { recursive: true })
    writeFileSync(`${path}.tmp`, Buffer.from(await dump.arrayBuffer()))
    renameSync(`${path}.tmp`, path)
  } finally {
    await db.close()
  }
  return path
}

/** A fresh in-memory PGlite cloned from the template (PGlite engine only). */
export async function openTemplateClone(): Promise<PGlite> {
  const blob = new Blob([readFileSync(templatePath())])
  return await openPglite({ loadDataDir: blob, extensions: { pgtap } })
}

let clones = 0
/** A new database cloned from the template on the real engine; returns its name. */
export async function createPostgresClone(): Promise<string> {
  const name = `fd_test_${process.pid}_${++clones}_${Math.random().toString(36).slice(2, 8)}`
  const admin = adminClient()
  try {
    await admin.unsafe(`create database "${name}" template "${templateDatabase()}"`)
  } finally {
    await admin.end()
  }
  return name
}

export async function dropPostgresClone(name: string): Promise<void> {
  const admin = adminClient()
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`)
  } finally {
    await admin.end()
  }
}
