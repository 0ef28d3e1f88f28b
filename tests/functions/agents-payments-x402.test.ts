// x402 v2 beside v1, calls priced in an ASA (USDC), payments without a nonce in the note bound to a
// challenge by its requirements, and unmodified npm x402 clients (@x402/fetch 2.27 with
// @x402-avm/avm 2.6.1, v2; @x402-avm/core's HTTP client, v1) paying an agent end to end, against a
// real database, the loopback algod and a loopback agent runtime.
import { toClientAvmSigner } from '@x402-avm/avm'
import { registerExactAvmScheme } from '@x402-avm/avm/exact/client'
import { x402Client as AvmX402Client, x402HTTPClient as AvmX402HTTPClient } from '@x402-avm/core/client'
import { parsePaymentRequired } from '@x402/core/schemas'
import { decodePaymentResponseHeader, wrapFetchWithPayment, x402Client } from '@x402/fetch'
import algosdk from 'algosdk'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { app } from '../../functions/agents/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { MIN_ROUND_SECONDS } from '../../functions/agents/verify-payment.ts'
import { signUserToken } from '../../stack/keys.ts'
import { startAlgorandLoopback, TESTNET_GENESIS_HASH, type AlgorandLoopback } from '../support/algorand-loopback.ts'
import { listenOnLoopback } from '../support/listen.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const JWT_SECRET = 'agents-x402-test-jwt-secret-at-least-32-characters'
const CAIP2_TESTNET = `algorand:${TESTNET_GENESIS_HASH}`
const USDC_TESTNET = 10458941n
const ALGO_PRICE = 250_000n
const USDC_PRICE = 10_000n
const PAY_TO = algosdk.getApplicationAddress(2002n).toString()
const TTL_SECONDS = 300

let db: TestDatabase
let chain: AlgorandLoopback
let runtime: { url: string; calls: { path: string; txid?: string; body: string }[]; close(): Promise<void> }
let ownerJwt: string
const payer = algosdk.generateAccount()
const other = algosdk.generateAccount()

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const count = async (table: string) => (await query<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n
const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64')
const unb64json = (value: string | null) => JSON.parse(Buffer.from(value!, 'base64').toString())

async function startRuntime() {
  const calls: { path: string; txid?: string; body: string }[] = []
  const hono = new Hono()
  hono.post('/:subdomain/invoke', async (c) => {
    const body = await c.req.text()
    calls.push({ path: c.req.path, txid: c.req.header('x-payment-transaction'), body })
    return c.json({ answer: `echo: ${body}` })
  })
  const server = await listenOnLoopback(hono.fetch)
  return { url: server.url, calls, close: server.close }
}

const url = (agent: string) => `http://functions.test/agents/${agent}/invoke`

async function invoke(agent: string, headers: Record<string, string> = {}, body = '{"q":"hi"}') {
  const res = await app.request(url(agent), { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

/** A 402 challenge; returns its v1 body and its decoded v2 PAYMENT-REQUIRED header. */
async function challenge(agent: string, jwt?: string) {
  const res = await invoke(agent, jwt ? { authorization: `Bearer ${jwt}` } : {})
  expect(res.status).toBe(402)
  return { v1: res.body, v2: unb64json(res.headers.get('payment-required')), nonce: res.body.accepts[0].extra.nonce as string }
}

const params = (firstValid = chain.round): algosdk.SuggestedParams => ({
  fee: 1000n, minFee: 1000n, flatFee: true, firstValid, lastValid: firstValid + 1000n,
  genesisHash: algosdk.base64ToBytes(TESTNET_GENESIS_HASH), genesisID: 'testnet-v1.0',
})
const note = (text: string) => new TextEncoder().encode(text)

function algoPayment(o: { note?: string; amount?: bigint; from?: algosdk.Account; firstValid?: bigint } = {}) {
  return algosdk.makePaymentTxnWithSuggestedParamsFromObject({
    sender: (o.from ?? payer).addr, receiver: PAY_TO, amount: o.amount ?? ALGO_PRICE,
    note: note(o.note ?? `x402-payment-v2-${Math.random()}`), suggestedParams: params(o.firstValid),
  })
}

function assetPayment(o: { note?: string; amount?: bigint; asset?: bigint; from?: algosdk.Account; clawbackFrom?: string; closeTo?: string } = {}) {
  return algosdk.makeAssetTransferTxnWithSuggestedParamsFromObject({
    sender: (o.from ?? payer).addr, receiver: PAY_TO, amount: o.amount ?? USDC_PRICE, assetIndex: o.asset ?? USDC_TESTNET,
    assetSender: o.clawbackFrom, closeRemainderTo: o.closeTo, note: note(o.note ?? `x402-payment-v2-${Math.random()}`), suggestedParams: params(),
  })
}

/** An asset transfer of "asset 0" (what x402-avm builds for ALGO); algosdk builds none, so the field is dropped from an encoded one. */
function assetZeroTransfer(amount: bigint): algosdk.Transaction {
  const raw = algosdk.msgpackRawDecode(algosdk.encodeUnsignedTransaction(assetPayment({ asset: 1n, amount }))) as Record<string, unknown>
  delete raw.xaid
  return algosdk.decodeUnsignedTransaction(algosdk.msgpackRawEncode(raw))
}

const sign = (txn: algosdk.Transaction, key: algosdk.Account = payer) => txn.signTxn(key.sk)
const payload = (signed: Uint8Array[], paymentIndex = signed.length - 1) => ({ paymentGroup: signed.map((s) => algosdk.bytesToBase64(s)), paymentIndex })

/** PAYMENT-SIGNATURE as @x402/core builds it: {x402Version: 2, resource, accepted, payload}. */
function v2Header(signed: Uint8Array[], accepted: Record<string, unknown> = { scheme: 'exact', network: CAIP2_TESTNET }) {
  return { 'payment-signature': b64json({ x402Version: 2, resource: { url: url('oracle') }, accepted, payload: payload(signed) }) }
}
const v1Header = (signed: Uint8Array[]) => ({ 'x-payment': b64json({ x402Version: 1, scheme: 'exact', network: 'algorand-testnet', payload: payload(signed) }) })

beforeAll(async () => {
  db = await startTestDatabase()
  chain = await startAlgorandLoopback()
  runtime = await startRuntime()
  Object.assign(process.env, {
    SUPABASE_DB_URL: db.url, JWT_SECRET, ALGOD_SERVER: chain.url, INDEXER_SERVER: chain.url, ALGORAND_NETWORK: 'testnet',
    AGENT_TOKEN_SECRET: 'agent-token-secret-for-the-x402-suite', AGENT_RUNTIME_URL: `${runtime.url}/{subdomain}/invoke`,
    PAYMENT_NONCE_TTL_SECONDS: String(TTL_SECONDS),
  })
  const owner = (await query<{ id: string }>(`select tests.create_supabase_user('x402_owner') as id`))[0].id
  ownerJwt = await signUserToken(owner, JWT_SECRET)
  for (const [subdomain, asset, price] of [['oracle', 'ALGO', ALGO_PRICE], ['quote', 'USDC', USDC_PRICE], ['lonely', 'ALGO', ALGO_PRICE], ['members', 'ALGO', ALGO_PRICE],
    ['usdc-direct', 'USDC', USDC_PRICE], ['algo-direct', 'ALGO', ALGO_PRICE], ['euro', 'EURC', 100n]] as const) {
    await query(`insert into agents.agents (user_id, name, subdomain, repo_owner, repo_name, github_url, price_microalgo, price_asset, status, runtime_status, agent_address, app_id)
                 values ($1, $2::text, $2::text, 'owner', $2::text, 'https://github.com/owner/' || $2::text, $3, $4, 'active', 'active', $5, 2002)`,
      [owner, subdomain, price.toString(), asset, PAY_TO])
    const issued = await app.request(`/agents/${subdomain}/token`, { method: 'POST', headers: { authorization: `Bearer ${ownerJwt}` } })
    expect(issued.status).toBe(201)
  }
  for (const account of [payer, other]) {
    chain.fund(account.addr.toString(), 100_000_000n)
    chain.fundAsset(account.addr.toString(), USDC_TESTNET, 5_000_000n)
  }
  chain.fundAsset(PAY_TO, USDC_TESTNET, 0n)
  chain.fundAsset(payer.addr.toString(), 777n, 5_000_000n)
  chain.fundAsset(PAY_TO, 777n, 0n)
})

afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), chain.close(), runtime.close()])
})

let before: { payments: number; calls: number; submissions: number }
beforeEach(async () => {
  before = { payments: await count('agents.payments'), calls: runtime.calls.length, submissions: chain.submissions.length }
})

async function expectNothingHappened() {
  expect(await count('agents.payments')).toBe(before.payments)
  expect(runtime.calls.length).toBe(before.calls)
  expect(chain.submissions.length).toBe(before.submissions)
}

/** A refusal: 402 with the v1 body (code) and a v2 PAYMENT-REQUIRED header carrying the same reason. */
function refusal(res: { status: number; body: any; headers: Headers }): string {
  expect(res.status).toBe(402)
  const v2 = unb64json(res.headers.get('payment-required'))
  expect(parsePaymentRequired(v2).success).toBe(true)
  expect(v2.error).toBe(res.body.error)
  expect(v2.accepts[0].extra.nonce).toBe(res.body.accepts[0].extra.nonce)
  return res.body.code
}

describe('x402 v2 beside v1', () => {
  it('every 402 carries the v1 body and the same challenge as a v2 PAYMENT-REQUIRED header (valid per @x402/core)', async () => {
    const { v1, v2, nonce } = await challenge('oracle')
    expect(parsePaymentRequired(v1).success).toBe(true)
    expect(parsePaymentRequired(v2).success).toBe(true)
    expect(v2).toEqual({
      x402Version: 2,
      error: expect.any(String),
      resource: { url: url('oracle'), description: expect.stringContaining('oracle'), mimeType: 'application/json' },
      accepts: [{
        scheme: 'exact', network: CAIP2_TESTNET, amount: '250000', asset: '0', payTo: PAY_TO, maxTimeoutSeconds: TTL_SECONDS,
        extra: expect.objectContaining({ nonce, genesisHash: TESTNET_GENESIS_HASH, decimals: 6 }),
      }],
    })
    expect(v1.accepts[0]).toMatchObject({ network: 'algorand-testnet', maxAmountRequired: '250000', asset: '0' })
    expect(await query(`select count(*)::int as n from agents.payment_nonces where nonce = $1`, [nonce])).toEqual([{ n: 1 }])
  })

  it('a PAYMENT-SIGNATURE pays (v2): served once, answered with PAYMENT-RESPONSE (CAIP-2 network)', async () => {
    const { nonce } = await challenge('oracle')
    const txn = algoPayment({ note: `x402:${nonce}` })
    const res = await invoke('oracle', v2Header([sign(txn)]), '{"q":"v2"}')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ answer: 'echo: {"q":"v2"}' })
    expect(unb64json(res.headers.get('payment-response'))).toEqual({ success: true, transaction: txn.txID(), network: CAIP2_TESTNET, payer: payer.addr.toString() })
    expect(await query(`select nonce, asset_id from agents.payments where txid = $1`, [txn.txID()])).toEqual([{ nonce, asset_id: 0 }])
    const replay = await invoke('oracle', v2Header([sign(txn)]))
    expect({ status: replay.status, code: replay.body.error.code }).toEqual({ status: 409, code: 'payment_replayed' })
    expect(unb64json(replay.headers.get('payment-response')).transaction).toBe(txn.txID())
    expect(runtime.calls.length).toBe(before.calls + 1)
  })

  it('an X-PAYMENT (v1) is answered in v1 only: X-PAYMENT-RESPONSE, no PAYMENT-RESPONSE', async () => {
    const { nonce } = await challenge('oracle')
    const res = await invoke('oracle', v1Header([sign(algoPayment({ note: `x402:${nonce}` }))]))
    expect(res.status).toBe(200)
    expect(unb64json(res.headers.get('x-payment-response')).network).toBe('algorand-testnet')
    expect(res.headers.get('payment-response')).toBeNull()
  })

  it('a v2 payment for another network (v1 name, or mainnet) is refused with wrong_network; malformed is 400', async () => {
    await challenge('oracle')
    const signed = [sign(algoPayment())]
    expect(refusal(await invoke('oracle', v2Header(signed, { scheme: 'exact', network: 'algorand-testnet' })))).toBe('wrong_network')
    expect(refusal(await invoke('oracle', v2Header(signed, { scheme: 'exact', network: 'algorand:wGHE2Pwdvd7S12BL5FaOP20EGYesN73ktiC1qzkkit8=' })))).toBe('wrong_network')
    for (const value of ['%%%', b64json({ x402Version: 2, payload: payload(signed) }), b64json({ x402Version: 1, accepted: { scheme: 'exact', network: CAIP2_TESTNET }, payload: payload(signed) })]) {
      const res = await invoke('oracle', { 'payment-signature': value })
      expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 400, code: 'invalid_payment_header' })
    }
    await expectNothingHappened()
  })
})

describe('payments without a nonce in the note: bound to an open challenge by its requirements', () => {
  it('claims the oldest open challenge of the agent that asked for this payment, once', async () => {
    const first = await challenge('oracle')
    await challenge('oracle')
    const txn = algoPayment()
    const res = await invoke('oracle', v2Header([sign(txn)]))
    expect(res.status).toBe(200)
    const [paid] = await query<{ nonce: string }>(`select nonce from agents.payments where txid = $1`, [txn.txID()])
    const oldest = await query<{ nonce: string }>(`select nonce from agents.payment_nonces n join agents.agents a on a.id = n.agent_id
      where a.subdomain = 'oracle' and n.nonce = $1`, [paid.nonce])
    expect(oldest).toHaveLength(1)
    // The oldest open one at the time: no open challenge of this agent is older than the one it took.
    expect(await query(`select count(*)::int as n from agents.payment_nonces n join agents.agents a on a.id = n.agent_id
      where a.subdomain = 'oracle' and n.txid is null and n.created_at < (select created_at from agents.payment_nonces where nonce = $1)`, [paid.nonce])).toEqual([{ n: 0 }])
    expect(first.nonce).toMatch(/^[0-9a-f]{32}$/)
  })

  it('one challenge pays for one call: a second nonce-less payment finds no open challenge (402 no_matching_challenge), nothing submitted', async () => {
    await challenge('lonely')
    expect((await invoke('lonely', v2Header([sign(algoPayment())]))).status).toBe(200)
    before = { payments: await count('agents.payments'), calls: runtime.calls.length, submissions: chain.submissions.length }
    expect(refusal(await invoke('lonely', v2Header([sign(algoPayment())])))).toBe('no_matching_challenge')
    await expectNothingHappened()
  })

  it('a challenge issued to a signed-in user is claimed only by that user', async () => {
    const user = (await query<{ id: string }>(`select tests.create_supabase_user('x402_caller') as id`))[0].id
    const jwt = await signUserToken(user, JWT_SECRET)
    const mine = await challenge('members', jwt)
    const signed = [sign(algoPayment())]
    // (The refusal carries a fresh challenge, issued to nobody: a retry could pay it.)
    expect(refusal(await invoke('members', v2Header(signed)))).toBe('no_matching_challenge')
    await expectNothingHappened()
    const res = await invoke('members', { ...v2Header(signed), authorization: `Bearer ${jwt}` })
    expect(res.status).toBe(200)
    expect(await query(`select nonce, payer_user_id from agents.payments where txid = $1`, [algosdk.decodeSignedTransaction(signed[0]).txn.txID()]))
      .toEqual([{ nonce: mine.nonce, payer_user_id: user }])
  })

  it(`a transaction valid from before the challenge lifetime (${TTL_SECONDS} s) is refused: payment_predates_challenge`, async () => {
    await challenge('oracle')
    const tooOld = chain.round - BigInt(Math.ceil(TTL_SECONDS / MIN_ROUND_SECONDS)) - 1n
    expect(refusal(await invoke('oracle', v2Header([sign(algoPayment({ firstValid: tooOld }))])))).toBe('payment_predates_challenge')
    await expectNothingHappened()
    // The same payment with the challenge's nonce in the note is bound by the nonce instead.
    const { nonce } = await challenge('oracle')
    expect((await invoke('oracle', v2Header([sign(algoPayment({ firstValid: tooOld, note: `x402:${nonce}` }))]))).status).toBe(200)
  })

  it('a self-submitted txid without a nonce is refused (missing_nonce): anyone can see a confirmed transaction', async () => {
    await challenge('oracle')
    const txid = chain.submitExternally(sign(algoPayment()))
    const res = await invoke('oracle', { 'x-payment': b64json({ x402Version: 1, scheme: 'exact', network: 'algorand-testnet', payload: { txid } }) })
    expect(refusal(res)).toBe('missing_nonce')
    await expectNothingHappened()
  })

  it('20 concurrent copies of one nonce-less payment: one call, 19 replays, one row, one challenge consumed', async () => {
    for (let i = 0; i < 3; i++) await challenge('oracle')
    const signed = [sign(algoPayment())]
    const txid = algosdk.decodeSignedTransaction(signed[0]).txn.txID()
    const results = await Promise.all(Array.from({ length: 20 }, () => invoke('oracle', v2Header(signed))))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.status === 409 && r.body.error.code === 'payment_replayed')).toHaveLength(19)
    expect(runtime.calls.length).toBe(before.calls + 1)
    expect(chain.submissions.length).toBe(before.submissions + 1)
    expect(await query(`select count(*)::int as n from agents.payment_nonces where txid = $1`, [txid])).toEqual([{ n: 1 }])
  })

  it('concurrent nonce-less payments of different payers each take their own challenge', async () => {
    await challenge('oracle')
    await challenge('oracle')
    const results = await Promise.all([payer, other].map((from) => invoke('oracle', v2Header([sign(algoPayment({ from }), from)]))))
    expect(results.map((r) => r.status)).toEqual([200, 200])
    expect(runtime.calls.length).toBe(before.calls + 2)
  })
})

describe('calls priced in an ASA (USDC)', () => {
  it('the challenge asks for the asset id configured for the network, in both versions', async () => {
    const { v1, v2 } = await challenge('quote')
    expect(v1.accepts[0]).toMatchObject({ asset: String(USDC_TESTNET), maxAmountRequired: '10000', extra: { decimals: 6 } })
    expect(v2.accepts[0]).toMatchObject({ asset: String(USDC_TESTNET), amount: '10000', network: CAIP2_TESTNET })
  })

  it('an asset transfer of the asset pays (with or without the nonce); the payment records the asset', async () => {
    const { nonce } = await challenge('quote')
    const withNonce = assetPayment({ note: `x402:${nonce}` })
    expect((await invoke('quote', v1Header([sign(withNonce)]))).status).toBe(200)
    await challenge('quote')
    const payeeBefore = chain.assetBalance(PAY_TO, USDC_TESTNET)!
    const without = assetPayment()
    expect((await invoke('quote', v2Header([sign(without)]))).status).toBe(200)
    expect(chain.assetBalance(PAY_TO, USDC_TESTNET)).toBe(payeeBefore + USDC_PRICE)
    expect(await query(`select asset_id, amount_microalgo from agents.payments where txid in ($1, $2) order by created_at`, [withNonce.txID(), without.txID()]))
      .toEqual([{ asset_id: Number(USDC_TESTNET), amount_microalgo: Number(USDC_PRICE) }, { asset_id: Number(USDC_TESTNET), amount_microalgo: Number(USDC_PRICE) }])
  })

  const cases: [string, () => algosdk.Transaction][] = [
    ['wrong_asset', () => assetPayment({ asset: 777n })],
    ['not_asset_transfer', () => algoPayment({ amount: USDC_PRICE })],
    ['wrong_amount', () => assetPayment({ amount: USDC_PRICE - 1n })],
    ['asset_clawback', () => assetPayment({ clawbackFrom: other.addr.toString() })],
    ['asset_close_to', () => assetPayment({ closeTo: other.addr.toString() })],
  ]
  for (const [code, build] of cases) {
    it(`${code}: refused, nothing submitted`, async () => {
      await challenge('quote')
      expect(refusal(await invoke('quote', v2Header([sign(build())])))).toBe(code)
      await expectNothingHappened()
    })
  }

  it('an agent priced in ALGO refuses an asset transfer of "asset 0" (what x402-avm sends for ALGO): not_algo_payment', async () => {
    await challenge('oracle')
    const res = await invoke('oracle', v2Header([sign(assetZeroTransfer(ALGO_PRICE))]))
    expect(refusal(res)).toBe('not_algo_payment')
    expect(res.body.error).toContain('asset 0')
    await expectNothingHappened()
  })

  it('an agent priced in an asset the network has no id for sells nothing: 503 payment_asset_not_configured, no nonce', async () => {
    const nonces = await count('agents.payment_nonces')
    const res = await invoke('euro')
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 503, code: 'payment_asset_not_configured' })
    expect(res.body.error.message).toContain('EURC')
    expect(await count('agents.payment_nonces')).toBe(nonces)
  })
})

describe('unmodified npm x402 clients pay an agent end to end', () => {
  const signer = () => toClientAvmSigner(Buffer.from(payer.sk).toString('base64'))
  /** The wallet's own spending policy (@x402/core refuses assets it was not told about): this USDC and ALGO, capped. */
  const withSpendControls = (client: x402Client) => client.setSpendControls({ allowedAssets: [
    { network: CAIP2_TESTNET, asset: String(USDC_TESTNET), maxAmountPerPayment: '1000000' },
    { network: CAIP2_TESTNET, asset: '0', maxAmountPerPayment: '1000000' },
  ] })
  const appFetch = async (input: RequestInfo | URL, init?: RequestInit) => await app.fetch(new Request(input, init))

  it('@x402/fetch 2.27 + @x402-avm/avm 2.6.1 (v2: PAYMENT-REQUIRED, PAYMENT-SIGNATURE, PAYMENT-RESPONSE) pays a USDC-priced agent', async () => {
    const client = new x402Client()
    withSpendControls(client)
    registerExactAvmScheme(client as never, { signer: signer(), algodConfig: { algodUrl: chain.url } })
    const paidFetch = wrapFetchWithPayment(appFetch, client)
    const res = await paidFetch(url('usdc-direct'), { method: 'POST', body: '{"q":"client v2"}', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ answer: 'echo: {"q":"client v2"}' })
    const settled = decodePaymentResponseHeader(res.headers.get('payment-response')!)
    expect(settled).toMatchObject({ success: true, network: CAIP2_TESTNET, payer: payer.addr.toString() })
    expect(await query(`select p.asset_id, p.amount_microalgo, a.subdomain from agents.payments p join agents.agents a on a.id = p.agent_id where p.txid = $1`, [settled.transaction]))
      .toEqual([{ asset_id: Number(USDC_TESTNET), amount_microalgo: Number(USDC_PRICE), subdomain: 'usdc-direct' }])
    expect(runtime.calls.length).toBe(before.calls + 1)
  })

  it('@x402-avm/core 2.6.1 HTTP client + @x402-avm/avm (v1: body, X-PAYMENT, X-PAYMENT-RESPONSE) pays a USDC-priced agent', async () => {
    chain.nextBlock() // the v1 client's note is constant: a new round makes a new transaction
    const client = registerExactAvmScheme(new AvmX402Client(), { signer: signer(), algodConfig: { algodUrl: chain.url } })
    const http = new AvmX402HTTPClient(client)
    const first = await app.request(url('usdc-direct'), { method: 'POST', body: '{"q":"client v1"}' })
    expect(first.status).toBe(402)
    // A v1 client reads the JSON body (here: the library's own reader, given no v2 header).
    const required = http.getPaymentRequiredResponse(() => null, await first.json())
    const paymentPayload = await client.createPaymentPayload(required)
    expect(paymentPayload.x402Version).toBe(1)
    const headers = http.encodePaymentSignatureHeader(paymentPayload)
    expect(Object.keys(headers)).toEqual(['X-PAYMENT'])
    const res = await app.request(url('usdc-direct'), { method: 'POST', body: '{"q":"client v1"}', headers })
    expect(res.status).toBe(200)
    const settled = http.getPaymentSettleResponse((name) => res.headers.get(name))
    expect(settled).toMatchObject({ success: true, network: 'algorand-testnet', payer: payer.addr.toString() })
    expect(runtime.calls.at(-1)).toMatchObject({ path: '/usdc-direct/invoke', txid: settled.transaction })
  })

  it('they cannot pay native ALGO by design (an asset transfer of asset 0): refused with not_algo_payment, nothing submitted', async () => {
    const client = new x402Client()
    withSpendControls(client)
    registerExactAvmScheme(client as never, { signer: signer(), algodConfig: { algodUrl: chain.url } })
    const res = await wrapFetchWithPayment(appFetch, client)(url('algo-direct'), { method: 'POST', body: '{}' })
    expect(res.status).toBe(402)
    expect((await res.json()).code).toBe('not_algo_payment')
    await expectNothingHappened()
  })
})
