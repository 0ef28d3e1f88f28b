// x402 pay-per-call against a real database, a loopback algod/indexer and a loopback agent runtime.
// Accounts and transactions are made offline with algosdk. One fixture per pitfall, each refused
// with its own code and without a submission, a payment row or a forwarded call.
import { createHash } from 'node:crypto'
import algosdk from 'algosdk'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { app } from '../../functions/agents/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { signUserToken } from '../../stack/keys.ts'
import { listenOnLoopback } from '../support/listen.ts'
import { startAlgorandLoopback, TESTNET_GENESIS_HASH, type AlgorandLoopback } from '../support/algorand-loopback.ts'
import { MAX_FIRST_VALID_SKEW_ROUNDS } from '../../functions/agents/verify-payment.ts'
import { ALGOD_TIMEOUT_MS } from '../../functions/agents/network.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withEnv, withoutEnv } from './unset-env.ts'

const JWT_SECRET = 'agents-payments-test-jwt-secret-at-least-32-chars'
const MAINNET_GENESIS_HASH = 'wGHE2Pwdvd7S12BL5FaOP20EGYesN73ktiC1qzkkit8='
const PRICE = 250_000n
const APP_ID = 1001n
const PAY_TO = algosdk.getApplicationAddress(APP_ID).toString()

let db: TestDatabase
let chain: AlgorandLoopback
let runtime: { url: string; calls: { path: string; auth?: string; txid?: string; body: string }[]; close(): Promise<void> }
let owner: string
let ownerJwt: string
let agentToken: string
const payer = algosdk.generateAccount()
const stranger = algosdk.generateAccount()
const rekeyed = algosdk.generateAccount()
const authKey = algosdk.generateAccount()
const broke = algosdk.generateAccount()

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const count = async (table: string) => (await query<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n

async function startRuntime() {
  const calls: { path: string; auth?: string; txid?: string; body: string }[] = []
  const hono = new Hono()
  hono.post('/:subdomain/invoke', async (c) => {
    const body = await c.req.text()
    calls.push({ path: c.req.path, auth: c.req.header('authorization'), txid: c.req.header('x-payment-transaction'), body })
    return c.json({ answer: `echo: ${body}` })
  })
  const server = await listenOnLoopback(hono.fetch)
  return { url: server.url, calls, close: server.close }
}

async function invoke(options: { payment?: string; body?: string; ref?: string; jwt?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.payment !== undefined) headers['x-payment'] = options.payment
  if (options.jwt) headers.authorization = `Bearer ${options.jwt}`
  const res = await app.request(`http://functions.test/agents/${options.ref ?? 'oracle'}/invoke`, { method: 'POST', body: options.body ?? '{"q":"hi"}', headers })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

async function newNonce(): Promise<string> {
  const res = await invoke()
  expect(res.status).toBe(402)
  return res.body.accepts[0].extra.nonce
}

interface TxnOptions {
  nonce?: string
  from?: algosdk.Account
  to?: string
  amount?: bigint
  note?: string
  closeRemainderTo?: string
  rekeyTo?: string
  genesisHash?: string
  firstValid?: bigint
  lastValid?: bigint
}

const suggestedParams = (firstValid: bigint, lastValid: bigint, genesisHash: string): algosdk.SuggestedParams => ({
  fee: 1000n, minFee: 1000n, flatFee: true, firstValid, lastValid, genesisHash: algosdk.base64ToBytes(genesisHash), genesisID: 'testnet-v1.0',
})

function payment(o: TxnOptions): algosdk.Transaction {
  const firstValid = o.firstValid ?? chain.round
  return algosdk.makePaymentTxnWithSuggestedParamsFromObject({
    sender: (o.from ?? payer).addr,
    receiver: o.to ?? PAY_TO,
    amount: o.amount ?? PRICE,
    note: new TextEncoder().encode(o.note ?? `x402:${o.nonce}`),
    closeRemainderTo: o.closeRemainderTo,
    rekeyTo: o.rekeyTo,
    suggestedParams: suggestedParams(firstValid, o.lastValid ?? firstValid + 1000n, o.genesisHash ?? TESTNET_GENESIS_HASH),
  })
}

const sign = (txn: algosdk.Transaction, key: algosdk.Account = payer) => txn.signTxn(key.sk)

function header(signed: Uint8Array[], paymentIndex = 0, network = 'algorand-testnet'): string {
  const json = { x402Version: 1, scheme: 'exact', network, payload: { paymentGroup: signed.map((s) => algosdk.bytesToBase64(s)), paymentIndex } }
  return Buffer.from(JSON.stringify(json)).toString('base64')
}

/** [other, payment] as one signed group, both signed by the payer. */
function groupWithPayment(nonce: string, other: algosdk.Transaction): Uint8Array[] {
  const pay = payment({ nonce })
  algosdk.assignGroupID([other, pay])
  return [sign(other), sign(pay)]
}

const txidHeader = (txid: string) => Buffer.from(JSON.stringify({ x402Version: 1, scheme: 'exact', network: 'algorand-testnet', payload: { txid } })).toString('base64')

beforeAll(async () => {
  db = await startTestDatabase()
  chain = await startAlgorandLoopback()
  runtime = await startRuntime()
  Object.assign(process.env, {
    SUPABASE_DB_URL: db.url, JWT_SECRET, ALGOD_SERVER: chain.url, INDEXER_SERVER: chain.url, ALGORAND_NETWORK: 'testnet',
    AGENT_TOKEN_SECRET: 'agent-token-secret-for-the-loopback-suite', AGENT_RUNTIME_URL: `${runtime.url}/{subdomain}/invoke`,
  })
  owner = (await query<{ id: string }>(`select tests.create_supabase_user('agent_owner') as id`))[0].id
  ownerJwt = await signUserToken(owner, JWT_SECRET)
  await query(`insert into agents.agents (user_id, name, subdomain, repo_owner, repo_name, github_url, price_microalgo, status, runtime_status, agent_address, app_id)
               values ($1, 'Oracle', 'oracle', 'owner', 'oracle', 'https://github.com/owner/oracle', $2, 'active', 'active', $3, $4),
                      ($1, 'Sleeper', 'sleeper', 'owner', 'sleeper', 'https://github.com/owner/sleeper', 1000, 'inactive', 'active', $3, $4)`,
    [owner, PRICE.toString(), PAY_TO, APP_ID.toString()])
  const issued = await app.request('/agents/oracle/token', { method: 'POST', headers: { authorization: `Bearer ${ownerJwt}` } })
  expect(issued.status).toBe(201)
  agentToken = (await issued.json()).agent_token
  for (const account of [payer, stranger]) chain.fund(account.addr.toString(), 100_000_000n)
  chain.fund(rekeyed.addr.toString(), 100_000_000n, authKey.addr.toString())
})

afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), chain.close(), runtime.close()])
})

let before: { payments: number; calls: number; submissions: number }
beforeEach(async () => {
  before = { payments: await count('agents.payments'), calls: runtime.calls.length, submissions: chain.submissions.length }
})

/**
 * A 402 is an x402 v1 PaymentRequiredResponse whatever the reason: x402Version, the reason as the
 * `error` string, a fresh payment requirement in `accepts` (so a client can pay again at once), and
 * our stable code in `code`. Returns that code.
 */
function x402Rejection(res: { status: number; body: any }): string {
  expect(res.status).toBe(402)
  expect(res.body).toMatchObject({ x402Version: 1, error: expect.any(String), code: expect.stringMatching(/^[a-z_]+$/) })
  expect(res.body.accepts).toHaveLength(1)
  expect(res.body.accepts[0]).toMatchObject({
    scheme: 'exact', network: 'algorand-testnet', maxAmountRequired: '250000', asset: '0', payTo: PAY_TO,
    resource: 'http://functions.test/agents/oracle/invoke', extra: { nonce: expect.stringMatching(/^[0-9a-f]{32}$/) },
  })
  return res.body.code
}

async function expectNothingHappened() {
  expect(await count('agents.payments')).toBe(before.payments)
  expect(runtime.calls.length).toBe(before.calls)
  expect(chain.submissions.length).toBe(before.submissions)
}

describe('the 402 challenge', () => {
  it('answers an unpaid call with x402 payment requirements and a fresh nonce bound to the agent', async () => {
    const res = await invoke()
    expect(res.status).toBe(402)
    expect(res.body).toMatchObject({
      x402Version: 1,
      error: expect.any(String),
      accepts: [{
        scheme: 'exact', network: 'algorand-testnet', maxAmountRequired: '250000', asset: '0', payTo: PAY_TO,
        resource: 'http://functions.test/agents/oracle/invoke', mimeType: 'application/json', maxTimeoutSeconds: 300,
        extra: { nonce: expect.stringMatching(/^[0-9a-f]{32}$/), genesisHash: TESTNET_GENESIS_HASH },
      }],
    })
    expect(res.body.accepts[0].description).toContain('Oracle')
    const second = await invoke()
    expect(second.body.accepts[0].extra.nonce).not.toBe(res.body.accepts[0].extra.nonce)
    expect(await query(`select agent_id = (select id from agents.agents where subdomain = 'oracle') as bound, amount_microalgo::text as amount
                        from agents.payment_nonces where nonce = $1`, [res.body.accepts[0].extra.nonce])).toEqual([{ bound: true, amount: '250000' }])
    await expectNothingHappened()
  })

  it('names the public URL of the call as resource: PUBLIC_FUNCTIONS_URL, else SUPABASE_URL + /functions/v1', async () => {
    await withEnv({ PUBLIC_FUNCTIONS_URL: 'https://api.example.com/functions/v1/' }, async () => {
      expect((await invoke()).body.accepts[0].resource).toBe('https://api.example.com/functions/v1/agents/oracle/invoke')
      const rejected = await invoke({ payment: header([sign(payment({ nonce: await newNonce(), amount: PRICE - 1n }))]) })
      expect(rejected.body).toMatchObject({ code: 'wrong_amount', accepts: [{ resource: 'https://api.example.com/functions/v1/agents/oracle/invoke' }] })
    })
    await withEnv({ SUPABASE_URL: 'https://abc.supabase.co' }, async () => {
      expect((await invoke()).body.accepts[0].resource).toBe('https://abc.supabase.co/functions/v1/agents/oracle/invoke')
    })
  })

  it('sells no calls of an agent that is not active, or unknown', async () => {
    expect((await invoke({ ref: 'sleeper' })).body.error.code).toBe('agent_unavailable')
    expect((await invoke({ ref: 'nobody' })).status).toBe(404)
  })
})

describe('a paid call', () => {
  it('verifies, submits, settles once and forwards to the runtime with the agent token', async () => {
    const nonce = await newNonce()
    const txn = payment({ nonce })
    const jwt = await signUserToken((await query<{ id: string }>(`select tests.create_supabase_user('caller') as id`))[0].id, JWT_SECRET)
    const res = await invoke({ payment: header([sign(txn)]), body: '{"q":"weather"}', jwt })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ answer: 'echo: {"q":"weather"}' })
    const grant = JSON.parse(Buffer.from(res.headers.get('x-payment-response')!, 'base64').toString())
    expect(grant).toEqual({ success: true, transaction: txn.txID(), network: 'algorand-testnet', payer: payer.addr.toString() })
    expect(runtime.calls.at(-1)).toMatchObject({ path: '/oracle/invoke', auth: `Bearer ${agentToken}`, txid: txn.txID(), body: '{"q":"weather"}' })
    expect(chain.submissions.slice(before.submissions)).toEqual([txn.txID()])
    expect(await query(`select payer_address, amount_microalgo::text as amount, network, nonce, payer_user_id is not null as has_user,
                               confirmed_round > 5000 as confirmed from agents.payments where txid = $1`, [txn.txID()]))
      .toEqual([{ payer_address: payer.addr.toString(), amount: '250000', network: 'algorand-testnet', nonce, has_user: true, confirmed: true }])
    expect(await query(`select consumed_at is not null as consumed from agents.payment_nonces where nonce = $1`, [nonce])).toEqual([{ consumed: true }])
  })

  it('accepts a rekeyed payer signing with its auth key', async () => {
    const txn = payment({ nonce: await newNonce(), from: rekeyed })
    const res = await invoke({ payment: header([sign(txn, authKey)]) })
    expect(res.status).toBe(200)
    expect(await query(`select payer_address from agents.payments where txid = $1`, [txn.txID()])).toEqual([{ payer_address: rekeyed.addr.toString() }])
  })

  it('accepts a group in which the payer also pays for another transaction', async () => {
    const nonce = await newNonce()
    const pay = payment({ nonce })
    const other = payment({ nonce: '0'.repeat(8), to: payer.addr.toString(), amount: 0n, note: 'fee pooling' })
    algosdk.assignGroupID([other, pay])
    const res = await invoke({ payment: header([sign(other), sign(pay)], 1) })
    expect(res.status).toBe(200)
    expect(chain.submissions.slice(before.submissions)).toEqual([other.txID(), pay.txID()])
  })

  it('takes the txid of a payment the wallet submitted itself, confirmed through the indexer', async () => {
    const txn = payment({ nonce: await newNonce() })
    const txid = chain.submitExternally(sign(txn))
    const res = await invoke({ payment: txidHeader(txid) })
    expect(res.status).toBe(200)
    expect(runtime.calls.length).toBe(before.calls + 1)
    const again = await invoke({ payment: txidHeader(txid) })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('payment_replayed')
    expect(runtime.calls.length).toBe(before.calls + 1)
  })

  it('a nonce issued to a signed-in user cannot be redeemed by someone watching the chain', async () => {
    const jwt = await signUserToken((await query<{ id: string }>(`select tests.create_supabase_user('chain_watcher_victim') as id`))[0].id, JWT_SECRET)
    const challenged = await invoke({ jwt })
    const txid = chain.submitExternally(sign(payment({ nonce: challenged.body.accepts[0].extra.nonce })))
    const thief = await invoke({ payment: txidHeader(txid) })
    expect({ status: thief.status, code: thief.body.error.code }).toEqual({ status: 403, code: 'nonce_not_yours' })
    expect(runtime.calls.length).toBe(before.calls)
    expect((await invoke({ payment: txidHeader(txid), jwt })).status).toBe(200)
  })

  it('a self-submitted txid must carry the nonce in its note (a confirmed transaction is public): 402 missing_nonce', async () => {
    await newNonce()
    const txid = chain.submitExternally(sign(payment({ note: 'no nonce here' })))
    expect(x402Rejection(await invoke({ payment: txidHeader(txid) }))).toBe('missing_nonce')
    await expectNothingHappened()
  })

  it('checks a self-submitted txid like a submitted one', async () => {
    const wrong = chain.submitExternally(sign(payment({ nonce: await newNonce(), to: stranger.addr.toString() })))
    expect(x402Rejection(await invoke({ payment: txidHeader(wrong) }))).toBe('wrong_receiver')
    expect(x402Rejection(await invoke({ payment: txidHeader('A'.repeat(52)) }))).toBe('unknown_transaction')
    expect(await count('agents.payments')).toBe(before.payments)
  })

  it('frees the nonce when algod fails (500) on submit, so an immediate retry of the same payment is served once', async () => {
    const nonce = await newNonce()
    const paid = header([sign(payment({ nonce }))])
    chain.failNextSubmissions(1)
    const failed = await invoke({ payment: paid })
    expect({ status: failed.status, code: failed.body.error.code }).toEqual({ status: 502, code: 'algod_unavailable' })
    await expectNothingHappened()
    expect(await query(`select txid, consumed_at from agents.payment_nonces where nonce = $1`, [nonce])).toEqual([{ txid: null, consumed_at: null }])
    const retry = await invoke({ payment: paid })
    expect(retry.status).toBe(200)
    expect(runtime.calls.length).toBe(before.calls + 1)
    expect(chain.submissions.length).toBe(before.submissions + 1)
    expect(await query(`select count(*)::int as n from agents.payments where nonce = $1`, [nonce])).toEqual([{ n: 1 }])
    // Released, not forgotten: the same payment once more is a replay, never a second call.
    expect((await invoke({ payment: paid })).body.error.code).toBe('payment_replayed')
    expect(runtime.calls.length).toBe(before.calls + 1)
  })

  it('frees the nonce when algod does not answer the submission within ALGOD_TIMEOUT_MS, so an immediate retry is served', { timeout: ALGOD_TIMEOUT_MS + 15_000 }, async () => {
    const nonce = await newNonce()
    const paid = header([sign(payment({ nonce }))])
    chain.stallNextSubmission()
    const failed = await invoke({ payment: paid }).finally(() => chain.releaseStalled())
    expect({ status: failed.status, code: failed.body.error.code }).toEqual({ status: 502, code: 'algod_unavailable' })
    await expectNothingHappened()
    expect((await invoke({ payment: paid })).status).toBe(200)
    expect(runtime.calls.length).toBe(before.calls + 1)
    expect(await query(`select count(*)::int as n from agents.payments where nonce = $1`, [nonce])).toEqual([{ n: 1 }])
  })

  it('frees the nonce when the network rejects the payment, so the payer can pay again', async () => {
    const nonce = await newNonce()
    const signed = sign(payment({ nonce, from: broke }), broke)
    const rejected = await invoke({ payment: header([signed]) })
    expect(x402Rejection(rejected)).toBe('payment_rejected')
    expect(await count('agents.payments')).toBe(before.payments)
    chain.fund(broke.addr.toString(), 10_000_000n)
    expect((await invoke({ payment: header([signed]) })).status).toBe(200)
  })
})

describe('pitfalls: each refused with its own code, nothing submitted, recorded or forwarded', () => {
  const cases: [string, number, (nonce: string) => Uint8Array[] | Promise<Uint8Array[]>][] = [
    ['wrong_receiver', 402, (nonce) => [sign(payment({ nonce, to: stranger.addr.toString() }))]],
    ['wrong_amount', 402, (nonce) => [sign(payment({ nonce, amount: PRICE - 1n }))]],
    ['not_algo_payment', 402, (nonce) => [sign(algosdk.makeAssetTransferTxnWithSuggestedParamsFromObject({
      sender: payer.addr, receiver: PAY_TO, amount: PRICE, assetIndex: 31566704n, note: new TextEncoder().encode(`x402:${nonce}`),
      suggestedParams: suggestedParams(chain.round, chain.round + 100n, TESTNET_GENESIS_HASH),
    }))]],
    ['close_remainder_to', 402, (nonce) => [sign(payment({ nonce, closeRemainderTo: stranger.addr.toString() }))]],
    ['rekey_to', 402, (nonce) => [sign(payment({ nonce, rekeyTo: stranger.addr.toString() }))]],
    ['wrong_network', 402, (nonce) => [sign(payment({ nonce, genesisHash: MAINNET_GENESIS_HASH }))]],
    ['payment_expired', 402, (nonce) => [sign(payment({ nonce, firstValid: chain.round - 900n, lastValid: chain.round - 1n }))]],
    ['validity_window_too_long', 402, (nonce) => [sign(payment({ nonce, lastValid: chain.round + 1001n }))]],
    ['unknown_nonce', 402, () => [sign(payment({ nonce: 'f'.repeat(32) }))]],
    ['invalid_signature', 402, (nonce) => {
      const signed = algosdk.decodeSignedTransaction(sign(payment({ nonce })))
      const sig = Uint8Array.from(signed.sig!)
      sig[0] ^= 0xff
      return [algosdk.encodeMsgpack(new algosdk.SignedTransaction({ txn: signed.txn, sig }))]
    }],
    ['wrong_signer', 402, (nonce) => [sign(payment({ nonce }), stranger)]],
    ['invalid_group', 402, (nonce) => [sign(payment({ nonce: '0'.repeat(8), amount: 0n, to: payer.addr.toString() })), sign(payment({ nonce }))]],
    // A valid payment grouped with a transaction that would drain or hand over the payer's account.
    ['close_remainder_to', 402, (nonce) => groupWithPayment(nonce, payment({ note: 'drain', amount: 0n, to: payer.addr.toString(), closeRemainderTo: stranger.addr.toString() }))],
    ['asset_close_to', 402, (nonce) => groupWithPayment(nonce, algosdk.makeAssetTransferTxnWithSuggestedParamsFromObject({
      sender: payer.addr, receiver: payer.addr, amount: 0n, assetIndex: 31566704n, closeRemainderTo: stranger.addr,
      suggestedParams: suggestedParams(chain.round, chain.round + 100n, TESTNET_GENESIS_HASH),
    }))],
    ['rekey_to', 402, (nonce) => groupWithPayment(nonce, payment({ note: 'hand over', amount: 0n, to: payer.addr.toString(), rekeyTo: stranger.addr.toString() }))],
    ['unexpected_transaction_type', 402, (nonce) => groupWithPayment(nonce, algosdk.makeApplicationNoOpTxnFromObject({
      sender: payer.addr, appIndex: APP_ID, suggestedParams: suggestedParams(chain.round, chain.round + 100n, TESTNET_GENESIS_HASH),
    }))],
    ['payment_not_yet_valid', 402, (nonce) => [sign(payment({ nonce, firstValid: chain.round + MAX_FIRST_VALID_SKEW_ROUNDS + 1n }))]],
    ['payment_not_yet_valid', 402, (nonce) => groupWithPayment(nonce, payment({ note: 'later', amount: 0n, to: payer.addr.toString(), firstValid: chain.round + 500n }))],
  ]

  for (const [i, [code, status, build]] of cases.entries()) {
    it(`${code} (#${i})`, async () => {
      const group = await build(await newNonce())
      const res = await invoke({ payment: header(group, group.length - 1) })
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code })
      expect(x402Rejection(res)).toBe(code)
      await expectNothingHappened()
    })
  }

  it(`a firstValid up to ${MAX_FIRST_VALID_SKEW_ROUNDS} rounds ahead of algod is accepted (clock skew)`, async () => {
    const res = await invoke({ payment: header([sign(payment({ nonce: await newNonce(), firstValid: chain.round + MAX_FIRST_VALID_SKEW_ROUNDS }))]) })
    expect(res.status).toBe(200)
  })

  it('a transaction for a nonce that already paid: 409 nonce_reused', async () => {
    const nonce = await newNonce()
    expect((await invoke({ payment: header([sign(payment({ nonce }))]) })).status).toBe(200)
    before = { payments: await count('agents.payments'), calls: runtime.calls.length, submissions: chain.submissions.length }
    const second = await invoke({ payment: header([sign(payment({ nonce, note: `x402:${nonce} second try` }))]) })
    expect({ status: second.status, code: second.body.error.code }).toEqual({ status: 409, code: 'nonce_reused' })
    await expectNothingHappened()
  })

  it('malformed X-PAYMENT headers: 400 invalid_payment_header, never 500', async () => {
    const nonce = await newNonce()
    const good = sign(payment({ nonce }))
    const malformed = [
      'not base64 at all !!!',
      Buffer.from('not json').toString('base64'),
      Buffer.from(JSON.stringify({ x402Version: 1 })).toString('base64'),
      Buffer.from(JSON.stringify({ x402Version: 2, scheme: 'exact', network: 'algorand-testnet', payload: { paymentGroup: ['x'], paymentIndex: 0 } })).toString('base64'),
      header([new TextEncoder().encode('garbage msgpack')]),
      header([good], 1),
      header(Array.from({ length: 17 }, () => good)),
      Buffer.from(JSON.stringify({ x402Version: 1, scheme: 'exact', network: 'algorand-testnet', payload: { txid: 'lowercase' } })).toString('base64'),
      '',
    ]
    for (const value of malformed) {
      const res = await invoke({ payment: value })
      expect({ value, status: res.status }).toMatchObject({ status: value ? 400 : 402 })
      if (value) expect(res.body.error.code).toBe('invalid_payment_header')
      else expect(x402Rejection(res)).toBe('payment_required')
    }
    await expectNothingHappened()
  })
})

describe('replays', () => {
  it('a replayed transaction gets 409 with the original grant, never a second call', async () => {
    const txn = payment({ nonce: await newNonce() })
    const paid = header([sign(txn)])
    expect((await invoke({ payment: paid })).status).toBe(200)
    const replay = await invoke({ payment: paid })
    expect(replay.status).toBe(409)
    expect(replay.body).toMatchObject({ error: { code: 'payment_replayed' }, grant: { transaction: txn.txID(), payer: payer.addr.toString(), amount: 250000 } })
    expect(runtime.calls.length).toBe(before.calls + 1)
    expect(chain.submissions.length).toBe(before.submissions + 1)
  })

  it('20 concurrent copies of one payment: one call, 19 replays, one submission, one row', async () => {
    const txn = payment({ nonce: await newNonce() })
    const paid = header([sign(txn)])
    const results = await Promise.all(Array.from({ length: 20 }, () => invoke({ payment: paid })))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    const replays = results.filter((r) => r.status === 409)
    expect(replays).toHaveLength(19)
    expect(replays.every((r) => r.body.error.code === 'payment_replayed' && r.body.grant.transaction === txn.txID())).toBe(true)
    expect(runtime.calls.length).toBe(before.calls + 1)
    expect(chain.submissions.length).toBe(before.submissions + 1)
    expect(await query(`select count(*)::int as n from agents.payments where txid = $1`, [txn.txID()])).toEqual([{ n: 1 }])
  })
})

describe('missing configuration: 503 with the missing piece named, before anything is sold, paid or forwarded', () => {
  const nonces = () => count('agents.payment_nonces')
  const expectUnconfigured = (res: { status: number; body: { error?: { code: string; message: string } } }, code: string, variable: string) =>
    expect(res).toMatchObject({ status: 503, body: { error: { code, message: expect.stringContaining(variable) } } })

  for (const [variable, code] of [
    ['AGENT_RUNTIME_URL', 'agent_runtime_not_configured'],
    ['ALGOD_SERVER', 'algorand_not_configured'],
    ['ALGORAND_NETWORK', 'algorand_not_configured'],
    ['AGENT_TOKEN_SECRET', 'agent_tokens_not_configured'],
  ] as const) {
    it(`without ${variable}: no 402 challenge is offered (${code}), no nonce issued`, async () => {
      const issued = await nonces()
      await withoutEnv([variable], async () => expectUnconfigured(await invoke(), code, variable))
      expect(await nonces()).toBe(issued)
      await expectNothingHappened()
    })
  }

  it('a payment made against a challenge is neither submitted nor settled when the runtime URL is gone', async () => {
    const nonce = await newNonce()
    const signed = sign(payment({ nonce }))
    await withoutEnv(['AGENT_RUNTIME_URL'], async () => expectUnconfigured(await invoke({ payment: header([signed]) }), 'agent_runtime_not_configured', 'AGENT_RUNTIME_URL'))
    await expectNothingHappened()
    expect(await query(`select txid, consumed_at from agents.payment_nonces where nonce = $1`, [nonce])).toEqual([{ txid: null, consumed_at: null }])
    // Configured again, the same signed payment goes through.
    expect((await invoke({ payment: header([signed]) })).status).toBe(200)
  })

  it('without INDEXER_SERVER: a self-submitted txid gets 503 algorand_indexer_not_configured, the nonce stays open', async () => {
    const nonce = await newNonce()
    const txid = chain.submitExternally(sign(payment({ nonce })))
    await withoutEnv(['INDEXER_SERVER'], async () => expectUnconfigured(await invoke({ payment: txidHeader(txid) }), 'algorand_indexer_not_configured', 'INDEXER_SERVER'))
    expect(await count('agents.payments')).toBe(before.payments)
    expect(runtime.calls.length).toBe(before.calls)
    expect((await invoke({ payment: txidHeader(txid) })).status).toBe(200)
  })

  it('an ALGORAND_NETWORK that is no network is a 503, not a 500', async () => {
    await withEnv({ ALGORAND_NETWORK: 'devnet' }, async () => expectUnconfigured(await invoke(), 'algorand_not_configured', 'ALGORAND_NETWORK'))
    await expectNothingHappened()
  })

  it('without AGENT_TOKEN_SECRET: the owner cannot issue a token (503), and the current one stays valid', async () => {
    const current = `select s.token_sha256 from private.agent_token_salts s join agents.agents a on a.id = s.agent_id where a.subdomain = 'oracle'`
    const [before] = await query<{ token_sha256: string }>(current)
    await withoutEnv(['AGENT_TOKEN_SECRET'], async () => {
      const res = await app.request('/agents/oracle/token', { method: 'POST', headers: { authorization: `Bearer ${ownerJwt}` } })
      expectUnconfigured({ status: res.status, body: await res.json() }, 'agent_tokens_not_configured', 'AGENT_TOKEN_SECRET')
    })
    expect(await query(current)).toEqual([before])
  })
})

describe('the agent token', () => {
  it('is stored only as a SHA-256 hash, shown once, and rotated on request by the owner only', async () => {
    const [row] = await query<{ token_sha256: string }>(`select s.token_sha256 from private.agent_token_salts s join agents.agents a on a.id = s.agent_id where a.subdomain = 'oracle'`)
    expect(row.token_sha256).toBe(createHash('sha256').update(agentToken).digest('hex'))
    const dump = JSON.stringify(await query(`select to_jsonb(a) as a, (select jsonb_agg(s) from private.agent_token_salts s) as s from agents.agents a`))
    expect(dump).not.toContain(agentToken)
    const other = await signUserToken((await query<{ id: string }>(`select tests.create_supabase_user('not_owner') as id`))[0].id, JWT_SECRET)
    const refused = await app.request('/agents/oracle/token', { method: 'POST', headers: { authorization: `Bearer ${other}` } })
    expect(refused.status).toBe(404)
    expect((await app.request('/agents/oracle/token', { method: 'POST' })).status).toBe(401)
  })

  it('lets the runtime report its health, and nothing else in', async () => {
    const report = (token: string, status: string) => app.request('/agents/runtime/status', {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status }) })
    expect((await report('0'.repeat(64), 'stopped')).status).toBe(401)
    expect((await report(agentToken, 'bogus')).status).toBe(400)
    expect((await report(agentToken, 'unhealthy')).status).toBe(200)
    expect((await invoke()).body.error.code).toBe('agent_unavailable')
    expect((await report(agentToken, 'active')).status).toBe(200)
    expect((await invoke()).status).toBe(402)
  })
})
