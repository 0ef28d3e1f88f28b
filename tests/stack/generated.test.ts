// What the Supabase CLI says about the migrated schema: the committed types are current, and the
// advisors (security + performance lints) report no ERROR and no WARN.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ROOT, readProjectConfig } from '../../stack/config.ts'
import { generateTypes, runAdvisors } from '../../stack/supabase-cli.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await startTestDatabase()
})
afterAll(async () => {
  await db?.stop()
})

it('types/database.ts equals fresh `supabase gen types typescript` output (run `npm run gen:types`)', async () => {
  const fresh = await generateTypes(db.url, readProjectConfig().exposedSchemas)
  expect(readFileSync(join(ROOT, 'types', 'database.ts'), 'utf8')).toBe(fresh)
})

// Exceptions, each with its reason in README.md ("Advisor exceptions"). Keep both lists in step.
const ACCEPTED: { name: string; object: string }[] = []

it('`supabase db advisors` reports no ERROR and no WARN', async () => {
  const findings = await runAdvisors(db.url)
  const blocking = findings
    .filter((f) => f.level === 'ERROR' || f.level === 'WARN')
    .filter((f) => !ACCEPTED.some((a) => a.name === f.name && a.object === `${f.metadata?.schema}.${f.metadata?.name}`))
  expect(blocking.map((f) => `${f.level} ${f.name}: ${f.detail}`)).toEqual([])
})
