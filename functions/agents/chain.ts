// What the payment flow asks of the Algorand network: the current round, who may sign for an account
// (its auth-addr when rekeyed), submission with confirmation, and the indexer's view of a past txid.
import algosdk from 'algosdk'
import { ApiError } from '../_shared/errors.ts'
import { algodClient, algodRequestOptions, indexerClient } from './network.ts'
import { paymentError, type PaymentView } from './verify-payment.ts'

const CONFIRMATION_ROUNDS = 10

function unavailable(service: string, error: unknown): ApiError {
  console.error(JSON.stringify({ level: 'error', service, message: (error as Error).message }))
  return new ApiError(502, `${service}_unavailable`, `The Algorand ${service} could not be reached`)
}

/** The HTTP status of an algosdk request error, if it was one. */
function httpStatus(error: unknown): number | undefined {
  return (error as { response?: { status?: number } }).response?.status
}

function algodMessage(error: unknown): string {
  const body = (error as { response?: { body?: { message?: string } } }).response?.body
  return body?.message ?? (error as Error).message
}

// Each client is made before its try: a missing or bad setting is a 503 (see network.ts), not an
// unreachable service.
export async function currentRound(): Promise<bigint> {
  const algod = algodClient()
  try {
    return (await algod.status().do(undefined, algodRequestOptions())).lastRound
  } catch (error) {
    throw unavailable('algod', error)
  }
}

/** The address whose key must sign for `account`: its auth-addr when rekeyed, else itself. */
export async function authorizedSigner(account: string): Promise<string> {
  const algod = algodClient()
  try {
    const info = await algod.accountInformation(account).exclude('all').do(undefined, algodRequestOptions())
    return info.authAddr?.toString() ?? account
  } catch (error) {
    throw unavailable('algod', error)
  }
}

export type Submission = { confirmedRound: bigint } | { rejected: string } | { unconfirmed: string }

/**
 * Submits the signed group and waits for the payment to be confirmed. A group the node already has
 * (the same bytes sent before) is not an error: we wait for it like for our own.
 */
export async function submitAndConfirm(raw: Uint8Array[], txid: string): Promise<Submission> {
  const algod = algodClient()
  try {
    await algod.sendRawTransaction(raw).do(undefined, algodRequestOptions())
  } catch (error) {
    const status = httpStatus(error)
    // 5xx, unreachable or timed out (ALGOD_TIMEOUT_MS, network.ts): the caller releases the nonce claim.
    if (status === undefined || status >= 500) throw unavailable('algod', error)
    const message = algodMessage(error)
    if (!/already in ledger/i.test(message)) return { rejected: message }
  }
  try {
    const confirmed = await algosdk.waitForConfirmation(algod, txid, CONFIRMATION_ROUNDS)
    return { confirmedRound: confirmed.confirmedRound! }
  } catch (error) {
    const message = (error as Error).message
    if (message.startsWith('Transaction Rejected')) return { rejected: message }
    if (message.startsWith('Transaction not confirmed')) return { unconfirmed: message }
    throw unavailable('algod', error)
  }
}

export interface IndexedPayment extends PaymentView {
  txid: string
  sender: string
  confirmedRound?: bigint
}

/** A transaction the wallet submitted itself, as the indexer saw it confirmed. */
export async function indexedTransaction(txid: string): Promise<IndexedPayment> {
  const indexer = indexerClient()
  let response
  try {
    response = await indexer.lookupTransactionByID(txid).do()
  } catch (error) {
    if (httpStatus(error) === 404) throw paymentError('unknown_transaction', `The indexer does not know transaction ${txid} (yet)`)
    throw unavailable('indexer', error)
  }
  const t = response.transaction
  return {
    txid: t.id ?? txid,
    type: t.txType ?? 'unknown',
    sender: t.sender,
    receiver: t.paymentTransaction?.receiver ?? t.assetTransferTransaction?.receiver,
    amount: t.paymentTransaction?.amount ?? t.assetTransferTransaction?.amount,
    assetId: t.assetTransferTransaction?.assetId,
    assetSender: t.assetTransferTransaction?.sender,
    assetCloseTo: t.assetTransferTransaction?.closeTo,
    closeRemainderTo: t.paymentTransaction?.closeRemainderTo,
    rekeyTo: t.rekeyTo?.toString(),
    genesisHash: t.genesisHash,
    firstValid: t.firstValid,
    lastValid: t.lastValid,
    note: t.note,
    confirmedRound: t.confirmedRound,
  }
}
