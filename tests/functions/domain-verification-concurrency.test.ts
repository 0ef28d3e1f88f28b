// Domain claims verified at the same moment (issue 17 point 2): on real PostgreSQL every call races on
// its own connection (tests/support/concurrency.ts); on PGlite they run one at a time. Whatever the
// interleaving, one claim of a host ends verified, every other answer is 'taken', and none fails.
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { failures, race } from '../support/concurrency.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let sql: postgres.Sql

beforeAll(async () => {
  db = await startTestDatabase()
  sql = postgres(db.url, { max: 20, onnotice: () => {} })
})
afterAll(async () => {
  await sql.end()
  await db.stop()
})

it('20 claims of one host found at once, for 5 hosts: one verified each, the others taken, no error', async () => {
  const users: string[] = []
  for (let i = 0; i < 20; i++) users.push((await sql`select tests.create_supabase_user(${`race_claimant_${i}`}) as user`)[0].user)
  for (let h = 0; h < 5; h++) {
    const host = `contested-${h}.race.test`
    const claims: string[] = []
    for (const user of users) claims.push((await sql`insert into sites.domains (user_id, domain) values (${user}, ${host}) returning id`)[0].id)
    const results = await race(sql, 20, 20, (c, i) => c<{ recorded: { status: string } }[]>`select sites.record_domain_verification(${claims[i]}, 'found') as recorded`)
    expect(failures(results)).toEqual([])
    const statuses = results.map((r) => (r as PromiseFulfilledResult<{ recorded: { status: string } }[]>).value[0].recorded.status)
    expect(statuses.filter((s) => s === 'verified')).toHaveLength(1)
    expect(statuses.filter((s) => s === 'taken')).toHaveLength(19)
    expect(await sql`select count(*)::int as n from sites.domains where domain = ${host} and verified_at is not null`).toEqual([{ n: 1 }])
  }
})
