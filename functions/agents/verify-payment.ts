// Offline verification of an x402 payment group, before anything touches the network: decoding,
// group integrity, and every rule of the payment transaction, with one error code per pitfall.
import algosdk from 'algosdk'
import { ApiError } from '../_shared/errors.ts'

export const MAX_GROUP_SIZE = 16
export const MAX_VALIDITY_ROUNDS = 1000n
/**
 * How far ahead of the current round (as our algod sees it) a transaction's firstValid may be: our
 * node may lag the payer's by a few rounds (about 3 s each). Anything further out cannot be
 * submitted now, so it is refused before the nonce is claimed.
 */
export const MAX_FIRST_VALID_SKEW_ROUNDS = 10n

/**
 * What a payment must be. With a nonce (the challenge's, from the note), the note must carry it; a
 * payment without one is bound to a challenge afterwards, by these requirements (payments.ts).
 */
export interface PaymentTerms {
  payTo: string
  amount: bigint
  /** 0 (or absent) = native ALGO (a `pay` transaction), else the ASA id (an `axfer` of that asset). */
  assetId?: bigint
  nonce?: string
  genesisHash: string
}

export interface DecodedGroup {
  signed: algosdk.SignedTransaction[]
  raw: Uint8Array[]
  payment: algosdk.SignedTransaction
  txid: string
}

/** A payment the payer offers that we will not accept: 402, with a code per reason. */
export function paymentError(code: string, message: string): ApiError {
  return new ApiError(402, code, message)
}

function malformed(message: string): ApiError {
  return new ApiError(400, 'invalid_payment_header', message)
}

/** The nonce a payment carries in its note: the first 32-hex-digit token of the UTF-8 note. */
export function noteNonce(note: Uint8Array | undefined): string | undefined {
  if (!note?.length) return undefined
  return /(?:^|[^0-9a-f])([0-9a-f]{32})(?![0-9a-f])/.exec(new TextDecoder().decode(note))?.[1]
}

export function decodePaymentGroup(paymentGroup: string[], paymentIndex: number): DecodedGroup {
  if (paymentGroup.length < 1 || paymentGroup.length > MAX_GROUP_SIZE) {
    throw malformed(`paymentGroup must hold 1 to ${MAX_GROUP_SIZE} transactions`)
  }
  if (!Number.isInteger(paymentIndex) || paymentIndex < 0 || paymentIndex >= paymentGroup.length) {
    throw malformed('paymentIndex is outside paymentGroup')
  }
  const raw: Uint8Array[] = []
  const signed: algosdk.SignedTransaction[] = []
  for (const [i, encoded] of paymentGroup.entries()) {
    try {
      const bytes = algosdk.base64ToBytes(encoded)
      signed.push(algosdk.decodeSignedTransaction(bytes))
      raw.push(bytes)
    } catch {
      throw malformed(`paymentGroup[${i}] is not a base64 msgpack signed transaction`)
    }
  }
  const payment = signed[paymentIndex]
  return { signed, raw, payment, txid: payment.txn.txID() }
}

async function signatureValid(stxn: algosdk.SignedTransaction): Promise<boolean> {
  const signer = stxn.sgnr ?? stxn.txn.sender
  const key = await crypto.subtle.importKey('raw', signer.publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify'])
  return await crypto.subtle.verify('Ed25519', key, stxn.sig as Uint8Array<ArrayBuffer>, stxn.txn.bytesToSign() as Uint8Array<ArrayBuffer>)
}

function withoutGroup(txn: algosdk.Transaction): algosdk.Transaction {
  const copy = algosdk.decodeUnsignedTransaction(algosdk.encodeUnsignedTransaction(txn))
  copy.group = undefined
  return copy
}

const equalBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  !!a && !!b && a.length === b.length && a.every((byte, i) => byte === b[i])

/** The fields the payment rules look at, from a signed transaction or from the indexer. */
export interface PaymentView {
  type: string
  receiver?: string
  amount?: bigint
  /** The asset of an asset transfer (axfer). */
  assetId?: bigint
  /** An axfer's clawback source (asset sender): the payment would take someone else's asset. */
  assetSender?: string
  assetCloseTo?: string
  closeRemainderTo?: string
  rekeyTo?: string
  genesisHash?: Uint8Array
  firstValid: bigint
  lastValid: bigint
  note?: Uint8Array
}

function paymentView(txn: algosdk.Transaction): PaymentView {
  const transfer = txn.payment ?? txn.assetTransfer
  return {
    type: txn.type,
    receiver: transfer?.receiver.toString(),
    amount: transfer?.amount,
    assetId: txn.assetTransfer?.assetIndex,
    assetSender: txn.assetTransfer?.assetSender?.toString(),
    assetCloseTo: txn.assetTransfer?.closeRemainderTo?.toString(),
    closeRemainderTo: txn.payment?.closeRemainderTo?.toString(),
    rekeyTo: txn.rekeyTo?.toString(),
    genesisHash: txn.genesisHash,
    firstValid: txn.firstValid,
    lastValid: txn.lastValid,
    note: txn.note,
  }
}

/** The rules of the payment itself, shared by submitted groups and indexer-confirmed txids. */
export function checkPaymentRules(p: PaymentView, terms: PaymentTerms): void {
  if (!equalBytes(p.genesisHash, algosdk.base64ToBytes(terms.genesisHash))) throw paymentError('wrong_network', 'The payment is for another network (genesis hash)')
  const assetId = terms.assetId ?? 0n
  if (assetId === 0n) {
    // x402-avm clients pay "asset 0" as an asset transfer, which the network refuses: ALGO moves only in a pay.
    if (p.type !== 'pay') throw paymentError('not_algo_payment', `The payment must be a native ALGO payment (type pay), not ${p.type}${p.type === 'axfer' ? ` of asset ${p.assetId}` : ''}`)
  } else {
    if (p.type !== 'axfer') throw paymentError('not_asset_transfer', `The payment must be an asset transfer (type axfer) of asset ${assetId}, not ${p.type}`)
    if (p.assetId !== assetId) throw paymentError('wrong_asset', `The payment must be in asset ${assetId}, not ${p.assetId}`)
    if (p.assetSender) throw paymentError('asset_clawback', 'The payment must not be a clawback (asset sender)')
    if (p.assetCloseTo) throw paymentError('asset_close_to', 'The payment must not close the asset holding (assetCloseTo)')
  }
  const unit = assetId === 0n ? 'microAlgos' : `base units of asset ${assetId}`
  if (p.receiver !== terms.payTo) throw paymentError('wrong_receiver', `The payment must go to ${terms.payTo}`)
  if (p.amount !== terms.amount) throw paymentError('wrong_amount', `The payment must be exactly ${terms.amount} ${unit}, not ${p.amount}`)
  if (p.closeRemainderTo) throw paymentError('close_remainder_to', 'The payment must not close the account (closeRemainderTo)')
  if (p.rekeyTo) throw paymentError('rekey_to', 'The payment must not rekey the account')
  if (p.lastValid < p.firstValid || p.lastValid - p.firstValid > MAX_VALIDITY_ROUNDS) {
    throw paymentError('validity_window_too_long', `The validity window must be at most ${MAX_VALIDITY_ROUNDS} rounds`)
  }
  if (terms.nonce !== undefined && noteNonce(p.note) !== terms.nonce) throw paymentError('missing_nonce', 'The payment note must carry the nonce of this request')
}

/** Transaction types a payment group may hold: payments and asset transfers (a fee payer's pay, the ASA payment). */
const GROUP_TYPES: ReadonlySet<string> = new Set(['pay', 'axfer'])

/**
 * What no transaction in the group may do, whoever sends it: close an account or an asset holding,
 * rekey an account, or be of a type a payment has no use for (an application call could do either).
 */
function checkGroupMember(txn: algosdk.Transaction): void {
  if (txn.payment?.closeRemainderTo) throw paymentError('close_remainder_to', 'A transaction in the group closes an account (closeRemainderTo)')
  if (txn.assetTransfer?.closeRemainderTo) throw paymentError('asset_close_to', 'A transaction in the group closes an asset holding (assetCloseTo)')
  if (txn.assetTransfer?.assetSender) throw paymentError('asset_clawback', 'A transaction in the group claws an asset back (asset sender)')
  if (txn.rekeyTo) throw paymentError('rekey_to', 'A transaction in the group rekeys an account')
  if (!GROUP_TYPES.has(txn.type)) throw paymentError('unexpected_transaction_type', `A payment group holds only ${[...GROUP_TYPES].join(', ')} transactions, not ${txn.type}`)
}

/** The rounds of every transaction against algod's current round: not expired, not far in the future. */
export function checkRounds(group: DecodedGroup, round: bigint): void {
  const payment = group.payment.txn
  if (payment.lastValid < round) throw paymentError('payment_expired', `The payment's validity window ended at round ${payment.lastValid}`)
  for (const { txn } of group.signed) {
    if (txn.firstValid > round + MAX_FIRST_VALID_SKEW_ROUNDS) {
      throw paymentError('payment_not_yet_valid', `A transaction is valid from round ${txn.firstValid}; the current round is ${round} (at most ${MAX_FIRST_VALID_SKEW_ROUNDS} rounds ahead are accepted)`)
    }
  }
}

/**
 * The fastest round time (seconds) counted on when a challenge's lifetime is turned into rounds
 * (Algorand's rounds take about 2.8 s; a lower bound makes the window wider, never narrower).
 */
export const MIN_ROUND_SECONDS = 2.5

/**
 * A payment without a nonce is bound to a challenge by its requirements; it must also have been made
 * for a challenge that can still be open: valid from a round no earlier than the challenge lifetime
 * (maxTimeoutSeconds) before algod's current round. An older transaction was signed before any open
 * challenge was issued (a pre-signed or recycled payment).
 */
export function checkChallengeWindow(txn: algosdk.Transaction, round: bigint, ttlSeconds: number): void {
  const earliest = round - BigInt(Math.ceil(ttlSeconds / MIN_ROUND_SECONDS))
  if (txn.firstValid < earliest) {
    throw paymentError('payment_predates_challenge', `A payment without a nonce must be valid from round ${earliest} or later (the challenge lifetime, ${ttlSeconds} s, before round ${round}), not ${txn.firstValid}`)
  }
}

/** Every offline rule for a submitted group; throws the first broken one. */
export async function verifyPaymentGroup(group: DecodedGroup, terms: PaymentTerms): Promise<void> {
  const expectedGenesis = algosdk.base64ToBytes(terms.genesisHash)
  const txns = group.signed.map((s) => s.txn)

  if (txns.length > 1) {
    // The group id is the hash of the members' ids computed without their group field.
    const groupId = algosdk.computeGroupID(txns.map(withoutGroup))
    if (!txns.every((t) => equalBytes(t.group, groupId))) throw paymentError('invalid_group', 'The transactions do not form one group (group id mismatch)')
  } else if (txns[0].group?.some((byte) => byte !== 0)) {
    throw paymentError('invalid_group', 'The transaction belongs to a group that was not sent whole')
  }
  for (const stxn of group.signed) {
    if (!equalBytes(stxn.txn.genesisHash, expectedGenesis)) throw paymentError('wrong_network', 'A transaction is for another network (genesis hash)')
    if (stxn.txn.rekeyTo) throw paymentError('rekey_to', 'A transaction in the group rekeys an account')
    if (stxn.msig || stxn.lsig || stxn.pqsig || !stxn.sig) {
      throw paymentError('unsupported_signature', 'Only single ed25519 signatures are accepted')
    }
  }

  checkPaymentRules(paymentView(group.payment.txn), terms)
  for (const stxn of group.signed) checkGroupMember(stxn.txn)

  for (const stxn of group.signed) {
    if (!(await signatureValid(stxn))) throw paymentError('invalid_signature', 'A transaction signature does not verify')
  }
}
