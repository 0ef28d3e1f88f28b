// Paid but not served, as clients reach it over REST through the local stack: the agent's owner and
// the payer's user read agents.refundable_payments and agents.payment_deliveries (their rows only), the
// owner records the refund with agents.record_payment_refund (HTTP status and hint per refusal), the
// service role records one too, and anon reads nothing.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import algosdk from 'algosdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningStack } from '../../stack/stack.ts'
import type { Database } from '../../types/database.ts'
import { anonClient, signedInClient } from '../support/gateway-clients.ts'
import { startTestStack } from '../support/test-stack.ts'

const PAY_TO = algosdk.getApplicationAddress(4004n).toString()
const PAYER = algosdk.generateAccount().addr.toString()
const txid = (c: string) => c.repeat(52)

let stack: RunningStack
let owner: SupabaseClient<Database>
let payer: SupabaseClient<Database>
let stranger: SupabaseClient<Database>
let service: SupabaseClient<Database>
let agentId: string

const userId = async (client: SupabaseClient<Database>) => (await client.auth.getUser()).data.user!.id

/** A settled payment of the payer's user whose call failed on every attempt: a refund is owed. */
async function unservedPayment(paymentTxid: string): Promise<string> {
  const [{ nonce }] = await stack.db.query<{ nonce: string }>(
    `select nonce from agents.issue_payment_nonce($1, 'algorand-testnet', '/agents/rest-refunds/invoke', 300, $2)`, [agentId, await userId(payer)])
  await stack.db.query(`select agents.claim_payment_nonce($1, $2, $3)`, [nonce, agentId, paymentTxid])
  await stack.db.query(`select agents.settle_payment($1, $2, $3, 1000, 10)`, [nonce, paymentTxid, PAYER])
  await stack.db.query(`select agents.claim_delivery($1, true, 3, 60)`, [paymentTxid])
  await stack.db.query(`select agents.record_delivery($1, 1, false, 503, 'runtime_error', 'HTTP 503')`, [paymentTxid])
  const [{ id }] = await stack.db.query<{ id: string }>(`update agents.payment_deliveries d set redeemable_until = now() - interval '1 second'
    from agents.payments p where p.id = d.payment_id and p.txid = $1 returning p.id`, [paymentTxid])
  return id
}

beforeAll(async () => {
  stack = await startTestStack()
  owner = await signedInClient(stack, 'owner-refunds@example.test')
  payer = await signedInClient(stack, 'payer-refunds@example.test')
  stranger = await signedInClient(stack, 'stranger-refunds@example.test')
  service = createClient<Database>(stack.status.API_URL, stack.status.SERVICE_ROLE_KEY, { auth: { persistSession: false } })
  const [{ id }] = await stack.db.query<{ id: string }>(
    `insert into agents.agents (user_id, name, subdomain, repo_owner, repo_name, github_url, price_microalgo, status, runtime_status, agent_address, app_id)
     values ($1, 'Refunds', 'rest-refunds', 'owner', 'refunds', 'https://github.com/owner/refunds', 1000, 'active', 'active', $2, 4004) returning id`,
    [await userId(owner), PAY_TO])
  agentId = id
})
afterAll(async () => {
  await stack?.stop()
})

describe('agents.refundable_payments and agents.record_payment_refund over REST', () => {
  it('owner and payer see the unserved payment; another user and anon do not; the owner records the refund once', async () => {
    const payment = await unservedPayment(txid('A'))
    const owed = await owner.schema('agents').from('refundable_payments').select('*')
    expect(owed.error).toBeNull()
    expect(owed.data).toMatchObject([{ payment_id: payment, txid: txid('A'), attempts: 1, failure_reason: 'runtime_error', refund_owed: true, refund_txid: null }])
    expect((await payer.schema('agents').from('refundable_payments').select('payment_id, refund_owed')).data).toEqual([{ payment_id: payment, refund_owed: true }])
    expect((await payer.schema('agents').from('payment_deliveries').select('status, failure_reason')).data).toEqual([{ status: 'failed', failure_reason: 'runtime_error' }])
    expect((await stranger.schema('agents').from('refundable_payments').select('*')).data).toEqual([])
    expect((await stranger.schema('agents').from('payment_deliveries').select('*')).data).toEqual([])
    expect((await anonClient(stack).schema('agents').from('refundable_payments').select('*')).error?.code).toBe('42501')

    const refund = (client: SupabaseClient<Database>, refundTxid: string) =>
      client.schema('agents').rpc('record_payment_refund', { target_payment: payment, refund_txid: refundTxid })
    const refusal = async (call: ReturnType<typeof refund>) => {
      const { status, error } = await call
      return { status, hint: error?.hint }
    }
    expect(await refusal(refund(stranger, txid('R')))).toEqual({ status: 403, hint: 'payment_not_yours' })
    expect(await refusal(refund(payer, txid('R')))).toEqual({ status: 403, hint: 'payment_not_yours' })
    expect(await refusal(refund(owner, 'lowercase'))).toEqual({ status: 400, hint: 'invalid_refund_txid' })
    const recorded = await refund(owner, txid('R'))
    expect(recorded.error).toBeNull()
    expect(recorded.data).toMatchObject({ payment_id: payment, refund_txid: txid('R'), recorded_by: await userId(owner) })
    expect(await refusal(refund(owner, txid('S')))).toEqual({ status: 409, hint: 'payment_already_refunded' })
    expect((await payer.schema('agents').from('refundable_payments').select('refund_owed, refund_txid')).data).toEqual([{ refund_owed: false, refund_txid: txid('R') }])
  })

  it('the service role sees every unserved payment and records a refund as the platform', async () => {
    const payment = await unservedPayment(txid('B'))
    const all = await service.schema('agents').from('refundable_payments').select('payment_id').eq('refund_owed', true)
    expect(all.data).toEqual([{ payment_id: payment }])
    const recorded = await service.schema('agents').rpc('record_payment_refund', { target_payment: payment, refund_txid: txid('T') })
    expect(recorded.error).toBeNull()
    expect(recorded.data).toMatchObject({ refund_txid: txid('T'), recorded_by: null })
  })
})
