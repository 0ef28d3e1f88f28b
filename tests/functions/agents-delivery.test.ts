// Paid but not served (issue 16, x402 point 9), against a real database, the loopback algod and a
// loopback agent runtime that can fail its next calls (500, a reset connection, or no answer). What a
// payer sees: a failed delivery is recorded with its reason and can be redeemed by re-sending the same
// payment (one forward per re-send, at most MAX_DELIVERY_ATTEMPTS in all, only before the challenge
// expires); after that it is listed as refundable and the owner records the refund; a delivered
// payment re-sent is never forwarded again.
import algosdk from 'algosdk'
import { Hono } from 'hono'
import type { HttpBindings } from '@hono/node-server'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { app } from '../../functions/agents/app.ts'
import { MAX_DELIVERY_ATTEMPTS } from '../../functions/agents/delivery.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { signUserToken } from '../../stack/keys.ts'
import { listenOnLoopback } from '../support/listen.ts'
import { startAlgorandLoopback, TESTNET_GENESIS_HASH, type AlgorandLoopback } from '../support/algorand-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withEnv } from './unset-env.ts'

const JWT_SECRET = 'agents-delivery-test-jwt-secret-at-least-32-chars'
const PRICE = 100_000n
const APP_ID = 2002n
const PAY_TO = algosdk.getApplicationAddress(APP_ID).toString()
/** Only the timeout test shortens it (its runtime never answers); the others must never hit it. */
const STALL_TIMEOUT_MS = 300

type Failure = 'error' | 'reset' | 'stall' | 'bad_request'

interface Runtime {
  url: string
  /** Bodies of the calls that reached the runtime (failed ones included). */
  calls: string[]
  /** The next calls fail this way, in order. */
  failNext(...failures: Failure[]): void
  close(): Promise<void>
}

async function startRuntime(): Promise<Runtime> {
  const calls: string[] = []
  const failures: Failure[] = []
  const stalled: (() => void)[] = []
  const hono = new Hono<{ Bindings: HttpBindings }>()
  hono.post('/:subdomain/invoke', async (c) => {
    const body = await c.req.text()
    calls.push(body)
    switch (failures.shift()) {
      case 'error':
        return c.json({ message: 'runtime crashed' }, 500)
      case 'reset':
        c.env.incoming.socket.destroy()
        return c.body(null)
      case 'stall':
        await new Promise<void>((resolve) => stalled.push(resolve))
        return c.json({ answer: 'too late' })
      case 'bad_request':
        return c.json({ error: 'the agent cannot parse that' }, 422)
      default:
        return c.json({ answer: `echo: ${body}` })
    }
  })
  const server = await listenOnLoopback(hono.fetch)
  return {
    url: server.url, calls,
    failNext: (...next) => void failures.push(...next),
    close: async () => {
      for (const release of stalled.splice(0)) release()
      await server.close()
    },
  }
}

let db: TestDatabase
let chain: AlgorandLoopback
let runtime: Runtime
let ownerJwt: string
const payer = algosdk.generateAccount()

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const newUser = async (name: string) => (await query<{ id: string }>(`select tests.create_supabase_user($1) as id`, [name]))[0].id

/** Runs sql as a signed-in user (role authenticated, the user's JWT claims), as PostgREST would. */
async function asUser<T = Record<string, unknown>>(identifier: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return await db.sql.transaction(async (tx) => {
    await tx.query(`select tests.authenticate_as($1)`, [identifier])
    return (await tx.query<T>(sql, params)).rows
  })
}

async function invoke(options: { payment?: string; body?: string; jwt?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.payment !== undefined) headers['x-payment'] = options.payment
  if (options.jwt) headers.authorization = `Bearer ${options.jwt}`
  const res = await app.request('http://functions.test/agents/courier/invoke', { method: 'POST', body: options.body ?? '{"q":"hi"}', headers })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

/** A signed payment for a fresh challenge (issued to the user of jwt, if any), as an X-PAYMENT header. */
async function paidHeader(jwt?: string): Promise<{ header: string; txid: string }> {
  const challenge = await invoke({ jwt })
  expect(challenge.status).toBe(402)
  const nonce = challenge.body.accepts[0].extra.nonce
  const txn = algosdk.makePaymentTxnWithSuggestedParamsFromObject({
    sender: payer.addr, receiver: PAY_TO, amount: PRICE, note: new TextEncoder().encode(`x402:${nonce}`),
    suggestedParams: {
      fee: 1000n, minFee: 1000n, flatFee: true, firstValid: chain.round, lastValid: chain.round + 1000n,
      genesisHash: algosdk.base64ToBytes(TESTNET_GENESIS_HASH), genesisID: 'testnet-v1.0',
    },
  })
  const json = { x402Version: 1, scheme: 'exact', network: 'algorand-testnet', payload: { paymentGroup: [algosdk.bytesToBase64(txn.signTxn(payer.sk))], paymentIndex: 0 } }
  return { header: Buffer.from(JSON.stringify(json)).toString('base64'), txid: txn.txID() }
}

const delivery = async (txid: string) => (await query<{ status: string; attempts: number; runtime_status: number | null; failure_reason: string | null }>(
  `select d.status::text, d.attempts, d.runtime_status, d.failure_reason::text from agents.payment_deliveries d join agents.payments p on p.id = d.payment_id where p.txid = $1`, [txid]))[0]
const paymentId = async (txid: string) => (await query<{ id: string }>(`select id from agents.payments where txid = $1`, [txid]))[0].id
const refundTxid = (c: string) => c.repeat(52)

beforeAll(async () => {
  db = await startTestDatabase()
  chain = await startAlgorandLoopback()
  runtime = await startRuntime()
  Object.assign(process.env, {
    SUPABASE_DB_URL: db.url, JWT_SECRET, ALGOD_SERVER: chain.url, INDEXER_SERVER: chain.url, ALGORAND_NETWORK: 'testnet',
    AGENT_TOKEN_SECRET: 'agent-token-secret-for-the-delivery-suite', AGENT_RUNTIME_URL: `${runtime.url}/{subdomain}/invoke`,
    AGENT_RUNTIME_TIMEOUT_MS: '30000',
  })
  const owner = await newUser('courier_owner')
  ownerJwt = await signUserToken(owner, JWT_SECRET)
  await query(`insert into agents.agents (user_id, name, subdomain, repo_owner, repo_name, github_url, price_microalgo, status, runtime_status, agent_address, app_id)
               values ($1, 'Courier', 'courier', 'owner', 'courier', 'https://github.com/owner/courier', $2, 'active', 'active', $3, $4)`,
    [owner, PRICE.toString(), PAY_TO, APP_ID.toString()])
  const issued = await app.request('/agents/courier/token', { method: 'POST', headers: { authorization: `Bearer ${ownerJwt}` } })
  expect(issued.status).toBe(201)
  chain.fund(payer.addr.toString(), 1_000_000_000n)
})

afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), chain.close(), runtime.close()])
})

let callsBefore: number
beforeEach(() => {
  callsBefore = runtime.calls.length
})
const forwards = () => runtime.calls.length - callsBefore

describe('a failed delivery is recorded with its reason', () => {
  it('runtime 5xx: 502 agent_error, the payment recorded, delivery failed (runtime_error, 500), a retry offered', async () => {
    const { header, txid } = await paidHeader()
    runtime.failNext('error')
    const res = await invoke({ payment: header })
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 502, code: 'agent_error' })
    expect(res.body.error.message).toContain('send the same payment again')
    expect(res.body.grant.transaction).toBe(txid)
    expect(res.body.delivery).toMatchObject({ status: 'failed', attempts: 1, max_attempts: MAX_DELIVERY_ATTEMPTS, runtime_status: 500, failure_reason: 'runtime_error', refund: null })
    expect(res.headers.get('x-payment-response')).toBeTruthy()
    expect(await delivery(txid)).toEqual({ status: 'failed', attempts: 1, runtime_status: 500, failure_reason: 'runtime_error' })
    expect(forwards()).toBe(1)
  })

  it('a reset connection: 502 agent_unreachable, failure_reason connection_failed', async () => {
    const { header, txid } = await paidHeader()
    runtime.failNext('reset')
    const res = await invoke({ payment: header })
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 502, code: 'agent_unreachable' })
    expect(await delivery(txid)).toEqual({ status: 'failed', attempts: 1, runtime_status: null, failure_reason: 'connection_failed' })
  })

  it('no answer within AGENT_RUNTIME_TIMEOUT_MS: 504 agent_timeout, failure_reason timeout', async () => {
    const { header, txid } = await paidHeader()
    runtime.failNext('stall')
    const res = await withEnv({ AGENT_RUNTIME_TIMEOUT_MS: String(STALL_TIMEOUT_MS) }, () => invoke({ payment: header }))
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 504, code: 'agent_timeout' })
    expect(await delivery(txid)).toEqual({ status: 'failed', attempts: 1, runtime_status: null, failure_reason: 'timeout' })
  })

  it('a runtime 4xx is the agent\'s answer: passed through, recorded delivered with its status, never retried', async () => {
    const { header, txid } = await paidHeader()
    runtime.failNext('bad_request')
    const res = await invoke({ payment: header })
    expect({ status: res.status, body: res.body }).toEqual({ status: 422, body: { error: 'the agent cannot parse that' } })
    expect(await delivery(txid)).toEqual({ status: 'delivered', attempts: 1, runtime_status: 422, failure_reason: null })
    const again = await invoke({ payment: header })
    expect({ status: again.status, code: again.body.error.code }).toEqual({ status: 409, code: 'payment_replayed' })
    expect(forwards()).toBe(1)
  })

  it('a served call is recorded delivered (200)', async () => {
    const { header, txid } = await paidHeader()
    expect((await invoke({ payment: header, body: '{"q":"ok"}' })).body).toEqual({ answer: 'echo: {"q":"ok"}' })
    expect(await delivery(txid)).toEqual({ status: 'delivered', attempts: 1, runtime_status: 200, failure_reason: null })
  })
})

describe('redeeming a failed delivery by re-sending the same payment', () => {
  it('forwards again and serves the call; once served, a re-send is 409 payment_replayed and never a second call', async () => {
    const { header, txid } = await paidHeader()
    runtime.failNext('error')
    expect((await invoke({ payment: header })).status).toBe(502)
    const retry = await invoke({ payment: header, body: '{"q":"again"}' })
    expect({ status: retry.status, body: retry.body }).toEqual({ status: 200, body: { answer: 'echo: {"q":"again"}' } })
    expect(retry.headers.get('x-payment-response')).toBeTruthy()
    expect(await delivery(txid)).toEqual({ status: 'delivered', attempts: 2, runtime_status: 200, failure_reason: null })
    const replay = await invoke({ payment: header })
    expect({ status: replay.status, code: replay.body.error.code }).toEqual({ status: 409, code: 'payment_replayed' })
    expect(replay.body.delivery).toMatchObject({ status: 'delivered', attempts: 2 })
    expect(forwards()).toBe(2)
    expect(await query(`select count(*)::int as n from agents.payments where txid = $1`, [txid])).toEqual([{ n: 1 }])
  })

  it(`at most ${MAX_DELIVERY_ATTEMPTS} attempts: then 409 payment_not_served, no forward, listed as refundable`, async () => {
    const { header, txid } = await paidHeader()
    runtime.failNext(...Array.from({ length: MAX_DELIVERY_ATTEMPTS }, () => 'error' as const))
    for (let i = 1; i <= MAX_DELIVERY_ATTEMPTS; i++) {
      const res = await invoke({ payment: header })
      expect({ i, status: res.status, attempts: res.body.delivery.attempts }).toEqual({ i, status: 502, attempts: i })
      expect(res.body.error.message).toContain(i < MAX_DELIVERY_ATTEMPTS ? `${MAX_DELIVERY_ATTEMPTS - i} tr` : 'listed for a refund')
    }
    expect((await invoke({ payment: header })).body.error.code).toBe('payment_not_served')
    const last = await invoke({ payment: header })
    expect({ status: last.status, code: last.body.error.code }).toEqual({ status: 409, code: 'payment_not_served' })
    expect(last.body.delivery).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, failure_reason: 'runtime_error', refund: null })
    expect(forwards()).toBe(MAX_DELIVERY_ATTEMPTS)
    expect(await query(`select refund_owed from agents.refundable_payments where txid = $1`, [txid])).toEqual([{ refund_owed: true }])
  })

  it('after the challenge expired: 409 payment_not_served, no forward, listed as refundable', async () => {
    const { header, txid } = await paidHeader()
    runtime.failNext('reset')
    expect((await invoke({ payment: header })).status).toBe(502)
    expect(await query(`select count(*)::int as n from agents.refundable_payments where txid = $1`, [txid])).toEqual([{ n: 0 }])
    await query(`update agents.payment_deliveries set redeemable_until = now() - interval '1 second' where payment_id = $1`, [await paymentId(txid)])
    const res = await invoke({ payment: header })
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 409, code: 'payment_not_served' })
    expect(forwards()).toBe(1)
    expect(await query(`select attempts, failure_reason::text, refund_owed from agents.refundable_payments where txid = $1`, [txid]))
      .toEqual([{ attempts: 1, failure_reason: 'connection_failed', refund_owed: true }])
  })

  it('an attempt still in flight: a re-send is 409 payment_replayed and not forwarded; abandoned past its deadline, it is retried', async () => {
    const { header, txid } = await paidHeader()
    runtime.failNext('error')
    expect((await invoke({ payment: header })).status).toBe(502)
    const id = await paymentId(txid)
    // As if a request had claimed attempt 2 and were still forwarding it.
    await query(`update agents.payment_deliveries set status = 'pending', attempts = 2, failure_reason = null, attempt_deadline = now() + interval '1 hour' where payment_id = $1`, [id])
    const busy = await invoke({ payment: header })
    expect({ status: busy.status, code: busy.body.error.code, delivery: busy.body.delivery.status }).toEqual({ status: 409, code: 'payment_replayed', delivery: 'pending' })
    expect(forwards()).toBe(1)
    // That request died: past the deadline the attempt counts as abandoned and the re-send takes attempt 3.
    await query(`update agents.payment_deliveries set attempt_deadline = now() - interval '1 second' where payment_id = $1`, [id])
    expect((await invoke({ payment: header })).status).toBe(200)
    expect(await delivery(txid)).toEqual({ status: 'delivered', attempts: 3, runtime_status: 200, failure_reason: null })
    expect(forwards()).toBe(2)
  })

  it('a payment made by a signed-in user is retried only for that user (403 payment_not_yours otherwise)', async () => {
    await newUser('courier_payer')
    const payerJwt = await signUserToken((await query<{ id: string }>(`select tests.get_supabase_uid('courier_payer') as id`))[0].id, JWT_SECRET)
    const { header, txid } = await paidHeader(payerJwt)
    runtime.failNext('error')
    expect((await invoke({ payment: header, jwt: payerJwt })).status).toBe(502)
    const watcher = await invoke({ payment: header })
    expect({ status: watcher.status, code: watcher.body.error.code }).toEqual({ status: 403, code: 'payment_not_yours' })
    expect(forwards()).toBe(1)
    expect((await invoke({ payment: header, jwt: payerJwt })).status).toBe(200)
    expect(await delivery(txid)).toMatchObject({ status: 'delivered', attempts: 2 })
  })

  it('10 concurrent re-sends of a failed delivery: exactly one forward, the others 409', async () => {
    const { header, txid } = await paidHeader()
    runtime.failNext('error')
    expect((await invoke({ payment: header })).status).toBe(502)
    const results = await Promise.all(Array.from({ length: 10 }, () => invoke({ payment: header })))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.status === 409 && r.body.error.code === 'payment_replayed')).toHaveLength(9)
    expect(forwards()).toBe(2)
    expect(await delivery(txid)).toMatchObject({ status: 'delivered', attempts: 2 })
  })
})

describe('refunds of unserved payments', () => {
  /** A payment whose delivery failed for good (all attempts used up). */
  async function unserved(jwt?: string): Promise<{ header: string; txid: string; id: string }> {
    const paid = await paidHeader(jwt)
    runtime.failNext(...Array.from({ length: MAX_DELIVERY_ATTEMPTS }, () => 'error' as const))
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) await invoke({ payment: paid.header, jwt })
    return { ...paid, id: await paymentId(paid.txid) }
  }
  const refund = (who: string, payment: string, txid: string) =>
    asUser<{ r: { refund_txid: string } }>(who, `select agents.record_payment_refund($1, $2) as r`, [payment, txid])
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => undefined, (e: { code?: string; hint?: string }) => e)
    return { code: error?.code, hint: error?.hint }
  }

  it('the owner sees what is owed and records the refund once; the payer sees that the call was not served and was refunded', async () => {
    await newUser('courier_buyer')
    const buyerJwt = await signUserToken((await query<{ id: string }>(`select tests.get_supabase_uid('courier_buyer') as id`))[0].id, JWT_SECRET)
    const { header, txid, id } = await unserved(buyerJwt)
    expect(await asUser('courier_owner', `select payment_id, refund_owed from agents.refundable_payments where txid = $1`, [txid]))
      .toEqual([{ payment_id: id, refund_owed: true }])
    expect(await asUser('courier_buyer', `select refund_owed, refund_txid from agents.refundable_payments where txid = $1`, [txid]))
      .toEqual([{ refund_owed: true, refund_txid: null }])
    await newUser('courier_stranger')
    expect(await asUser('courier_stranger', `select * from agents.refundable_payments`)).toEqual([])
    expect(await asUser('courier_stranger', `select * from agents.payment_deliveries`)).toEqual([])

    expect(await refusal(refund('courier_stranger', id, refundTxid('R')))).toEqual({ code: 'PT403', hint: 'payment_not_yours' })
    expect(await refusal(refund('courier_buyer', id, refundTxid('R')))).toEqual({ code: 'PT403', hint: 'payment_not_yours' })
    expect(await refusal(refund('courier_owner', id, 'not-a-txid'))).toEqual({ code: '22023', hint: 'invalid_refund_txid' })
    expect((await refund('courier_owner', id, refundTxid('R')))[0].r.refund_txid).toBe(refundTxid('R'))
    expect(await refusal(refund('courier_owner', id, refundTxid('S')))).toEqual({ code: 'PT409', hint: 'payment_already_refunded' })

    expect(await asUser('courier_buyer', `select refund_owed, refund_txid from agents.refundable_payments where txid = $1`, [txid]))
      .toEqual([{ refund_owed: false, refund_txid: refundTxid('R') }])
    const resent = await invoke({ payment: header, jwt: buyerJwt })
    expect({ status: resent.status, code: resent.body.error.code, refund: resent.body.delivery.refund.txid })
      .toEqual({ status: 409, code: 'payment_not_served', refund: refundTxid('R') })
    expect(resent.body.error.message).toContain(`refunded in ${refundTxid('R')}`)
  })

  it('a delivered payment, or one still redeemable, is not refundable; the platform (service role) records refunds too', async () => {
    const served = await paidHeader()
    expect((await invoke({ payment: served.header })).status).toBe(200)
    expect(await refusal(refund('courier_owner', await paymentId(served.txid), refundTxid('T')))).toEqual({ code: 'PT409', hint: 'payment_not_refundable' })
    const failedOnce = await paidHeader()
    runtime.failNext('error')
    expect((await invoke({ payment: failedOnce.header })).status).toBe(502)
    expect(await refusal(refund('courier_owner', await paymentId(failedOnce.txid), refundTxid('T')))).toEqual({ code: 'PT409', hint: 'payment_not_refundable' })

    const { id } = await unserved()
    const byPlatform = await db.sql.transaction(async (tx) => {
      await tx.query(`select tests.authenticate_as_service_role()`)
      return (await tx.query<{ r: { recorded_by: string | null } }>(`select agents.record_payment_refund($1, $2) as r`, [id, refundTxid('U')])).rows
    })
    expect(byPlatform[0].r.recorded_by).toBeNull()
    const other = await unserved()
    expect(await refusal(refund('courier_owner', other.id, refundTxid('U')))).toEqual({ code: 'PT409', hint: 'refund_txid_used' })
  })
})
