// The agents schema through the gateway with supabase-js: owners see and change only their agents,
// deployments and received payments; anon sees only the active listing; the token hash and the
// payment fields are out of every client's reach.
import type { SupabaseClient } from '@supabase/supabase-js'
import algosdk from 'algosdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../types/database.ts'
import type { RunningStack } from '../../stack/stack.ts'
import { anonClient, signedInClient } from '../support/gateway-clients.ts'
import { BrowserPage } from './conformance-clients.ts'
import { startTestStack } from '../support/test-stack.ts'

const PAY_TO = algosdk.getApplicationAddress(9n).toString()
const PAYER = algosdk.generateAccount().addr.toString()
let stack: RunningStack
let anon: SupabaseClient<Database>
let ann: SupabaseClient<Database>
let ben: SupabaseClient<Database>

const agent = (subdomain: string) => ({ name: subdomain, subdomain, repo_owner: 'o', repo_name: subdomain, github_url: `https://github.com/o/${subdomain}` })

beforeAll(async () => {
  stack = await startTestStack()
  anon = anonClient(stack)
  ann = await signedInClient(stack, 'ann-agents@example.test')
  ben = await signedInClient(stack, 'ben-agents@example.test')
  expect((await ann.schema('agents').from('agents').insert([agent('ann-live'), agent('ann-draft')])).error).toBeNull()
  expect((await ben.schema('agents').from('agents').insert(agent('ben-draft'))).error).toBeNull()
  // The deploy backend (service side) activates one agent, and one call gets paid by ben.
  await stack.db.query(`update agents.agents set status = 'active', runtime_status = 'active', agent_address = $1, app_id = 9 where subdomain = 'ann-live'`, [PAY_TO])
  await stack.db.query(`insert into agents.deployments (agent_id) select id from agents.agents where subdomain in ('ann-live', 'ben-draft')`)
  const [{ nonce }] = await stack.db.query<{ nonce: string }>(`select nonce from agents.issue_payment_nonce((select id from agents.agents where subdomain = 'ann-live'), 'algorand-testnet', '/x', 300,
    (select id from auth.users where email = 'ben-agents@example.test'))`)
  await stack.db.query(`select agents.claim_payment_nonce($1, (select id from agents.agents where subdomain = 'ann-live'), $2)`, [nonce, 'T'.repeat(52)])
  await stack.db.query(`select agents.settle_payment($1, $2, $3, 1000000, 42)`, [nonce, 'T'.repeat(52), PAYER])
})
afterAll(async () => {
  await stack?.stop()
})

describe('agents over REST', () => {
  it('anon sees only the active listing, without owners or tokens', async () => {
    const listing = await anon.schema('agents').from('active_agents_view').select('*')
    expect(listing.error).toBeNull()
    expect(listing.data!.map((a) => a.subdomain)).toEqual(['ann-live'])
    expect(Object.keys(listing.data![0])).not.toContain('agent_token')
    expect((await anon.schema('agents').from('agents').select('user_id')).error?.code).toBe('42501')
    expect((await anon.schema('agents').from('deployments').select('*')).error?.code).toBe('42501')
    expect((await anon.schema('agents').from('payments').select('*')).error?.code).toBe('42501')
  })

  it('owners see their own agents and the listing, never others\' drafts', async () => {
    const mine = await ann.schema('agents').from('agents').select('subdomain').order('subdomain')
    expect(mine.data!.map((a) => a.subdomain)).toEqual(['ann-draft', 'ann-live'])
    const bens = await ben.schema('agents').from('agents').select('subdomain').order('subdomain')
    expect(bens.data!.map((a) => a.subdomain)).toEqual(['ann-live', 'ben-draft'])
    const everything = await ben.schema('agents').from('agents').select('*').order('subdomain')
    expect(everything.error).toBeNull()
    expect(everything.data!.map((a) => a.subdomain)).toEqual(['ann-live', 'ben-draft'])
    expect(Object.keys(everything.data![0])).not.toContain('agent_token')
  })

  it('deployments are the owner\'s only; nobody edits another\'s agent', async () => {
    expect((await ann.schema('agents').from('deployments').select('agent_id')).data).toHaveLength(1)
    expect((await ben.schema('agents').from('deployments').select('agent_id')).data).toHaveLength(1)
    const hijack = await ben.schema('agents').from('agents').update({ price_microalgo: 1 }).eq('subdomain', 'ann-live').select('id')
    expect(hijack.data).toEqual([])
    const paymentField = await ann.schema('agents').from('agents').update({ agent_address: PAYER } as never).eq('subdomain', 'ann-live')
    expect(paymentField.error?.code).toBe('42501')
    const [{ price }] = await stack.db.query<{ price: string }>(`select price_microalgo::text as price from agents.agents where subdomain = 'ann-live'`)
    expect(price).toBe('1000000')
  })

  it('a payment is visible to its payer and to the agent\'s owner only', async () => {
    expect((await ann.schema('agents').from('payments').select('txid')).data).toEqual([{ txid: 'T'.repeat(52) }])
    expect((await ben.schema('agents').from('payments').select('txid')).data).toEqual([{ txid: 'T'.repeat(52) }])
    const cal = await signedInClient(stack, 'cal-agents@example.test')
    expect((await cal.schema('agents').from('payments').select('txid')).data).toEqual([])
    expect((await cal.schema('agents').rpc('get_agent_stats', { agent_uuid: (await ann.schema('agents').from('agents').select('id').eq('subdomain', 'ann-live')).data![0].id })).data)
      .toEqual([{ total_deployments: 0, successful_deployments: 0, failed_deployments: 0, last_deployment_at: null }])
  })

  it('a 402\'s resource is the public URL of the call: following it reaches the agent route again', async () => {
    // What the invoke route needs before it offers a challenge (no algod or runtime is contacted for one).
    Object.assign(process.env, {
      ALGORAND_NETWORK: 'testnet', ALGOD_SERVER: 'http://127.0.0.1:9', AGENT_RUNTIME_URL: 'http://127.0.0.1:9/{subdomain}',
      AGENT_TOKEN_SECRET: 'agents-gateway-test-agent-token-secret',
    })
    const functions = `${stack.status.API_URL}/functions/v1`
    const annJwt = (await ann.auth.getSession()).data.session!.access_token
    const issued = await fetch(`${functions}/agents/ann-live/token`, { method: 'POST', headers: { authorization: `Bearer ${annJwt}`, apikey: stack.status.ANON_KEY } })
    expect(issued.status).toBe(201)

    const first = await fetch(`${functions}/agents/ann-live/invoke`, { method: 'POST', headers: { apikey: stack.status.ANON_KEY }, body: '{}' })
    const challenge = await first.json()
    expect({ status: first.status, code: challenge.code, x402Version: challenge.x402Version }).toEqual({ status: 402, code: 'payment_required', x402Version: 1 })
    expect(challenge.accepts[0].resource).toBe(`${functions}/agents/ann-live/invoke`)

    // A refused payment (another network) is a fresh challenge too, naming the same resource.
    const wrongNetwork = Buffer.from(JSON.stringify({ x402Version: 1, scheme: 'exact', network: 'algorand-mainnet', payload: { txid: 'A'.repeat(52) } })).toString('base64')
    const followed = await fetch(challenge.accepts[0].resource, { method: 'POST', headers: { apikey: stack.status.ANON_KEY, 'x-payment': wrongNetwork }, body: '{}' })
    const rejection = await followed.json()
    expect({ status: followed.status, code: rejection.code, x402Version: rejection.x402Version }).toEqual({ status: 402, code: 'wrong_network', x402Version: 1 })
    expect(rejection.accepts[0]).toMatchObject({ resource: `${functions}/agents/ann-live/invoke`, payTo: PAY_TO })
    expect(rejection.accepts[0].extra.nonce).not.toBe(challenge.accepts[0].extra.nonce)
  })

  it('a 402 through the gateway also carries the x402 v2 challenge (PAYMENT-REQUIRED); a PAYMENT-SIGNATURE is read as v2', async () => {
    const functions = `${stack.status.API_URL}/functions/v1`
    const decode = (value: string | null) => JSON.parse(Buffer.from(value!, 'base64').toString())
    const first = await fetch(`${functions}/agents/ann-live/invoke`, { method: 'POST', headers: { apikey: stack.status.ANON_KEY }, body: '{}' })
    const body = await first.json()
    expect(first.status).toBe(402)
    expect(decode(first.headers.get('payment-required'))).toMatchObject({
      x402Version: 2, resource: { url: `${functions}/agents/ann-live/invoke` },
      accepts: [{ scheme: 'exact', network: 'algorand:SGO1GKSzyE7IEPItTxCByw9x8FmnrCDexi9/cOUJOiI=', amount: '1000000', asset: '0', payTo: PAY_TO,
        extra: { nonce: body.accepts[0].extra.nonce } }],
    })
    // A v2 payment for mainnet: refused as v2 reads it (accepted.network), with a fresh challenge in both forms.
    const mainnet = Buffer.from(JSON.stringify({ x402Version: 2, accepted: { scheme: 'exact', network: 'algorand:wGHE2Pwdvd7S12BL5FaOP20EGYesN73ktiC1qzkkit8=' },
      payload: { txid: 'A'.repeat(52) } })).toString('base64')
    const refused = await fetch(`${functions}/agents/ann-live/invoke`, { method: 'POST', headers: { apikey: stack.status.ANON_KEY, 'payment-signature': mainnet }, body: '{}' })
    const rejection = await refused.json()
    expect({ status: refused.status, code: rejection.code }).toEqual({ status: 402, code: 'wrong_network' })
    expect(decode(refused.headers.get('payment-required'))).toMatchObject({ x402Version: 2, error: rejection.error, accepts: [{ extra: { nonce: rejection.accepts[0].extra.nonce } }] })
  })
  it('a page on another origin speaks x402 v2: it reads PAYMENT-REQUIRED, and its PAYMENT-SIGNATURE passes the preflight', async () => {
    // As @x402/fetch does in a browser: read the challenge header, then retry with PAYMENT-SIGNATURE (and
    // Access-Control-Expose-Headers, which that client sets as a request header). Browsers hide
    // response headers not exposed, and refuse requests whose headers the preflight does not allow.
    const page = new BrowserPage('http://localhost:3000')
    const invoke = `${stack.status.API_URL}/functions/v1/agents/ann-live/invoke`
    const first = await page.fetch(invoke, { method: 'POST', headers: { apikey: stack.status.ANON_KEY, 'content-type': 'application/json' }, body: '{}' })
    expect(first.status).toBe(402)
    const required = JSON.parse(Buffer.from(first.headers.get('payment-required') ?? '', 'base64').toString() || 'null')
    expect(required).toMatchObject({ x402Version: 2, accepts: [{ payTo: PAY_TO }] })
    const mainnet = Buffer.from(JSON.stringify({ x402Version: 2, accepted: { scheme: 'exact', network: 'algorand:wGHE2Pwdvd7S12BL5FaOP20EGYesN73ktiC1qzkkit8=' },
      payload: { txid: 'A'.repeat(52) } })).toString('base64')
    const paid = await page.fetch(invoke, { method: 'POST', body: '{}', headers: {
      apikey: stack.status.ANON_KEY, 'content-type': 'application/json', 'payment-signature': mainnet, 'access-control-expose-headers': 'PAYMENT-RESPONSE,X-PAYMENT-RESPONSE',
    } })
    expect(paid.status).toBe(402)
    expect((await paid.json()).code).toBe('wrong_network')
    expect(page.preflightFor('POST /functions/v1/agents/ann-live/invoke')?.requestHeaders).toEqual(expect.arrayContaining(['payment-signature', 'access-control-expose-headers']))
    expect(paid.headers.get('payment-required')).toBeTruthy()
  })
})

