// Privacy request limits under real concurrency (issue 17 point 4): on real PostgreSQL every call
// races on its own connection (tests/support/concurrency.ts); on PGlite they run one at a time. The
// limits hold per site and email however many calls arrive at once: one open request per type, and
// 5 wrong codes in all over every request of that email.
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { failures, race } from '../support/concurrency.ts'
import { markDomainVerified } from '../support/domain-verified.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let sql: postgres.Sql
let domainId: string
const hash = (c: string) => c.repeat(64)

beforeAll(async () => {
  db = await startTestDatabase()
  sql = postgres(db.url, { max: 20, onnotice: () => {} })
  const [{ owner }] = await sql`select tests.create_supabase_user('privacy_race_owner') as owner`
  ;[{ id: domainId }] = await sql`insert into sites.domains (user_id, domain) values (${owner}, 'race.privacy.test') returning id`
  await markDomainVerified((q, p) => sql.unsafe(q, p as never[]), domainId)
})
afterAll(async () => {
  await sql.end()
  await db.stop()
})

const open = (c: postgres.Sql | postgres.ReservedSql, email: string, type: string, code: string, client: string) =>
  c<{ outcome: string; request_id: string }[]>`select outcome, request_id from sites.open_privacy_request(${domainId}, ${email}, ${type}, 'gdpr', '{}', ${hash(code)}, ${client})`

it('30 requests at once for one email and type open one', async () => {
  const results = await race(sql, 20, 30, (c, i) => open(c, 'crowd@mail.test', 'access', 'a', `client-${i}`))
  expect(failures(results)).toEqual([])
  const outcomes = results.map((r) => (r as PromiseFulfilledResult<{ outcome: string }[]>).value[0].outcome)
  expect(outcomes.filter((o) => o === 'opened')).toHaveLength(1)
  expect(outcomes.filter((o) => o === 'already_open')).toHaveLength(29)
  expect(await sql`select count(*)::int as n from sites.customer_verifications where email = 'crowd@mail.test'`).toEqual([{ n: 1 }])
})

it('40 wrong codes at once over two requests of one email: exactly 5 are checked, then even the right code is refused', async () => {
  const [{ request_id: first }] = await open(sql, 'guess@mail.test', 'access', 'b', 'client-x')
  const [{ request_id: second }] = await open(sql, 'guess@mail.test', 'delete', 'c', 'client-y')
  const results = await race(sql, 20, 40, (c, i) => c<{ outcome: string }[]>`select sites.check_privacy_code(${i % 2 ? first : second}, ${hash('0')}) as outcome`)
  expect(failures(results)).toEqual([])
  const outcomes = results.map((r) => (r as PromiseFulfilledResult<{ outcome: string }[]>).value[0].outcome)
  expect(outcomes.filter((o) => o === 'wrong_code')).toHaveLength(5)
  expect(outcomes.filter((o) => o === 'too_many_attempts')).toHaveLength(35)
  expect(await sql`select sites.check_privacy_code(${second}, ${hash('c')}) as outcome`).toEqual([{ outcome: 'too_many_attempts' }])
})
