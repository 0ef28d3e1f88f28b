// `npm run gen:types`: regenerates types/database.ts from a freshly migrated database with the
// pinned Supabase CLI (the same command `npm test` checks against).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, readProjectConfig } from '../stack/config.ts'
import { generateTypes } from '../stack/supabase-cli.ts'
import { ensureTemplate } from '../tests/support/template.ts'
import { startTestDatabase } from '../tests/support/test-db.ts'

await ensureTemplate()
const db = await startTestDatabase()
try {
  const types = await generateTypes(db.url, readProjectConfig().exposedSchemas)
  writeFileSync(join(ROOT, 'types', 'database.ts'), types)
  console.log(`types/database.ts written (${types.length} bytes)`)
} finally {
  await db.stop()
}
