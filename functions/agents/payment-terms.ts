// What a payment must be: the terms of the challenge named by the nonce in its note, or, for a payment
// without a nonce (what x402-avm clients send), the agent's current offer (payee, asset, price), which
// the payment must meet and which then binds it to an open challenge with the same requirements.
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import type { Agent } from './agents.ts'
import type { AlgorandNetwork } from './network.ts'
import { paymentError, type PaymentTerms } from './verify-payment.ts'

/** An agent priced in an asset its network has no id for: 503, nothing is sold. */
export function assetNotConfigured(symbol: string, network: AlgorandNetwork): ApiError {
  return new ApiError(503, 'payment_asset_not_configured', `The price asset ${symbol} has no asset id on ${network.name} (agents.payment_assets)`)
}

/** The agent's current offer on this network: ALGO is asset 0, a symbol is looked up in agents.payment_assets. */
export async function offerTerms(agent: Agent, network: AlgorandNetwork): Promise<PaymentTerms> {
  const [row] = await db()<{ price_asset: string; asset_id: string | null }[]>`
    select a.price_asset, pa.asset_id::text
    from agents.agents a left join agents.payment_assets pa on pa.network = ${network.name} and pa.symbol = a.price_asset
    where a.id = ${agent.id}`
  if (!row) throw new ApiError(404, 'agent_not_found', `No agent ${agent.subdomain}`)
  if (row.price_asset !== 'ALGO' && row.asset_id === null) throw assetNotConfigured(row.price_asset, network)
  return { payTo: agent.agent_address!, amount: BigInt(agent.price_microalgo), assetId: BigInt(row.asset_id ?? 0), genesisHash: network.genesisHash }
}

/**
 * What the nonce in the note was issued for. A nonce issued to a signed-in user is redeemable by that
 * user only: a confirmed payment is public on chain, and without this anyone watching the chain could
 * present its txid first and take the call it paid for.
 */
export async function nonceTerms(nonce: string | undefined, agentId: string, network: AlgorandNetwork, payerUser: string | undefined): Promise<PaymentTerms & { nonce: string }> {
  if (!nonce) throw paymentError('missing_nonce', 'The payment note must carry the nonce from the 402 challenge')
  const [row] = await db()<{ amount: string; asset_id: string; pay_to: string; network: string; requested_by: string | null }[]>`
    select amount_microalgo::text as amount, asset_id::text, pay_to, network, requested_by
    from agents.payment_nonces where nonce = ${nonce} and agent_id = ${agentId}`
  if (!row) throw paymentError('unknown_nonce', 'The nonce in the note was not issued for this agent')
  if (row.requested_by && row.requested_by !== payerUser) throw new ApiError(403, 'nonce_not_yours', 'This nonce was issued to another user')
  if (row.network !== network.name) throw paymentError('wrong_network', `The nonce was issued for ${row.network}`)
  return { nonce, amount: BigInt(row.amount), assetId: BigInt(row.asset_id), payTo: row.pay_to, genesisHash: network.genesisHash }
}
