// The schema of record (docs/schema/<schema>.sql) matches a pg_dump 17 of a database freshly cloned
// from the migrated template. Real-engine lane only (TEST_DATABASE_URL): the dump is PostgreSQL 17's.
// On drift: `npm run schema:docs`, review the diff, commit docs/schema.
import { describe, expect, it } from 'vitest'
import { describeDrift, dumpSchemaDocs, schemaDocsDrift } from '../../scripts/schema-docs.ts'
import { adminUrl, databaseUrl, onRealPostgres } from '../support/engine.ts'
import { adminClient, createPostgresClone, dropPostgresClone } from '../support/template.ts'

describe.runIf(onRealPostgres)('schema of record', () => {
  it('docs/schema matches a dump of the migrated schema (else: npm run schema:docs)', async (ctx) => {
    // The files are PostgreSQL 17's dump: on a server you point the suite at that runs another major
    // (e.g. 15), there is nothing to compare.
    const admin = adminClient()
    const [{ major }] = await admin<{ major: number }[]>`select current_setting('server_version_num')::int / 10000 as major`
    await admin.end()
    if (major !== 17) ctx.skip(`the schema of record is PostgreSQL 17's; this server runs ${major}`)
    const clone = await createPostgresClone()
    try {
      const drift = schemaDocsDrift(dumpSchemaDocs(databaseUrl(adminUrl!, clone)))
      expect(drift.map((d) => `docs/schema/${d.file} (${d.kind})`), drift.length ? describeDrift(drift) : '').toEqual([])
    } finally {
      await dropPostgresClone(clone)
    }
  })
})
