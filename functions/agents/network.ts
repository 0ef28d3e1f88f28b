// Which Algorand network payments must be on (ALGORAND_NETWORK: mainnet, testnet, or a genesis hash
// in base64 for any other network, e.g. a private localnet), and the algod / indexer clients.
// Unset or unusable: 503 algorand_not_configured (ALGORAND_NETWORK, ALGOD_SERVER) or
// algorand_indexer_not_configured (INDEXER_SERVER), before any nonce is issued or payment submitted.
import algosdk from 'algosdk'
import { env, notConfigured, requireEnv } from '../_shared/env.ts'

const ALGORAND = 'algorand_not_configured'
const INDEXER = 'algorand_indexer_not_configured'

const KNOWN_NETWORKS: Record<string, string> = {
  mainnet: 'wGHE2Pwdvd7S12BL5FaOP20EGYesN73ktiC1qzkkit8=',
  testnet: 'SGO1GKSzyE7IEPItTxCByw9x8FmnrCDexi9/cOUJOiI=',
}

export interface AlgorandNetwork {
  /** The genesis hash (base64) every transaction must carry. */
  genesisHash: string
  /** The x402 v1 network name: algorand-mainnet, algorand-testnet or algorand:<genesis hash> (v2: caip2Network). */
  name: string
}

export function algorandNetwork(): AlgorandNetwork {
  const configured = requireEnv('ALGORAND_NETWORK', ALGORAND)
  const known = KNOWN_NETWORKS[configured]
  if (known) return { genesisHash: known, name: `algorand-${configured}` }
  if (!/^[A-Za-z0-9+/]{43}=$/.test(configured)) {
    throw notConfigured(ALGORAND, 'ALGORAND_NETWORK must be mainnet, testnet or a base64 genesis hash')
  }
  return { genesisHash: configured, name: `algorand:${configured}` }
}

// algosdk's clients take the port separately and default it to 4180 when absent, so a plain URL
// like https://testnet-api.example.com would go to port 4180: pass the URL's effective port.
function clientArgs(name: string, server: string, code: string): [string, number] {
  let url: URL
  try {
    url = new URL(server)
  } catch {
    throw notConfigured(code, `${name} is not a URL`)
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  url.port = ''
  return [url.toString().replace(/\/$/, ''), port]
}

export function algodClient(): algosdk.Algodv2 {
  return new algosdk.Algodv2(env('ALGOD_TOKEN') ?? '', ...clientArgs('ALGOD_SERVER', requireEnv('ALGOD_SERVER', ALGORAND), ALGORAND))
}

/** How long one algod request may take; a node that does not answer in time counts as unavailable. */
export const ALGOD_TIMEOUT_MS = 5_000

/** Fetch options for an algosdk request's do(): the request is aborted after ALGOD_TIMEOUT_MS. */
export function algodRequestOptions(): { signal: AbortSignal } {
  return { signal: AbortSignal.timeout(ALGOD_TIMEOUT_MS) }
}

export function indexerClient(): algosdk.Indexer {
  return new algosdk.Indexer(env('INDEXER_TOKEN') ?? '', ...clientArgs('INDEXER_SERVER', requireEnv('INDEXER_SERVER', INDEXER), INDEXER))
}

/** The CAIP-2 id x402 v2 names a network by: algorand:<genesis hash>, as @x402-avm/avm spells it. */
export function caip2Network(network: AlgorandNetwork): string {
  return `algorand:${network.genesisHash}`
}
