// Pay-per-call: the 402 challenge, and turning a payment header (X-PAYMENT, x402 v1, or
// PAYMENT-SIGNATURE, v2) into exactly one settled payment.
// Order matters: every offline rule first, then the chain's view (round, auth-addr), then a challenge
// is claimed for this one transaction id (atomically, in the database) before anything is submitted:
// the one whose nonce the note carries, or, for a payment without a nonce, the oldest open challenge
// of the agent with the payment's requirements (payee, asset, amount). The payment row and the
// consumed nonce are written together after confirmation. A txid or nonce seen before never reaches
// the runtime again: the caller gets the original grant.
import { db } from '../_shared/db.ts'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import type { Agent } from './agents.ts'
import { authorizedSigner, currentRound, indexedTransaction, submitAndConfirm } from './chain.ts'
import { algorandNetwork, type AlgorandNetwork } from './network.ts'
import { assetNotConfigured, nonceTerms, offerTerms } from './payment-terms.ts'
import {
  checkChallengeWindow, checkPaymentRules, checkRounds, decodePaymentGroup, noteNonce, paymentError, type PaymentTerms, verifyPaymentGroup,
} from './verify-payment.ts'
import { decodePaymentHeader, type IssuedNonce, type PaymentGrant, paymentRequired, type X402Version } from './x402.ts'

const IN_PROGRESS_WAIT_MS = 30_000
const IN_PROGRESS_POLL_MS = 200

export type PaymentOutcome = { kind: 'settled' | 'replayed'; grant: PaymentGrant }

export function nonceTtlSeconds(): number {
  return Number(env('PAYMENT_NONCE_TTL_SECONDS') ?? 300)
}

/**
 * The 402 challenge for one call: a fresh single-use nonce at the agent's current price, payee and
 * asset, as the x402 v1 body and the v2 PAYMENT-REQUIRED header.
 */
export async function challenge(agent: Agent, resource: string, requestedBy: string | undefined, rejection?: { code: string; message: string }) {
  const network = algorandNetwork()
  const sql = db()
  let nonce: IssuedNonce
  try {
    ;[nonce] = await sql<IssuedNonce[]>`
      select i.nonce, i.amount_microalgo::text, i.asset_id::text, i.pay_to, i.expires_at, coalesce(pa.decimals, 6) as decimals
      from agents.issue_payment_nonce(${agent.id}, ${network.name}, ${resource}, ${nonceTtlSeconds()}, ${requestedBy ?? null}) i
      left join agents.payment_assets pa on pa.network = i.network and pa.asset_id = i.asset_id`
  } catch (error) {
    if ((error as { hint?: string }).hint === 'asset_not_configured') throw assetNotConfigured((await offerAsset(agent.id)) ?? '?', network)
    throw error
  }
  return paymentRequired({
    nonce, network, resource, rejection, ttlSeconds: nonceTtlSeconds(),
    description: `One call of ${agent.name} (${agent.subdomain})`,
  })
}

async function offerAsset(agentId: string): Promise<string | undefined> {
  const [row] = await db()<{ price_asset: string }[]>`select price_asset from agents.agents where id = ${agentId}`
  return row?.price_asset
}

async function grantForTxid(txid: string): Promise<PaymentGrant | undefined> {
  const sql = db()
  const [row] = await sql<{ grant: PaymentGrant }[]>`select private.payment_grant(p) as grant from agents.payments p where p.txid = ${txid}`
  return row?.grant
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

/**
 * Claims, for a payment without a nonce, the oldest open challenge of the agent with its requirements
 * (agents.claim_payment_challenge); returns the challenge's nonce, or an outcome when already settled.
 */
async function claimChallenge(agentId: string, txid: string, terms: PaymentTerms, network: AlgorandNetwork, payerUser: string | undefined): Promise<string | PaymentOutcome> {
  const [{ result }] = await db()<{ result: { outcome: string; nonce?: string; grant?: PaymentGrant } }[]>`
    select agents.claim_payment_challenge(${agentId}, ${txid}, ${terms.payTo}, ${(terms.assetId ?? 0n).toString()}::bigint,
      ${terms.amount.toString()}::bigint, ${network.name}, ${payerUser ?? null}) as result`
  switch (result.outcome) {
    case 'claimed':
      return result.nonce!
    case 'replayed':
      return { kind: 'replayed', grant: result.grant! }
    case 'in_progress':
      return await waitForSettlement(txid)
    default:
      throw paymentError('no_matching_challenge', 'No open 402 challenge of this agent asks for this payment (payee, asset, amount), or it expired or paid for another call: request a new challenge')
  }
}

async function settle(nonce: string, txid: string, payer: string, amount: bigint, round: bigint, payerUser?: string): Promise<PaymentOutcome> {
  const [{ result }] = await db()<{ result: { outcome: 'settled' | 'replayed'; grant: PaymentGrant } }[]>`
    select agents.settle_payment(${nonce}, ${txid}, ${payer}, ${amount.toString()}::bigint, ${round.toString()}::bigint, ${payerUser ?? null}) as result`
  return { kind: result.outcome, grant: result.grant }
}

/**
 * Verifies, submits (or looks up) and settles the payment in a payment header (X-PAYMENT for x402 v1,
 * PAYMENT-SIGNATURE for v2; the payload is the same).
 */
export async function acceptPayment(agent: Agent, header: string, version: X402Version, payerUser?: string): Promise<PaymentOutcome> {
  const network = algorandNetwork()
  const { payload } = decodePaymentHeader(header, network, version)
  if ('txid' in payload) return await acceptConfirmedTxid(agent, payload.txid, network, payerUser)

  const group = decodePaymentGroup(payload.paymentGroup, payload.paymentIndex)
  const earlier = await grantForTxid(group.txid)
  if (earlier) return { kind: 'replayed', grant: earlier }
  const txn = group.payment.txn
  // The nonce in the note binds the payment to its challenge (the stricter path); without one, the
  // payment must meet the agent's current offer and is bound to an open challenge that asked for it.
  const noted = noteNonce(txn.note)
  const terms = noted ? await nonceTerms(noted, agent.id, network, payerUser) : await offerTerms(agent, network)
  await verifyPaymentGroup(group, terms)

  const round = await currentRound()
  checkRounds(group, round)
  if (!noted) checkChallengeWindow(txn, round, nonceTtlSeconds())
  const payer = txn.sender.toString()
  const signer = (group.payment.sgnr ?? txn.sender).toString()
  const authorized = await authorizedSigner(payer)
  if (signer !== authorized) throw paymentError('wrong_signer', `Account ${payer} is authorized by ${authorized}, not ${signer}`)

  let nonce: string
  if (noted) {
    const replay = await claim(noted, agent.id, group.txid)
    if (replay) return replay
    nonce = noted
  } else {
    const claimed = await claimChallenge(agent.id, group.txid, terms, network, payerUser)
    if (typeof claimed !== 'string') return claimed
    nonce = claimed
  }
  const release = () => db()`select agents.release_payment_nonce(${nonce}, ${group.txid})`
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
  return await settle(nonce, group.txid, payer, terms.amount, submission.confirmedRound, payerUser)
}

/**
 * A wallet that submitted the payment itself sends its txid; the indexer must show it confirmed. The
 * note must carry the nonce: a confirmed transaction is public, so a nonce-less one could be presented
 * by anyone watching the chain against a challenge of their own.
 */
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
