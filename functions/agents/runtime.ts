// Forwarding a paid call to the agent's runtime (AGENT_RUNTIME_URL with {subdomain}), presenting the
// agent token, and passing its answer back.
import { env, notConfigured, requireEnv } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { currentAgentToken } from './agent-token.ts'
import type { Agent } from './agents.ts'
import { algodClient, algorandNetwork } from './network.ts'
import type { PaymentGrant } from './x402.ts'

const RUNTIME = 'agent_runtime_not_configured'

export function runtimeUrl(agent: Agent): string {
  const url = requireEnv('AGENT_RUNTIME_URL', RUNTIME).replaceAll('{subdomain}', agent.subdomain)
  if (!URL.canParse(url)) throw notConfigured(RUNTIME, 'AGENT_RUNTIME_URL is not a URL (with {subdomain} where the agent goes)')
  return url
}

/**
 * Everything a paid call needs besides the agent's token, checked before a challenge is issued or a
 * payment taken: the network, algod and the runtime URL (503 with the missing one named). A call
 * that could not be settled or forwarded is not sold.
 */
export function requireCallConfig(agent: Agent): void {
  algorandNetwork()
  algodClient()
  runtimeUrl(agent)
}

/** The agent must have a token before it is sold: a call that cannot be forwarded is not offered. */
export async function requireAgentToken(agent: Agent): Promise<string> {
  const token = await currentAgentToken(agent.id)
  if (!token) throw new ApiError(503, 'agent_not_configured', `Agent ${agent.subdomain} has no agent token yet`)
  return token
}

export async function forwardCall(agent: Agent, token: string, grant: PaymentGrant, body: ArrayBuffer, contentType: string | undefined): Promise<Response> {
  const url = runtimeUrl(agent)
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': contentType ?? 'application/json',
        authorization: `Bearer ${token}`,
        'x-payment-transaction': grant.transaction,
        'x-payment-payer': grant.payer,
      },
      signal: AbortSignal.timeout(Number(env('AGENT_RUNTIME_TIMEOUT_MS') ?? 30_000)),
    })
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', agent: agent.id, txid: grant.transaction, message: (error as Error).message }))
    throw new ApiError(502, 'agent_unreachable', `Agent ${agent.subdomain} did not answer; payment ${grant.transaction} is recorded`)
  }
  if (response.status >= 500) {
    throw new ApiError(502, 'agent_error', `Agent ${agent.subdomain} failed (${response.status}); payment ${grant.transaction} is recorded`)
  }
  return response
}
