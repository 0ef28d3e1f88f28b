// The client address a function sees through the local gateway is the one hosted Supabase vouches
// for: CF-Connecting-IP, set by the platform (Cloudflare) from the connection, never by the caller.
// The chat widget's rate limits key on it, so a caller rotating CF-Connecting-IP or X-Forwarded-For
// through the gateway still counts as one address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningStack } from '../../stack/stack.ts'
import { MARK_DOMAIN_VERIFIED_SQL } from '../support/domain-verified.ts'
import { startTestStack } from '../support/test-stack.ts'

const DOMAIN = 'limits.gateway.test'
const ORIGIN = `https://${DOMAIN}`
let stack: RunningStack
const saved = process.env.CHAT_VISITOR_TOKEN_SECRET

beforeAll(async () => {
  process.env.CHAT_VISITOR_TOKEN_SECRET = 'gateway-client-address-visitor-token-secret'
  stack = await startTestStack()
  const [{ id: owner }] = await stack.db.query<{ id: string }>(`select tests.create_supabase_user('gateway_limits') as id`)
  const [{ id: customer }] = await stack.db.query<{ id: string }>(`insert into sites.customers (auth_user_id, email) values ($1, 'owner@limits.gateway.test') returning id`, [owner])
  const [{ id: domain }] = await stack.db.query<{ id: string }>(`insert into sites.domains (user_id, domain) values ($1, $2) returning id`, [owner, DOMAIN])
  await stack.db.query(MARK_DOMAIN_VERIFIED_SQL, [domain])
  await stack.db.query(`insert into sites.customer_configs (customer_id, domain, business_name, allowed_origins, rate_limit) values ($1, $2, 'Limits', $3, 2)`,
    [customer, DOMAIN, [ORIGIN]])
})
afterAll(async () => {
  await stack?.stop()
  if (saved === undefined) delete process.env.CHAT_VISITOR_TOKEN_SECRET
  else process.env.CHAT_VISITOR_TOKEN_SECRET = saved
})

describe('the client address behind the gateway', () => {
  it('is the socket address: rotating CF-Connecting-IP and X-Forwarded-For does not give a caller new rate-limit buckets', async () => {
    const statuses: number[] = []
    for (let i = 1; i <= 4; i++) {
      const res = await fetch(`${stack.status.API_URL}/functions/v1/chat/session`, {
        method: 'POST',
        body: JSON.stringify({ domain: DOMAIN }),
        headers: {
          apikey: stack.status.ANON_KEY, 'content-type': 'application/json', origin: ORIGIN,
          'cf-connecting-ip': `203.0.${i}.7`, 'x-forwarded-for': `198.51.${i}.9`, 'x-real-ip': `192.0.${i}.1`,
        },
      })
      statuses.push(res.status)
      await res.arrayBuffer()
    }
    // rate_limit 2 a minute per address prefix: the caller's one address (loopback) gets 2 sessions.
    expect(statuses).toEqual([201, 201, 429, 429])
  })
})
