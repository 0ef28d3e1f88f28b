// Looking up the agent a request names, by id or by subdomain.
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'

export interface Agent {
  id: string
  user_id: string
  name: string
  description: string | null
  subdomain: string
  status: string
  runtime_status: string
  agent_address: string | null
  price_microalgo: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function findAgent(ref: string): Promise<Agent> {
  const sql = db()
  const [agent] = await sql<Agent[]>`
    select id, user_id, name, description, subdomain, status, runtime_status, agent_address, price_microalgo::text
    from agents.agents
    where ${UUID.test(ref) ? sql`id = ${ref}::uuid` : sql`subdomain = ${ref}`} and status <> 'deleted'`
  if (!agent) throw new ApiError(404, 'agent_not_found', `No agent ${ref}`)
  return agent
}

/** An agent that takes paid calls now: active, healthy runtime, a payee address. */
export function requireCallable(agent: Agent): void {
  if (agent.status !== 'active' || agent.runtime_status !== 'active' || !agent.agent_address) {
    throw new ApiError(503, 'agent_unavailable', `Agent ${agent.subdomain} is not taking calls (${agent.status}, runtime ${agent.runtime_status})`)
  }
}
