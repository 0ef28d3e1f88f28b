// Delivery retries and refunds under concurrency, over many real connections (on real PostgreSQL these
// race for real; PGlite runs them one at a time): of N concurrent re-sends of a failed delivery exactly
// one claims the next attempt, the bound is never exceeded, and a payment is refunded once and a refund
// transaction used once.
import algosdk from 'algosdk'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { failures, race } from '../support/concurrency.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let sql: postgres.Sql
let agentId: string
const PAY_TO = algosdk.getApplicationAddress(3003n).toString()
const PAYER = algosdk.generateAccount().addr.toString()
const MAX_ATTEMPTS = 3

/** A random Algorand-shaped transaction id (52 base32 characters). */
const txid = () => Array.from({ length: 52 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(Math.random() * 32)]).join('')

/** A settled payment whose first delivery attempt failed (runtime 500). */
async function failedPayment(): Promise<{ txid: string; id: string }> {
  const id = txid()
  const [{ nonce }] = await sql<{ nonce: string }[]>`select nonce from agents.issue_payment_nonce(${agentId}, 'algorand-testnet', '/agents/racer/invoke', 300)`
  await sql`select agents.claim_payment_nonce(${nonce}, ${agentId}, ${id})`
  await sql`select agents.settle_payment(${nonce}, ${id}, ${PAYER}, 1000, 10)`
  await sql`select agents.claim_delivery(${id}, true, ${MAX_ATTEMPTS}, 60)`
  await sql`select agents.record_delivery(${id}, 1, false, 500, 'runtime_error', 'HTTP 500')`
  const [{ id: paymentId }] = await sql<{ id: string }[]>`select id from agents.payments where txid = ${id}`
  return { txid: id, id: paymentId }
}

beforeAll(async () => {
  db = await startTestDatabase()
  sql = postgres(db.url, { max: 50, onnotice: () => {} })
  const [{ id: owner }] = await sql<{ id: string }[]>`select tests.create_supabase_user('racer_owner') as id`
  const [{ id }] = await sql<{ id: string }[]>`
    insert into agents.agents (user_id, name, subdomain, repo_owner, repo_name, github_url, price_microalgo, status, runtime_status, agent_address, app_id)
    values (${owner}, 'Racer', 'racer', 'owner', 'racer', 'https://github.com/owner/racer', 1000, 'active', 'active', ${PAY_TO}, 3003)
    returning id`
  agentId = id
})
afterAll(async () => {
  await sql.end()
  await db.stop()
})

it('50 concurrent re-sends of a failed delivery (10 rounds): exactly one claims the next attempt, the others see it in progress', async () => {
  for (let round = 0; round < 10; round++) {
    const payment = await failedPayment()
    const results = await race(sql, 50, 50, (c) => c<{ claim: { outcome: string; attempt?: number } }[]>`
      select agents.claim_delivery(${payment.txid}, false, ${MAX_ATTEMPTS}, 60) as claim`)
    expect(failures(results)).toEqual([])
    const outcomes = results.map((r) => (r as PromiseFulfilledResult<{ claim: { outcome: string; attempt?: number } }[]>).value[0].claim)
    expect(outcomes.filter((o) => o.outcome === 'claimed')).toEqual([{ outcome: 'claimed', attempt: 2, delivery: expect.anything() }])
    expect(outcomes.filter((o) => o.outcome === 'in_progress')).toHaveLength(49)
    expect(await sql`select status::text, attempts from agents.payment_deliveries where payment_id = ${payment.id}`).toEqual([{ status: 'pending', attempts: 2 }])
  }
})

it('re-sends racing through every attempt never exceed the bound: attempts claimed = MAX_ATTEMPTS - 1 after the first', async () => {
  const payment = await failedPayment()
  let claimed = 0
  for (let wave = 0; wave < MAX_ATTEMPTS + 2; wave++) {
    const results = await race(sql, 20, 20, (c) => c<{ claim: { outcome: string; attempt?: number } }[]>`
      select agents.claim_delivery(${payment.txid}, false, ${MAX_ATTEMPTS}, 60) as claim`)
    expect(failures(results)).toEqual([])
    const wins = results.map((r) => (r as PromiseFulfilledResult<{ claim: { outcome: string; attempt?: number } }[]>).value[0].claim).filter((o) => o.outcome === 'claimed')
    expect(wins.length).toBeLessThanOrEqual(1)
    for (const win of wins) {
      claimed += 1
      await sql`select agents.record_delivery(${payment.txid}, ${win.attempt!}, false, 503, 'runtime_error', 'HTTP 503')`
    }
  }
  expect(claimed).toBe(MAX_ATTEMPTS - 1)
  expect(await sql`select attempts, refund_owed from agents.refundable_payments where payment_id = ${payment.id}`).toEqual([{ attempts: MAX_ATTEMPTS, refund_owed: true }])
})

it('20 concurrent refunds of one unserved payment: one recorded, 19 payment_already_refunded; one refund txid for 10 payments: used once', async () => {
  const exhausted = async () => {
    const payment = await failedPayment()
    await sql`update agents.payment_deliveries set redeemable_until = now() - interval '1 second' where payment_id = ${payment.id}`
    return payment
  }
  const one = await exhausted()
  const results = await race(sql, 20, 20, (c) => c`select agents.record_payment_refund(${one.id}, ${txid()})`)
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
  expect(failures(results).filter((m) => !m.includes('refunded already'))).toEqual([])
  expect(await sql`select count(*)::int as n from agents.payment_refunds where payment_id = ${one.id}`).toEqual([{ n: 1 }])

  const payments = await Promise.all(Array.from({ length: 10 }, exhausted))
  const shared = txid()
  const same = await race(sql, 10, 10, (c, i) => c`select agents.record_payment_refund(${payments[i].id}, ${shared})`)
  expect(same.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
  const refused = same.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  expect(refused.map((r) => r.reason.hint)).toEqual(Array.from({ length: 9 }, () => 'refund_txid_used'))
  expect(await sql`select count(*)::int as n from agents.payment_refunds where refund_txid = ${shared}`).toEqual([{ n: 1 }])
})
