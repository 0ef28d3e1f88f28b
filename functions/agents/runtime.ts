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

/** What became of one forward: the runtime's complete answer, or why there was none. */
export type RuntimeAnswer =
  | { kind: 'answered'; status: number; body: ArrayBuffer; contentType: string | null }
  | { kind: 'failed'; reason: 'runtime_error' | 'connection_failed' | 'timeout'; status?: number; detail: string }

export function runtimeTimeoutMs(): number {
  return Number(env('AGENT_RUNTIME_TIMEOUT_MS') ?? 30_000)
}

/** The low-level cause of a failed fetch (undici and Deno put the socket error in `cause`). */
function failureDetail(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return [cause?.code, cause?.message ?? (error as Error).message].filter(Boolean).join(': ').slice(0, 500)
}

/**
 * Forwards a paid call and reads the runtime's whole answer within AGENT_RUNTIME_TIMEOUT_MS. Never
 * throws for the runtime's faults: a 5xx is runtime_error, a refused, reset or broken-off connection
 * connection_failed, no complete answer in time timeout (the caller records which, see delivery.ts).
 */
export async function forwardCall(agent: Agent, token: string, grant: PaymentGrant, body: ArrayBuffer, contentType: string | undefined): Promise<RuntimeAnswer> {
  const url = runtimeUrl(agent)
  const signal = AbortSignal.timeout(runtimeTimeoutMs())
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': contentType ?? 'application/json',
        authorization: `Bearer ${token}`,
        'x-payment-transaction': grant.transaction,
        'x-payment-payer': grant.payer,
      },
      signal,
    })
    if (response.status >= 500) {
      await response.body?.cancel().catch(() => {})
      return { kind: 'failed', reason: 'runtime_error', status: response.status, detail: `HTTP ${response.status}` }
    }
    const answer = await response.arrayBuffer()
    return { kind: 'answered', status: response.status, body: answer, contentType: response.headers.get('content-type') }
  } catch (error) {
    const timedOut = signal.aborted || (error as Error).name === 'TimeoutError'
    const detail = timedOut ? `no complete answer within ${runtimeTimeoutMs()} ms` : failureDetail(error)
    console.error(JSON.stringify({ level: 'error', agent: agent.id, txid: grant.transaction, message: (error as Error).message, detail }))
    return { kind: 'failed', reason: timedOut ? 'timeout' : 'connection_failed', detail }
  }
}
