// Per-minute chat rate limits, decided in the database (sites.take_chat_rate_limit: sliding window,
// atomic across instances): per client address prefix and per visitor session (rate_limit each),
// and for the whole site (site_rate_limit). Over any of them: 429 rate_limited with Retry-After.
import type { Context } from 'hono'
import { db } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { sha256Hex } from '../_shared/hash.ts'
import { clientPrefix, TRUSTED_CLIENT_IP_HEADER } from '../_shared/client-address.ts'
import type { Site } from './site.ts'

export async function enforceRateLimit(c: Context, site: Site, sessionId: string | undefined): Promise<void> {
  const net = await sha256Hex(`${site.config_id}:${clientPrefix(c)}`)
  const buckets = [`net:${net}`, 'site', ...(sessionId ? [`session:${sessionId}`] : [])]
  const limits = [site.rate_limit, site.site_rate_limit, ...(sessionId ? [site.rate_limit] : [])]
  const [rate] = await db()<{ allowed: boolean; retry_after_seconds: number; refused_bucket: string | null }[]>`
    select * from sites.take_chat_rate_limit(${site.config_id}, ${buckets}, ${limits})`
  if (rate.allowed) return
  c.header('retry-after', String(rate.retry_after_seconds))
  const message = rate.refused_bucket === 'site'
    ? `This site's chat takes at most ${site.site_rate_limit} requests a minute from all visitors; retry in ${rate.retry_after_seconds} s`
    : `At most ${site.rate_limit} requests a minute; retry in ${rate.retry_after_seconds} s`
  throw new ApiError(429, 'rate_limited', message)
}

/** The hash access logs record of the client's address (per site, never the address itself). */
export async function addressHash(c: Context, site: Site): Promise<string> {
  return await sha256Hex(`${site.config_id}:${c.req.header(TRUSTED_CLIENT_IP_HEADER)?.trim() || 'unknown'}`)
}
