// pgTAP runner: every tests/db/*.test.sql against a clone of the migrated + seeded template, on the
// suite's engine (PGlite + @electric-sql/pglite-pgtap, or real PostgreSQL with Debian's pgTAP when
// TEST_DATABASE_URL is set). Each file runs in its own transaction; each failing assertion is
// reported with its file and description. Exit code 1 on any failure.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, readProjectConfig } from '../../stack/config.ts'
import { engine } from '../support/engine.ts'
import { ensureTemplate } from '../support/template.ts'
import { startTestDatabase } from '../support/test-db.ts'

const dir = join(ROOT, 'tests', 'db')
const only = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.sql'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

await ensureTemplate()
const db = await startTestDatabase()
const exposed = readProjectConfig().exposedSchemas.join(',')

/** Every row of every statement's result: PGlite answers Results[], postgres.js one Result per statement. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  const list = result as ({ rows: Record<string, unknown>[] } | Record<string, unknown>[])[]
  if (!Array.isArray(list)) return []
  if (list.length > 0 && !Array.isArray(list[0]) && !('rows' in (list[0] as object))) return list as unknown as Record<string, unknown>[]
  return list.flatMap((r) => (Array.isArray(r) ? r : r.rows))
}

let failedFiles = 0
let total = 0
for (const file of files) {
  const sql = readFileSync(join(dir, file), 'utf8')
  const lines: string[] = []
  let error: string | undefined
  try {
    await db.sql.exec(`set search_path = tests, public, extensions; select set_config('tests.exposed_schemas', '${exposed}', false);`)
    for (const row of rowsOf(await db.sql.exec(sql))) {
      for (const value of Object.values(row)) if (typeof value === 'string') lines.push(...value.split('\n'))
    }
  } catch (e) {
    error = (e as Error).message
  } finally {
    await db.sql.exec('rollback') // a no-op warning when the file ended its own transaction
    await db.sql.exec('reset role; reset all')
  }
  const plan = lines.map((l) => /^1\.\.(\d+)/.exec(l)).find(Boolean)
  const passed = lines.filter((l) => /^ok \d+/.test(l)).length
  const failed = lines.filter((l) => /^not ok \d+/.test(l))
  const planned = plan ? Number(plan[1]) : undefined
  total += passed + failed.length
  const problems = [...failed]
  if (error) problems.push(`SQL error: ${error}`)
  if (planned === undefined) problems.push('no plan: the file must call plan(n) or no_plan()')
  else if (!error && planned !== passed + failed.length) problems.push(`planned ${planned} tests but ran ${passed + failed.length}`)
  if (problems.length === 0) {
    console.log(`ok   ${file} (${passed} assertions)`)
    continue
  }
  failedFiles++
  console.log(`FAIL ${file}`)
  for (const p of problems) console.log(`     ${file}: ${p}`)
  for (const l of lines.filter((l) => l.startsWith('#'))) console.log(`     ${l}`)
}
await db.stop()
console.log(`\npgTAP (${engine}): ${files.length - failedFiles}/${files.length} files passed, ${total} assertions`)
process.exit(failedFiles === 0 && files.length > 0 ? 0 : 1)
