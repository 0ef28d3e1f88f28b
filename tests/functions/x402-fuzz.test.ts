// Fuzzed payment headers against the agents function: 300 headers, half x402 v1 (X-PAYMENT), half
// v2 (PAYMENT-SIGNATURE), from raw bytes to well-formed Algorand groups with hostile fields. Whatever
// arrives, the answer is a client error or a served call, never a 5xx: a payment header is attacker
// input, and a 5xx would be logged as our fault (and retried by clients). Seeded, so a failure
// replays; fast-check shrinks it to the smallest header that breaks. FUZZ_RUNS and FUZZ_SEED run a longer
// or different campaign (FUZZ_STATS=1 prints the answers by code).
import algosdk from 'algosdk'
import fc from 'fast-check'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { app } from '../../functions/agents/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { signUserToken } from '../../stack/keys.ts'
import { startAlgorandLoopback, TESTNET_GENESIS_HASH, type AlgorandLoopback } from '../support/algorand-loopback.ts'
import { listenOnLoopback } from '../support/listen.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const JWT_SECRET = 'x402-fuzz-test-jwt-secret-at-least-32-characters'
const PRICE = 250_000n
const APP_ID = 1001n
const PAY_TO = algosdk.getApplicationAddress(APP_ID).toString()
const CAIP2_TESTNET = `algorand:${TESTNET_GENESIS_HASH}`
const RUNS_PER_VERSION = Number(process.env.FUZZ_RUNS ?? 150)

let db: TestDatabase
let chain: AlgorandLoopback
let runtime: { url: string; close(): Promise<void> }
const payer = algosdk.generateAccount()
const stranger = algosdk.generateAccount()
/** Nonces from real challenges, so some fuzzed payments reach the nonce claim and algod. */
const nonces: string[] = []
/** Every answer: the suite's claim is about all of them. */
const answers: { version: number; status: number; code: string; header: string }[] = []

const b64 = (text: string) => Buffer.from(text).toString('base64')
const b64json = (value: unknown) => b64(JSON.stringify(value))

// ---- generators --------------------------------------------------------------------------------

const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
const address = fc.oneof(fc.constant(PAY_TO), fc.constant(payer.addr.toString()), fc.constant(stranger.addr.toString()),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((key) => new algosdk.Address(key).toString()))
const round = fc.oneof(fc.bigInt({ min: 4_000n, max: 6_500n }), fc.bigInt({ min: 1n, max: 2n ** 64n - 2_001n }))
const note = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  fc.constantFrom('x402-payment-v1', `x402-payment-v2-${Date.UTC(2026, 11, 2)}`),
  { weight: 4, arbitrary: fc.nat({ max: 7 }).map((i) => `x402:${nonces[i % Math.max(nonces.length, 1)] ?? ''}`) },
  fc.string({ maxLength: 60 }).map((s) => `x402:${s}`),
  fc.string({ maxLength: 200 }),
).map((text) => (text === undefined ? undefined : new TextEncoder().encode(text).slice(0, 1024)))

const params = fc.record({ first: round, span: fc.bigInt({ min: 0n, max: 2_000n }), fee: fc.bigInt({ min: 0n, max: 10_000_000n }),
  genesis: fc.oneof(fc.constant(TESTNET_GENESIS_HASH), fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => algosdk.bytesToBase64(bytes))) })
  .map(({ first, span, fee, genesis }): algosdk.SuggestedParams => ({
    fee, minFee: 1000n, flatFee: true, firstValid: first, lastValid: first + span,
    genesisHash: algosdk.base64ToBytes(genesis), genesisID: 'testnet-v1.0',
  }))

/** One transaction of any type the payer (or a stranger) could sign, with hostile field values. */
const transaction: fc.Arbitrary<algosdk.Transaction> = fc.oneof(
  fc.record({ to: address, amount: fc.oneof(fc.constant(PRICE), uint64), note, params, close: fc.option(address, { nil: undefined }), rekey: fc.option(address, { nil: undefined }) })
    .map((t) => algosdk.makePaymentTxnWithSuggestedParamsFromObject({ sender: payer.addr, receiver: t.to, amount: t.amount, note: t.note,
      closeRemainderTo: t.close, rekeyTo: t.rekey, suggestedParams: t.params })),
  fc.record({ to: address, amount: fc.oneof(fc.constant(PRICE), uint64), asset: fc.oneof(fc.constant(10_458_941n), uint64.filter((id) => id > 0n)), note, params,
    close: fc.option(address, { nil: undefined }) })
    .map((t) => algosdk.makeAssetTransferTxnWithSuggestedParamsFromObject({ sender: payer.addr, receiver: t.to, amount: t.amount, assetIndex: t.asset,
      note: t.note, closeRemainderTo: t.close, suggestedParams: t.params })),
  fc.record({ appIndex: fc.bigInt({ min: 1n, max: 2n ** 32n }), params })
    .map((t) => algosdk.makeApplicationNoOpTxnFromObject({ sender: payer.addr, appIndex: t.appIndex, suggestedParams: t.params })),
  params.map((p) => algosdk.makeKeyRegistrationTxnWithSuggestedParamsFromObject({ sender: payer.addr, suggestedParams: p })),
)

/** The agent's payment with a real nonce, each field valid most of the time: reaches the nonce claim and algod. */
const usually = <T,>(valid: T, hostile: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: hostile })
const nearValidPayment = fc.record({
  to: usually(PAY_TO, address), amount: usually(PRICE, uint64), nonce: fc.nat({ max: 7 }), note: usually(undefined as Uint8Array | undefined, note),
  first: usually(0n, round), close: usually(undefined as string | undefined, address), rekey: usually(undefined as string | undefined, address),
}).map((t) => {
  const firstValid = t.first || chain.round
  return algosdk.makePaymentTxnWithSuggestedParamsFromObject({
    sender: payer.addr, receiver: t.to, amount: t.amount, closeRemainderTo: t.close, rekeyTo: t.rekey,
    note: t.note ?? new TextEncoder().encode(`x402:${nonces[t.nonce % nonces.length]}`),
    suggestedParams: { fee: 1000n, minFee: 1000n, flatFee: true, firstValid, lastValid: firstValid + 1000n, genesisHash: algosdk.base64ToBytes(TESTNET_GENESIS_HASH), genesisID: 'testnet-v1.0' },
  })
})

/** A signed group of 1-4 transactions (grouped or not), maybe signed by the wrong key, maybe with flipped bytes. */
const signedGroup = fc.record({
  txns: fc.oneof({ weight: 2, arbitrary: fc.tuple(nearValidPayment) }, { weight: 1, arbitrary: fc.array(transaction, { minLength: 1, maxLength: 4 }) }),
  grouped: fc.boolean(),
  wrongKey: fc.boolean(),
  flips: fc.oneof({ weight: 3, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(fc.record({ txn: fc.nat(), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 3 }) }),
}).map(({ txns, grouped, wrongKey, flips }) => {
  if (grouped && txns.length > 1) algosdk.assignGroupID(txns)
  const signed = txns.map((txn) => txn.signTxn((wrongKey ? stranger : payer).sk))
  for (const flip of flips) {
    const bytes = signed[flip.txn % signed.length]
    bytes[flip.at % bytes.length] ^= flip.xor
  }
  return signed.map((bytes) => algosdk.bytesToBase64(bytes))
})

const paymentIndex = fc.oneof(fc.nat({ max: 4 }), fc.integer({ min: -3, max: -1 }), fc.double(), fc.constant(2 ** 53), fc.string())
const txid = fc.oneof(fc.stringMatching(/^[A-Z2-7]{52}$/), fc.string({ maxLength: 80 }))
const payload = fc.oneof(
  fc.record({ paymentGroup: signedGroup, paymentIndex }),
  fc.record({ paymentGroup: fc.array(fc.oneof(fc.base64String(), fc.string()), { maxLength: 5 }), paymentIndex }),
  fc.record({ txid }),
  fc.anything(),
)
const network = fc.oneof(fc.constantFrom('algorand-testnet', 'algorand-mainnet', CAIP2_TESTNET, 'algorand:', 'eip155:8453'), fc.string({ maxLength: 70 }))
const version = (n: number) => fc.oneof({ weight: 8, arbitrary: fc.constant(n) }, { weight: 1, arbitrary: fc.anything() })

const requirements = fc.record({
  scheme: fc.oneof(fc.constant('exact'), fc.string()),
  network,
  amount: fc.oneof(fc.constant(PRICE.toString()), uint64.map(String), fc.anything()),
  asset: fc.oneof(fc.constantFrom('0', '10458941'), fc.anything()),
  payTo: fc.oneof(address, fc.anything()),
  maxTimeoutSeconds: fc.oneof(fc.constant(300), fc.anything()),
  extra: fc.option(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue()), { nil: undefined }),
}, { requiredKeys: [] })

/** Well-formed envelopes with hostile payments: these reach decoding, the group rules, the nonce and algod. */
const v1Deep = fc.record({ x402Version: fc.constant(1), scheme: fc.constant('exact'), network: fc.constant('algorand-testnet'),
  payload: fc.oneof({ weight: 4, arbitrary: fc.record({ paymentGroup: signedGroup, paymentIndex: usually(0, fc.nat({ max: 3 })) }) }, { weight: 1, arbitrary: fc.record({ txid }) }) })
const v1Envelope = fc.oneof(
  { weight: 3, arbitrary: v1Deep },
  { weight: 1, arbitrary: fc.record({ x402Version: version(1), scheme: fc.oneof(fc.constant('exact'), fc.string()), network, payload }, { requiredKeys: [] }) },
)
const v2Deep = fc.record({
  x402Version: fc.constant(2),
  resource: fc.constant({ url: 'http://functions.test/agents/oracle/invoke', description: 'One call of Oracle', mimeType: 'application/json' }),
  accepted: fc.record({ scheme: fc.constant('exact'), network: fc.constant(CAIP2_TESTNET), amount: fc.oneof(fc.constant(PRICE.toString()), uint64.map(String)),
    asset: fc.constant('0'), payTo: address, maxTimeoutSeconds: fc.constant(300), extra: fc.constant({}) }),
  payload: fc.oneof({ weight: 4, arbitrary: fc.record({ paymentGroup: signedGroup, paymentIndex: usually(0, fc.nat({ max: 3 })) }) }, { weight: 1, arbitrary: fc.record({ txid }) }),
})
const v2Envelope = fc.oneof(
  { weight: 3, arbitrary: v2Deep },
  { weight: 1, arbitrary: fc.record({
    x402Version: version(2),
    resource: fc.oneof(fc.record({ url: fc.webUrl(), description: fc.string(), mimeType: fc.string() }), fc.anything()),
    accepted: fc.oneof(requirements, fc.anything()),
    payload,
    extensions: fc.option(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue()), { nil: undefined }),
  }, { requiredKeys: [] }) },
)

/** Header values as a client could send them: printable ASCII (fetch refuses control characters). */
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '').trim()
const headerValue = (envelope: fc.Arbitrary<unknown>) => fc.oneof(
  { weight: 12, arbitrary: envelope.map(b64json) },
  { weight: 1, arbitrary: envelope.map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 1, arbitrary: fc.jsonValue().map(b64json) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map(b64) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 400 }) },
).map(printable)

// ---- fixture -----------------------------------------------------------------------------------

async function invoke(headers: Record<string, string>) {
  const res = await app.request('http://functions.test/agents/oracle/invoke', {
    method: 'POST', body: '{"q":"fuzz"}', headers: { 'content-type': 'application/json', ...headers },
  })
  const text = await res.text()
  return { status: res.status, text }
}

beforeAll(async () => {
  db = await startTestDatabase()
  chain = await startAlgorandLoopback()
  const hono = new Hono()
  hono.post('/:subdomain/invoke', (c) => c.json({ answer: 'served' }))
  runtime = await listenOnLoopback(hono.fetch)
  Object.assign(process.env, {
    SUPABASE_DB_URL: db.url, JWT_SECRET, ALGOD_SERVER: chain.url, INDEXER_SERVER: chain.url, ALGORAND_NETWORK: 'testnet',
    AGENT_TOKEN_SECRET: 'agent-token-secret-for-the-fuzz-suite', AGENT_RUNTIME_URL: `${runtime.url}/{subdomain}/invoke`,
  })
  const [{ id: owner }] = (await db.sql.query<{ id: string }>(`select tests.create_supabase_user('fuzz_owner') as id`)).rows
  await db.sql.query(`insert into agents.agents (user_id, name, subdomain, repo_owner, repo_name, github_url, price_microalgo, status, runtime_status, agent_address, app_id)
                      values ($1, 'Oracle', 'oracle', 'owner', 'oracle', 'https://github.com/owner/oracle', $2, 'active', 'active', $3, $4)`,
  [owner, PRICE.toString(), PAY_TO, APP_ID.toString()])
  const issued = await app.request('/agents/oracle/token', { method: 'POST', headers: { authorization: `Bearer ${await signUserToken(owner, JWT_SECRET)}` } })
  expect(issued.status).toBe(201)
  chain.fund(payer.addr.toString(), 1_000_000_000n)
  for (let i = 0; i < 8; i++) {
    const challenge = await invoke({})
    expect(challenge.status).toBe(402)
    nonces.push(JSON.parse(challenge.text).accepts[0].extra.nonce)
  }
})

afterAll(async () => {
  await closeDb()
  await Promise.all([db.stop(), chain.close(), runtime.close()])
})

/** The stable code of an answer: body.code (x402 402s) or body.error.code. */
function answerCode(text: string): string {
  try {
    const body = JSON.parse(text)
    return body?.code ?? body?.error?.code ?? 'served'
  } catch {
    return 'not_json'
  }
}

// ---- properties --------------------------------------------------------------------------------

async function neverA5xx(version: 1 | 2, headerName: string, envelope: fc.Arbitrary<unknown>, seed: number) {
  await fc.assert(fc.asyncProperty(headerValue(envelope), async (value) => {
    const res = await invoke({ [headerName]: value })
    answers.push({ version, status: res.status, code: answerCode(res.text), header: value })
    expect(res.status, `${headerName}: ${value.slice(0, 200)} -> ${res.text.slice(0, 300)}`).toBeLessThan(500)
    expect(() => JSON.parse(res.text)).not.toThrow()
  }), { numRuns: RUNS_PER_VERSION, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : seed, endOnFailure: false })
}

describe('fuzzed payment headers (300: 150 x402 v1, 150 v2) never answer 5xx', () => {
  it('X-PAYMENT (x402 v1)', async () => {
    await neverA5xx(1, 'x-payment', v1Envelope, 402_001)
  })

  it('PAYMENT-SIGNATURE (x402 v2)', async () => {
    await neverA5xx(2, 'payment-signature', v2Envelope, 402_002)
  })

  it('covered the whole range: 300 answers, most past the header parse into the payment rules, the nonce and algod', () => {
    expect(answers.filter((a) => a.version === 1).length).toBeGreaterThanOrEqual(RUNS_PER_VERSION)
    expect(answers.filter((a) => a.version === 2).length).toBeGreaterThanOrEqual(RUNS_PER_VERSION)
    expect(answers.filter((a) => a.status >= 500)).toEqual([])
    // A fuzzer that only ever hits the header parser proves nothing about the money path.
    for (const version of [1, 2]) {
      const deep = new Set(answers.filter((a) => a.version === version).map((a) => a.code)
        .filter((code) => !['invalid_payment_header', 'payment_required', 'not_json'].includes(code)))
      expect(deep.size, `v${version}: ${[...deep].join(', ')}`).toBeGreaterThanOrEqual(8)
    }
    if (process.env.FUZZ_STATS) console.log(JSON.stringify(answers.reduce((m, a) => ({ ...m, [`${a.version}:${a.status}:${a.code}`]: (m[`${a.version}:${a.status}:${a.code}`] ?? 0) + 1 }), {} as Record<string, number>), null, 1))
  })
})
