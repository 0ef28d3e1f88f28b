// Nonce-less payments claiming challenges under concurrency, over many real connections (on real
// PostgreSQL these race for real; PGlite runs them one at a time): agents.claim_payment_challenge
// gives each open challenge to one txid and each txid one challenge, without errors.
import algosdk from 'algosdk'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { failures, race } from '../support/concurrency.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let sql: postgres.Sql
let agentId: string
const PAY_TO = algosdk.getApplicationAddress(4004n).toString()
const PRICE = 1000

/** A random Algorand-shaped transaction id (52 base32 characters). */
const txid = () => Array.from({ length: 52 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('')

async function openChallenges(n: number, requestedBy: string | null = null): Promise<string[]> {
  const nonces: string[] = []
  for (let i = 0; i < n; i++) {
    const [{ nonce }] = await sql<{ nonce: string }[]>`
      select nonce from agents.issue_payment_nonce(${agentId}, 'algorand-testnet', '/agents/claimer/invoke', 300, ${requestedBy})`
    nonces.push(nonce)
  }
  return nonces
}

const claim = (conn: postgres.Sql | postgres.ReservedSql, id: string, user: string | null = null) =>
  conn<{ result: { outcome: string; nonce?: string } }[]>`
    select agents.claim_payment_challenge(${agentId}, ${id}, ${PAY_TO}, 0, ${PRICE}, 'algorand-testnet', ${user}) as result`.then((rows) => rows[0].result)

beforeAll(async () => {
  db = await startTestDatabase()
  sql = postgres(db.url, { max: 50, onnotice: () => {} })
  const [{ id: owner }] = await sql<{ id: string }[]>`select tests.create_supabase_user('claimer_owner') as id`
  const [{ id }] = await sql<{ id: string }[]>`
    insert into agents.agents (user_id, name, subdomain, repo_owner, repo_name, github_url, price_microalgo, status, runtime_status, agent_address, app_id)
    values (${owner}, 'Claimer', 'claimer', 'owner', 'claimer', 'https://github.com/owner/claimer', ${PRICE}, 'active', 'active', ${PAY_TO}, 4004)
    returning id`
  agentId = id
})

afterAll(async () => {
  await sql?.end()
  await db?.stop()
})

it('60 different payments racing for 30 open challenges: 30 claim one each, 30 find none, no errors', async () => {
  const nonces = await openChallenges(30)
  const ids = Array.from({ length: 60 }, txid)
  const results = await race(sql, 30, 60, (conn, i) => claim(conn, ids[i]))
  expect(failures(results)).toEqual([])
  const outcomes = results.map((r) => (r as PromiseFulfilledResult<{ outcome: string; nonce?: string }>).value)
  const claimed = outcomes.filter((o) => o.outcome === 'claimed').map((o) => o.nonce)
  expect(claimed).toHaveLength(30)
  expect(new Set(claimed)).toEqual(new Set(nonces))
  expect(outcomes.filter((o) => o.outcome === 'no_matching_challenge')).toHaveLength(30)
  expect(await sql`select count(*)::int as n from agents.payment_nonces where agent_id = ${agentId} and txid is not null`).toEqual([{ n: 30 }])
})

it('40 copies of one payment racing over 10 open challenges: one claim, the rest in progress, one challenge held', async () => {
  await openChallenges(10)
  const id = txid()
  const results = await race(sql, 40, 40, (conn) => claim(conn, id))
  expect(failures(results)).toEqual([])
  const outcomes = results.map((r) => (r as PromiseFulfilledResult<{ outcome: string }>).value.outcome)
  expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(1)
  expect(outcomes.filter((o) => o === 'in_progress')).toHaveLength(39)
  expect(await sql`select count(*)::int as n from agents.payment_nonces where txid = ${id}`).toEqual([{ n: 1 }])
})

it('a challenge issued to a user is claimed by that user only; an expired or other-priced one by nobody', async () => {
  const [{ id: user }] = await sql<{ id: string }[]>`select tests.create_supabase_user('claimer_payer') as id`
  // The open challenges left by the tests above run out.
  await sql`update agents.payment_nonces set expires_at = now() - interval '1 second' where agent_id = ${agentId} and txid is null`
  const [mine] = await openChallenges(1, user)
  expect(await claim(sql, txid())).toEqual({ outcome: 'no_matching_challenge' })
  expect(await claim(sql, txid(), user)).toMatchObject({ outcome: 'claimed', nonce: mine })
  const [expired] = await openChallenges(1)
  await sql`update agents.payment_nonces set expires_at = now() - interval '1 second' where nonce = ${expired}`
  expect(await claim(sql, txid())).toEqual({ outcome: 'no_matching_challenge' })
  await openChallenges(1)
  const otherPrice = await sql<{ result: { outcome: string } }[]>`
    select agents.claim_payment_challenge(${agentId}, ${txid()}, ${PAY_TO}, 0, ${PRICE + 1}, 'algorand-testnet') as result`
  expect(otherPrice[0].result.outcome).toBe('no_matching_challenge')
  const otherAsset = await sql<{ result: { outcome: string } }[]>`
    select agents.claim_payment_challenge(${agentId}, ${txid()}, ${PAY_TO}, 10458941, ${PRICE}, 'algorand-testnet') as result`
  expect(otherAsset[0].result.outcome).toBe('no_matching_challenge')
})
