// The agent token: the credential the platform presents to an agent runtime, and the runtime to
// the platform. It is derived, never stored: HMAC-SHA256(AGENT_TOKEN_SECRET, agent id + a per-agent
// salt). The database keeps the salt and the token's SHA-256 (private.agent_token_salts, which no
// client role reaches), so neither a database dump nor the secret alone yields a token; rotating means a new salt. Without the secret:
// 503 agent_tokens_not_configured (no token issued, no call sold).
import { db } from '../_shared/db.ts'
import { requireEnv } from '../_shared/env.ts'
import { sha256Hex, toHex } from '../_shared/hash.ts'

async function deriveToken(agentId: string, salt: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(requireEnv('AGENT_TOKEN_SECRET', 'agent_tokens_not_configured')),
    { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return toHex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`agent-token:${agentId}:${salt}`)))
}

/** Issues (or rotates) an agent's token; returns the plaintext, which is never shown again. */
export async function issueAgentToken(agentId: string): Promise<{ token: string; issuedAt: Date }> {
  const salt = toHex(crypto.getRandomValues(new Uint8Array(16)))
  const token = await deriveToken(agentId, salt)
  const hash = await sha256Hex(token)
  const [row] = await db()<{ issued_at: Date }[]>`
    insert into private.agent_token_salts (agent_id, salt, token_sha256) values (${agentId}, ${salt}, ${hash})
    on conflict (agent_id) do update set salt = excluded.salt, token_sha256 = excluded.token_sha256, issued_at = now()
    returning issued_at`
  return { token, issuedAt: row.issued_at }
}

/** The current token of an agent, re-derived for a call; undefined if none was issued. */
export async function currentAgentToken(agentId: string): Promise<string | undefined> {
  const [row] = await db()<{ salt: string }[]>`select salt from private.agent_token_salts where agent_id = ${agentId}`
  return row ? await deriveToken(agentId, row.salt) : undefined
}

/** The agent a presented token belongs to (runtime -> platform calls). */
export async function agentIdForToken(token: string): Promise<string | undefined> {
  if (!/^[0-9a-f]{64}$/.test(token)) return undefined
  const [row] = await db()<{ agent_id: string }[]>`select agent_id from private.agent_token_salts where token_sha256 = ${await sha256Hex(token)}`
  return row?.agent_id
}
