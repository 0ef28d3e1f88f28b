// 5. Agent payments: X-PAYMENT headers verified per second by the offline checks (decode, group,
// payment rules, ed25519 signatures), valid and invalid, beside a bare ed25519 verification of the
// same transaction (the cost no implementation can avoid).
import algosdk from 'algosdk'
import { decodePaymentGroup, verifyPaymentGroup } from '../functions/agents/verify-payment.ts'
import { decodePaymentHeader } from '../functions/agents/x402.ts'
import { measure } from './stats.ts'

const NETWORK = { genesisHash: 'SGO1GKSzyE7IEPItTxCByw9x8FmnrCDexi9/cOUJOiI=', name: 'algorand-testnet' }
const NONCE = '0123456789abcdef0123456789abcdef'
const PRICE = 250_000n

export async function agentPaymentFigures(n = 5_000) {
  const payer = algosdk.generateAccount()
  const payTo = algosdk.getApplicationAddress(1001n).toString()
  const txn = (receiver: string) => algosdk.makePaymentTxnWithSuggestedParamsFromObject({
    sender: payer.addr, receiver, amount: PRICE, note: new TextEncoder().encode(`x402:${NONCE}`),
    suggestedParams: { fee: 1000n, minFee: 1000n, flatFee: true, firstValid: 1000n, lastValid: 2000n, genesisHash: algosdk.base64ToBytes(NETWORK.genesisHash) },
  })
  const header = (signed: Uint8Array) => Buffer.from(JSON.stringify({
    x402Version: 1, scheme: 'exact', network: NETWORK.name, payload: { paymentGroup: [algosdk.bytesToBase64(signed)], paymentIndex: 0 },
  })).toString('base64')
  const good = txn(payTo)
  const valid = header(good.signTxn(payer.sk))
  const wrongReceiver = header(txn(algosdk.generateAccount().addr.toString()).signTxn(payer.sk))
  const tampered = algosdk.decodeSignedTransaction(good.signTxn(payer.sk))
  const sig = Uint8Array.from(tampered.sig!)
  sig[0] ^= 0xff
  const badSignature = header(algosdk.encodeMsgpack(new algosdk.SignedTransaction({ txn: tampered.txn, sig })))
  const terms = { payTo, amount: PRICE, nonce: NONCE, genesisHash: NETWORK.genesisHash }

  const verify = async (value: string) => {
    try {
      const { payload } = decodePaymentHeader(value, NETWORK)
      if (!('paymentGroup' in payload)) throw new Error('unexpected')
      await verifyPaymentGroup(decodePaymentGroup(payload.paymentGroup, payload.paymentIndex), terms)
      return 'valid'
    } catch (error) {
      return (error as { code?: string }).code ?? 'error'
    }
  }
  for (const [value, expected] of [[valid, 'valid'], [wrongReceiver, 'wrong_receiver'], [badSignature, 'invalid_signature']]) {
    if ((await verify(value)) !== expected) throw new Error(`bench fixture did not give ${expected}`)
  }
  const key = await crypto.subtle.importKey('raw', payer.addr.publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify'])
  const signature = algosdk.decodeSignedTransaction(good.signTxn(payer.sk)).sig as Uint8Array<ArrayBuffer>
  const bytes = good.bytesToSign() as Uint8Array<ArrayBuffer>
  return {
    baseline_bare_ed25519_verify: await measure(n, 1, () => crypto.subtle.verify('Ed25519', key, signature, bytes)),
    valid: await measure(n, 1, () => verify(valid)),
    invalid_wrong_receiver: await measure(n, 1, () => verify(wrongReceiver)),
    invalid_bad_signature: await measure(n, 1, () => verify(badSignature)),
  }
}
