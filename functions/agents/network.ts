// Which Algorand network payments must be on (ALGORAND_NETWORK: mainnet, testnet, or a genesis hash
// in base64 for any other network, e.g. a private localnet), and the algod / indexer clients.
import algosdk from 'algosdk'
import { env, requireEnv } from '../_shared/env.ts'

const KNOWN_NETWORKS: Record<string, string> = {
  mainnet: 'wGHE2Pwdvd7S12BL5FaOP20EGYesN73ktiC1qzkkit8=',
  testnet: 'SGO1GKSzyE7IEPItTxCByw9x8FmnrCDexi9/cOUJOiI=',
}

export interface AlgorandNetwork {
  /** The genesis hash (base64) every transaction must carry. */
  genesisHash: string
  /** The x402 network name: algorand-mainnet, algorand-testnet or algorand:<genesis hash>. */
  name: string
}

export function algorandNetwork(): AlgorandNetwork {
  const configured = requireEnv('ALGORAND_NETWORK')
  const known = KNOWN_NETWORKS[configured]
  if (known) return { genesisHash: known, name: `algorand-${configured}` }
  if (!/^[A-Za-z0-9+/]{43}=$/.test(configured)) {
    throw new Error('ALGORAND_NETWORK must be mainnet, testnet or a base64 genesis hash')
  }
  return { genesisHash: configured, name: `algorand:${configured}` }
}

// algosdk's clients take the port separately and default it to 4180 when absent, so a plain URL
// like https://testnet-api.example.com would go to port 4180: pass the URL's effective port.
function clientArgs(server: string): [string, number] {
  const url = new URL(server)
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  url.port = ''
  return [url.toString().replace(/\/$/, ''), port]
}

export function algodClient(): algosdk.Algodv2 {
  return new algosdk.Algodv2(env('ALGOD_TOKEN') ?? '', ...clientArgs(requireEnv('ALGOD_SERVER')))
}

export function indexerClient(): algosdk.Indexer {
  return new algosdk.Indexer(env('INDEXER_TOKEN') ?? '', ...clientArgs(requireEnv('INDEXER_SERVER')))
}
