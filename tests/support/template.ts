// The migrated + seeded test database, built once per change of its inputs and cloned per test
// file (PGlite data-dir snapshot), so tests never re-run migrations.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { pgtap } from '@electric-sql/pglite-pgtap'
import { ROOT, readProjectConfig } from '../../stack/config.ts'
import { openPglite } from '../../stack/database.ts'
import { listMigrations, listSeedFiles, migrate } from '../../stack/migrator.ts'
import { bootstrapPlatform } from '../../stack/platform.ts'
import { pgliteRunner } from '../../stack/sql-runner.ts'

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

export function templatePath(): string {
  const hash = createHash('sha256')
  for (const file of templateInputs()) hash.update(file).update(readFileSync(file))
  return join(ROOT, '.temp', `test-template-${hash.digest('hex').slice(0, 16)}.tar.gz`)
}

/** Builds the template if its inputs changed; returns its path. */
export async function ensureTemplate(): Promise<string> {
  const path = templatePath()
  if (existsSync(path)) return path
  const db = await openPglite({ extensions: { pgtap } })
  try {
    const runner = pgliteRunner(db)
    await bootstrapPlatform(runner, readProjectConfig().exposedSchemas)
    await migrate(runner, readProjectConfig().seedPaths)
    await db.exec(readFileSync(HELPERS, 'utf8'))
    const dump = await db.dumpDataDir('gzip')
    mkdirSync(join(ROOT, '.temp'), { recursive: true })
    writeFileSync(`${path}.tmp`, Buffer.from(await dump.arrayBuffer()))
    renameSync(`${path}.tmp`, path)
  } finally {
    await db.close()
  }
  return path
}

/** A fresh in-memory database cloned from the template. */
export async function openTemplateClone(): Promise<PGlite> {
  const blob = new Blob([readFileSync(templatePath())])
  return await openPglite({ loadDataDir: blob, extensions: { pgtap } })
}
