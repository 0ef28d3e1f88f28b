// Forwarding a paid call to the agent's runtime (AGENT_RUNTIME_URL with {subdomain}), presenting the
// agent token, and passing its answer back.
import { env, requireEnv } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { currentAgentToken } from './agent-token.ts'
import type { Agent } from './agents.ts'
import type { PaymentGrant } from './x402.ts'

export function runtimeUrl(agent: Agent): string {
  return requireEnv('AGENT_RUNTIME_URL').replaceAll('{subdomain}', agent.subdomain)
}

/** The agent must have a token before it is sold: a call that cannot be forwarded is not offered. */
export async function requireAgentToken(agent: Agent): Promise<string> {
  const token = await currentAgentToken(agent.id)
  if (!token) throw new ApiError(503, 'agent_not_configured', `Agent ${agent.subdomain} has no agent token yet`)
  return token
}

export async function forwardCall(agent: Agent, token: string, grant: PaymentGrant, body: ArrayBuffer, contentType: string | undefined): Promise<Response> {
  let response: Response
  try {
    response = await fetch(runtimeUrl(agent), {
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
