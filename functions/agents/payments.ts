// Pay-per-call: the 402 challenge, and turning an X-PAYMENT header into exactly one settled payment.
// Order matters: every offline rule first, then the chain's view (round, auth-addr), then the nonce
// is claimed for this one transaction id (atomically, in the database) before anything is submitted;
// the payment row and the consumed nonce are written together after confirmation. A txid or nonce
// seen before never reaches the runtime again: the caller gets the original grant.
import { db } from '../_shared/db.ts'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import type { Agent } from './agents.ts'
import { authorizedSigner, currentRound, indexedTransaction, submitAndConfirm } from './chain.ts'
import { algorandNetwork, type AlgorandNetwork } from './network.ts'
import { checkPaymentRules, checkRounds, decodePaymentGroup, noteNonce, paymentError, type PaymentTerms, verifyPaymentGroup } from './verify-payment.ts'
import { decodePaymentHeader, type IssuedNonce, type PaymentGrant, paymentRequired } from './x402.ts'

const IN_PROGRESS_WAIT_MS = 30_000
const IN_PROGRESS_POLL_MS = 200

export type PaymentOutcome = { kind: 'settled' | 'replayed'; grant: PaymentGrant }

export function nonceTtlSeconds(): number {
  return Number(env('PAYMENT_NONCE_TTL_SECONDS') ?? 300)
}

/** The 402 challenge for one call: a fresh single-use nonce at the agent's current price. */
export async function challenge(agent: Agent, resource: string, requestedBy: string | undefined, rejection?: { code: string; message: string }) {
  const network = algorandNetwork()
  const sql = db()
  const [nonce] = await sql<IssuedNonce[]>`
    select nonce, amount_microalgo::text, pay_to, expires_at
    from agents.issue_payment_nonce(${agent.id}, ${network.name}, ${resource}, ${nonceTtlSeconds()}, ${requestedBy ?? null})`
  return paymentRequired({
    nonce, network, resource, rejection, ttlSeconds: nonceTtlSeconds(),
    description: `One call of ${agent.name} (${agent.subdomain})`,
  })
}

async function grantForTxid(txid: string): Promise<PaymentGrant | undefined> {
  const sql = db()
  const [row] = await sql<{ grant: PaymentGrant }[]>`select private.payment_grant(p) as grant from agents.payments p where p.txid = ${txid}`
  return row?.grant
}

/**
 * What the nonce in the note was issued for. A nonce issued to a signed-in user is redeemable by that
 * user only: a confirmed payment is public on chain, and without this anyone watching the chain could
 * present its txid first and take the call it paid for.
 */
async function nonceTerms(nonce: string | undefined, agentId: string, network: AlgorandNetwork, payerUser: string | undefined): Promise<PaymentTerms> {
  if (!nonce) throw paymentError('missing_nonce', 'The payment note must carry the nonce from the 402 challenge')
  const [row] = await db()<{ amount: string; pay_to: string; network: string; requested_by: string | null }[]>`
    select amount_microalgo::text as amount, pay_to, network, requested_by from agents.payment_nonces where nonce = ${nonce} and agent_id = ${agentId}`
  if (!row) throw paymentError('unknown_nonce', 'The nonce in the note was not issued for this agent')
  if (row.requested_by && row.requested_by !== payerUser) throw new ApiError(403, 'nonce_not_yours', 'This nonce was issued to another user')
  if (row.network !== network.name) throw paymentError('wrong_network', `The nonce was issued for ${row.network}`)
  return { nonce, amount: BigInt(row.amount), payTo: row.pay_to, genesisHash: network.genesisHash }
}

async function waitForSettlement(txid: string): Promise<PaymentOutcome> {
  const deadline = Date.now() + IN_PROGRESS_WAIT_MS
  while (Date.now() < deadline) {
    const grant = await grantForTxid(txid)
    if (grant) return { kind: 'replayed', grant }
    await new Promise((resolve) => setTimeout(resolve, IN_PROGRESS_POLL_MS))
  }
  throw new ApiError(409, 'payment_in_progress', `Transaction ${txid} is being settled by another request`)
}

/** Claims the nonce for txid; returns an outcome when the payment was already settled. */
async function claim(nonce: string, agentId: string, txid: string): Promise<PaymentOutcome | undefined> {
  const [{ result }] = await db()<{ result: { outcome: string; grant?: PaymentGrant } }[]>`
    select agents.claim_payment_nonce(${nonce}, ${agentId}, ${txid}) as result`
  switch (result.outcome) {
    case 'claimed':
      return undefined
    case 'replayed':
      return { kind: 'replayed', grant: result.grant! }
    case 'in_progress':
      return await waitForSettlement(txid)
    case 'nonce_reused':
      throw new ApiError(409, 'nonce_reused', 'This nonce already paid for a call (or is being used by another transaction)')
    case 'nonce_expired':
      throw paymentError('nonce_expired', 'The nonce expired; request a new challenge')
    default:
      throw paymentError('unknown_nonce', 'The nonce in the note was not issued for this agent')
  }
}

async function settle(nonce: string, txid: string, payer: string, amount: bigint, round: bigint, payerUser?: string): Promise<PaymentOutcome> {
  const [{ result }] = await db()<{ result: { outcome: 'settled' | 'replayed'; grant: PaymentGrant } }[]>`
    select agents.settle_payment(${nonce}, ${txid}, ${payer}, ${amount.toString()}::bigint, ${round.toString()}::bigint, ${payerUser ?? null}) as result`
  return { kind: result.outcome, grant: result.grant }
}

/** Verifies, submits (or looks up) and settles the payment in an X-PAYMENT header. */
export async function acceptPayment(agent: Agent, header: string, payerUser?: string): Promise<PaymentOutcome> {
  const network = algorandNetwork()
  const { payload } = decodePaymentHeader(header, network)
  if ('txid' in payload) return await acceptConfirmedTxid(agent, payload.txid, network, payerUser)

  const group = decodePaymentGroup(payload.paymentGroup, payload.paymentIndex)
  const earlier = await grantForTxid(group.txid)
  if (earlier) return { kind: 'replayed', grant: earlier }
  const txn = group.payment.txn
  const terms = await nonceTerms(noteNonce(txn.note), agent.id, network, payerUser)
  await verifyPaymentGroup(group, terms)

  checkRounds(group, await currentRound())
  const payer = txn.sender.toString()
  const signer = (group.payment.sgnr ?? txn.sender).toString()
  const authorized = await authorizedSigner(payer)
  if (signer !== authorized) throw paymentError('wrong_signer', `Account ${payer} is authorized by ${authorized}, not ${signer}`)

  const replay = await claim(terms.nonce, agent.id, group.txid)
  if (replay) return replay
  const release = () => db()`select agents.release_payment_nonce(${terms.nonce}, ${group.txid})`
  let submission
  try {
    submission = await submitAndConfirm(group.raw, group.txid)
  } catch (error) {
    // algod failed (5xx, unreachable, timed out): free the nonce so the same payment can be retried
    // at once. The txid is still unique and the nonce is consumed only on settlement, so a retry of a
    // transaction the node did take finds it in the ledger and settles it once.
    await release()
    throw error
  }
  if (!('confirmedRound' in submission)) {
    // Free the nonce: a rejected payment can be corrected, and an unconfirmed one re-sent as is
    // (if it lands meanwhile, the re-send finds it in the ledger and settles it).
    await release()
    if ('rejected' in submission) throw paymentError('payment_rejected', `The network rejected the payment: ${submission.rejected}`)
    throw new ApiError(504, 'payment_unconfirmed', `Not confirmed yet; send the same X-PAYMENT again (${submission.unconfirmed})`)
  }
  return await settle(terms.nonce, group.txid, payer, terms.amount, submission.confirmedRound, payerUser)
}

/** A wallet that submitted the payment itself sends its txid; the indexer must show it confirmed. */
async function acceptConfirmedTxid(agent: Agent, txid: string, network: AlgorandNetwork, payerUser?: string): Promise<PaymentOutcome> {
  const earlier = await grantForTxid(txid)
  if (earlier) return { kind: 'replayed', grant: earlier }
  const indexed = await indexedTransaction(txid)
  const terms = await nonceTerms(noteNonce(indexed.note), agent.id, network, payerUser)
  checkPaymentRules(indexed, terms)
  if (!indexed.confirmedRound) throw paymentError('payment_unconfirmed', `Transaction ${txid} is not confirmed yet`)
  const replay = await claim(terms.nonce, agent.id, txid)
  if (replay) return replay
  return await settle(terms.nonce, txid, indexed.sender, terms.amount, indexed.confirmedRound, payerUser)
}
