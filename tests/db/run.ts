// pgTAP runner: every tests/db/*.test.sql against a clone of the migrated + seeded template
// (PGlite + @electric-sql/pglite-pgtap). Each file runs in its own transaction; each failing
// assertion is reported with its file and description. Exit code 1 on any failure.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, readProjectConfig } from '../../stack/config.ts'
import { ensureTemplate, openTemplateClone } from '../support/template.ts'

const dir = join(ROOT, 'tests', 'db')
const only = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.sql'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

await ensureTemplate()
const db = await openTemplateClone()
const exposed = readProjectConfig().exposedSchemas.join(',')

let failedFiles = 0
let total = 0
for (const file of files) {
  const sql = readFileSync(join(dir, file), 'utf8')
  const lines: string[] = []
  let error: string | undefined
  try {
    await db.exec(`set search_path = tests, public, extensions; select set_config('tests.exposed_schemas', '${exposed}', false);`)
    const results = await db.exec(sql)
    for (const result of results) {
      for (const row of result.rows) {
        for (const value of Object.values(row)) if (typeof value === 'string') lines.push(...value.split('\n'))
      }
    }
  } catch (e) {
    error = (e as Error).message
  } finally {
    if (db.isInTransaction()) await db.exec('rollback')
    await db.exec('reset role; reset all')
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
await db.close()
console.log(`\npgTAP: ${files.length - failedFiles}/${files.length} files passed, ${total} assertions`)
process.exit(failedFiles === 0 && files.length > 0 ? 0 : 1)
