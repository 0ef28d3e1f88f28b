// The client address a request is rate limited by (chat widget, privacy requests): only the one the
// platform vouches for.
// Hosted Supabase serves every API and Edge Function request through Cloudflare (Supabase docs,
// "Logging": API requests run through the Cloudflare edge and log cf-connecting-ip), and Cloudflare
// sets CF-Connecting-IP to the address that connected to it, replacing any value the client sent.
// X-Forwarded-For and X-Real-IP are never read: a caller writes them freely. Locally the gateway
// (stack/gateway.ts) sets the same header from the socket's address. A missing or unparsable
// header (only a misconfigured deployment) counts under one shared "unknown" address.
// Addresses are grouped by prefix, /24 for IPv4 and /64 for IPv6, so one host cannot rotate through
// its own neighbouring addresses; IPv4-mapped IPv6 addresses count as their IPv4 address.
import type { Context } from 'hono'

export const TRUSTED_CLIENT_IP_HEADER = 'cf-connecting-ip'

/** The canonical form of an IP address (WHATWG URL host parser), or undefined if it is not one. */
function canonical(value: string): { v4: number[] } | { v6: string[] } | undefined {
  const text = value.trim()
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number)
    return parts.every((p) => p <= 255) ? { v4: parts } : undefined
  }
  if (!/^[0-9a-f:.]+$/i.test(text) || !text.includes(':')) return undefined
  let host: string
  try {
    host = new URL(`http://[${text}]/`).hostname.slice(1, -1)
  } catch {
    return undefined
  }
  const [head, tail] = host.includes('::') ? host.split('::') : [host, undefined]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  if (groups.slice(0, 6).every((g, i) => (i < 5 ? g === '0' : g === 'ffff'))) {
    const [hi, lo] = [parseInt(groups[6], 16), parseInt(groups[7], 16)]
    return { v4: [hi >> 8, hi & 255, lo >> 8, lo & 255] }
  }
  return { v6: groups }
}

/** The address prefix a request counts under: "a.b.c.0/24", "x:x:x:x::/64", or "unknown". */
export function addressPrefix(address: string | undefined): string {
  const ip = address === undefined ? undefined : canonical(address)
  if (!ip) return 'unknown'
  if ('v4' in ip) return `${ip.v4.slice(0, 3).join('.')}.0/24`
  return `${ip.v6.slice(0, 4).join(':')}::/64`
}

/** The prefix of the address the platform vouches for. */
export function clientPrefix(c: Context): string {
  return addressPrefix(c.req.header(TRUSTED_CLIENT_IP_HEADER))
}
