// A loopback Algorand node speaking the algod v2 and indexer v2 JSON the agents function and the x402
// clients use: GET /v2/status (and wait-for-block-after, which produces a block), GET
// /v2/transactions/params (suggested params, as algod: fee per byte 0, min-fee 1000), GET
// /v2/accounts/<addr> (auth-addr of rekeyed accounts), POST /v2/transactions (raw msgpack signed
// transactions; checks signatures against the authorizing key, ALGO and asset balances, asset opt-in,
// and duplicates like algod; an asset transfer of asset 0 is refused, as algod refuses it), GET
// /v2/transactions/pending/<txid>, and the indexer's GET /v2/transactions/<txid>. Fees are not
// checked against the minimum. Pending transactions are confirmed in the next block. Records every
// submission; can answer 500 to the next submissions, or stall one.
import { decodeMulti, IntMode } from 'algorand-msgpack'
import algosdk from 'algosdk'
import { Hono } from 'hono'
import { listenOnLoopback } from './listen.ts'

export const TESTNET_GENESIS_HASH = 'SGO1GKSzyE7IEPItTxCByw9x8FmnrCDexi9/cOUJOiI='

interface LedgerTxn {
  stxn: algosdk.SignedTransaction
  confirmedRound?: bigint
  poolError: string
}

export interface AlgorandLoopback {
  url: string
  round: bigint
  /** txid of every transaction submitted, once per submission. */
  submissions: string[]
  /** Sets an account's balance (microAlgos) and, for a rekeyed account, its auth-addr. */
  fund(address: string, microAlgos: bigint, authAddr?: string): void
  /** Opts an account in to an asset (creating the asset if new) with this holding. */
  fundAsset(address: string, assetId: bigint, amount: bigint): void
  /** An account's holding of an asset (undefined: not opted in). */
  assetBalance(address: string, assetId: bigint): bigint | undefined
  /** A transaction the wallet submitted itself: confirmed in the next block. */
  submitExternally(signed: Uint8Array): string
  /** The next `count` POST /v2/transactions answer 500 without accepting anything. */
  failNextSubmissions(count: number): void
  /** The next POST /v2/transactions answers nothing until releaseStalled(), then 500, accepting nothing. */
  stallNextSubmission(): void
  releaseStalled(): void
  /** Produces a block: confirms everything pending. */
  nextBlock(): void
  close(): Promise<void>
}

const b64 = (bytes: Uint8Array | undefined) => (bytes ? algosdk.bytesToBase64(bytes) : undefined)

/** Splits concatenated msgpack signed transactions (a group submission) into each one's bytes. */
function splitSigned(body: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = []
  let offset = 0
  for (const value of decodeMulti(body, { useMap: true, intMode: IntMode.BIGINT })) {
    const length = algosdk.msgpackRawEncode(value).length
    parts.push(body.subarray(offset, offset + length))
    offset += length
  }
  return parts
}

async function signatureValid(stxn: algosdk.SignedTransaction): Promise<boolean> {
  if (!stxn.sig) return false
  const signer = stxn.sgnr ?? stxn.txn.sender
  const key = await crypto.subtle.importKey('raw', signer.publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify'])
  return await crypto.subtle.verify('Ed25519', key, stxn.sig as Uint8Array<ArrayBuffer>, stxn.txn.bytesToSign() as Uint8Array<ArrayBuffer>)
}

export async function startAlgorandLoopback(): Promise<AlgorandLoopback> {
  const accounts = new Map<string, { amount: bigint; authAddr?: string }>()
  const ledger = new Map<string, LedgerTxn>()
  const holdings = new Map<string, bigint>() // `${address}/${assetId}`
  const holding = (address: string, assetId: bigint) => `${address}/${assetId}`
  const app = new Hono()
  let failingSubmissions = 0
  let stallNext = false
  const stalled: (() => void)[] = []

  const state: AlgorandLoopback = {
    url: '',
    round: 5_000n,
    submissions: [],
    fund(address, microAlgos, authAddr) {
      accounts.set(address, { amount: microAlgos, authAddr })
    },
    fundAsset(address, assetId, amount) {
      holdings.set(holding(address, assetId), amount)
    },
    assetBalance(address, assetId) {
      return holdings.get(holding(address, assetId))
    },
    failNextSubmissions(count) {
      failingSubmissions = count
    },
    stallNextSubmission() {
      stallNext = true
    },
    releaseStalled() {
      for (const release of stalled.splice(0)) release()
    },
    submitExternally(signed) {
      const stxn = algosdk.decodeSignedTransaction(signed)
      const txid = stxn.txn.txID()
      ledger.set(txid, { stxn, poolError: '' })
      state.nextBlock()
      return txid
    },
    nextBlock() {
      state.round += 1n
      for (const entry of ledger.values()) {
        if (entry.confirmedRound === undefined && !entry.poolError) entry.confirmedRound = state.round
      }
    },
    close: async () => {},
  }

  const status = () => ({
    'catchup-time': 0, 'last-round': Number(state.round), 'last-version': 'future', 'next-version': 'future',
    'next-version-round': Number(state.round) + 1, 'next-version-supported': true, 'stopped-at-unsupported-round': false,
    'time-since-last-round': 1_000_000,
  })

  app.get('/v2/status', (c) => c.json(status()))
  app.get('/v2/status/wait-for-block-after/:round', (c) => {
    state.nextBlock()
    return c.json(status())
  })

  app.get('/v2/transactions/params', (c) => c.json({
    'consensus-version': 'future', fee: 0, 'genesis-hash': TESTNET_GENESIS_HASH, 'genesis-id': 'testnet-v1.0',
    'last-round': Number(state.round), 'min-fee': 1000,
  }))

  app.get('/v2/accounts/:address', (c) => {
    const address = c.req.param('address')
    const account = accounts.get(address) ?? { amount: 0n }
    return c.json({
      address, amount: Number(account.amount), 'amount-without-pending-rewards': Number(account.amount), 'min-balance': 100_000,
      'pending-rewards': 0, rewards: 0, round: Number(state.round), status: 'Offline', 'total-apps-opted-in': 0,
      'total-assets-opted-in': 0, 'total-created-apps': 0, 'total-created-assets': 0,
      ...(account.authAddr ? { 'auth-addr': account.authAddr } : {}),
    })
  })

  app.post('/v2/transactions', async (c) => {
    if (stallNext) {
      stallNext = false
      await new Promise<void>((resolve) => stalled.push(resolve))
      return c.json({ message: 'stalled' }, 500)
    }
    if (failingSubmissions > 0) {
      failingSubmissions -= 1
      return c.json({ message: 'internal error' }, 500)
    }
    const body = new Uint8Array(await c.req.arrayBuffer())
    let group: algosdk.SignedTransaction[]
    try {
      group = splitSigned(body).map((bytes) => algosdk.decodeSignedTransaction(bytes))
    } catch {
      return c.json({ message: 'msgpack decode error' }, 400)
    }
    for (const stxn of group) {
      const txid = stxn.txn.txID()
      if (ledger.get(txid)?.confirmedRound !== undefined) return c.json({ message: `transaction already in ledger: ${txid}` }, 400)
      const sender = stxn.txn.sender.toString()
      const authorized = accounts.get(sender)?.authAddr ?? sender
      if (!(await signatureValid(stxn))) return c.json({ message: `signature validation failed for ${txid}` }, 400)
      if ((stxn.sgnr ?? stxn.txn.sender).toString() !== authorized) {
        return c.json({ message: `should have been authorized by ${authorized} but was actually authorized by ${(stxn.sgnr ?? stxn.txn.sender).toString()}` }, 400)
      }
      if (stxn.txn.lastValid < state.round) return c.json({ message: `txn dead: round ${state.round} outside of ${stxn.txn.firstValid}--${stxn.txn.lastValid}` }, 400)
      const spend = (stxn.txn.payment?.amount ?? 0n) + stxn.txn.fee
      const balance = accounts.get(sender)?.amount ?? 0n
      if (balance < spend) return c.json({ message: `overspend (account ${sender}, data {AccountBaseData} tried to spend {${spend}})` }, 400)
      const transfer = stxn.txn.assetTransfer
      if (transfer) {
        if (transfer.assetIndex === 0n) return c.json({ message: `transaction ${txid}: asset 0 does not exist or has been deleted` }, 400)
        const from = holdings.get(holding(sender, transfer.assetIndex))
        if (from === undefined) return c.json({ message: `transaction ${txid}: asset ${transfer.assetIndex} missing from ${sender}` }, 400)
        if (from < transfer.amount) return c.json({ message: `transaction ${txid}: underflow on subtracting ${transfer.amount} from sender amount ${from}` }, 400)
        if (holdings.get(holding(transfer.receiver.toString(), transfer.assetIndex)) === undefined) {
          return c.json({ message: `transaction ${txid}: receiver error: must optin, asset ${transfer.assetIndex} missing from ${transfer.receiver}` }, 400)
        }
      }
    }
    for (const stxn of group) {
      const txid = stxn.txn.txID()
      state.submissions.push(txid)
      if (!ledger.has(txid)) ledger.set(txid, { stxn, poolError: '' })
      const sender = accounts.get(stxn.txn.sender.toString())!
      sender.amount -= (stxn.txn.payment?.amount ?? 0n) + stxn.txn.fee
      const transfer = stxn.txn.assetTransfer
      if (transfer) {
        const from = holding(stxn.txn.sender.toString(), transfer.assetIndex)
        const to = holding(transfer.receiver.toString(), transfer.assetIndex)
        holdings.set(from, holdings.get(from)! - transfer.amount)
        holdings.set(to, holdings.get(to)! + transfer.amount)
      }
    }
    return c.json({ txId: group[0].txn.txID() })
  })

  // algosdk asks for this one as msgpack (?format=msgpack), as algod serves both.
  app.get('/v2/transactions/pending/:txid', (c) => {
    const entry = ledger.get(c.req.param('txid'))
    if (!entry) return c.json({ message: 'txn does not exist' }, 404)
    const response = new algosdk.modelsv2.PendingTransactionResponse({ poolError: entry.poolError, txn: entry.stxn, confirmedRound: entry.confirmedRound })
    if (c.req.query('format') === 'msgpack') {
      return c.body(algosdk.encodeMsgpack(response) as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/msgpack' })
    }
    return c.body(algosdk.encodeJSON(response), 200, { 'content-type': 'application/json' })
  })

  // Indexer
  app.get('/v2/transactions/:txid', (c) => {
    const txid = c.req.param('txid')
    const entry = ledger.get(txid)
    if (!entry || entry.confirmedRound === undefined) return c.json({ message: `no transaction found for transaction id: ${txid}` }, 404)
    const t = entry.stxn.txn
    return c.json({
      'current-round': Number(state.round),
      transaction: {
        id: txid, fee: Number(t.fee), 'first-valid': Number(t.firstValid), 'last-valid': Number(t.lastValid),
        sender: t.sender.toString(), 'tx-type': t.type, 'genesis-hash': b64(t.genesisHash), 'genesis-id': t.genesisID,
        note: b64(t.note), 'confirmed-round': Number(entry.confirmedRound), 'round-time': Math.floor(Date.now() / 1000),
        'intra-round-offset': 0, signature: { sig: b64(entry.stxn.sig) },
        ...(t.rekeyTo ? { 'rekey-to': t.rekeyTo.toString() } : {}),
        ...(entry.stxn.sgnr ? { 'auth-addr': entry.stxn.sgnr.toString() } : {}),
        ...(t.payment ? { 'payment-transaction': {
          amount: Number(t.payment.amount), receiver: t.payment.receiver.toString(), 'close-amount': 0,
          ...(t.payment.closeRemainderTo ? { 'close-remainder-to': t.payment.closeRemainderTo.toString() } : {}),
        } } : {}),
        ...(t.assetTransfer ? { 'asset-transfer-transaction': {
          amount: Number(t.assetTransfer.amount), 'asset-id': Number(t.assetTransfer.assetIndex), receiver: t.assetTransfer.receiver.toString(),
        } } : {}),
      },
    })
  })

  const server = await listenOnLoopback(app.fetch)
  state.url = server.url
  state.close = async () => {
    state.releaseStalled()
    await server.close()
  }
  return state
}
