// Which network destinations outbound fetches (the crawler, domain verification) may connect to. A site on the public internet resolves to
// public unicast addresses; anything else (loopback, private, link-local, CGNAT, multicast,
// unspecified, documentation/benchmark ranges, cloud metadata, and IPv6 forms that embed an IPv4
// address: mapped, NAT64, 6to4, Teredo) is refused. node:net's BlockList (Node core, also in Deno)
// does the matching and checks an IPv4-mapped IPv6 address against the IPv4 ranges; the WHATWG URL
// parser has already turned odd IPv4 forms (2130706433, 0177.0.0.1, 0x7f.1, 127.1) into dotted
// quads before an address gets here.
import { BlockList, isIP } from 'node:net'

const REFUSED_V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
]
const REFUSED_V6: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible'],
  ['64:ff9b::', 96, 'NAT64 (embeds IPv4)'],
  ['64:ff9b:1::', 48, 'NAT64 (embeds IPv4)'],
  ['100::', 64, 'discard'],
  ['2001::', 32, 'Teredo (embeds IPv4)'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4 (embeds IPv4)'],
  ['fc00::', 7, 'unique local (includes fd00:ec2::254, cloud metadata)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
]

const ranges = REFUSED_V4.map(([net, prefix, why]) => ({ list: block(net, prefix, 'ipv4'), why }))
  .concat(REFUSED_V6.map(([net, prefix, why]) => ({ list: block(net, prefix, 'ipv6'), why })))

function block(net: string, prefix: number, type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList()
  list.addSubnet(net, prefix, type)
  return list
}

/** An IP literal without brackets, or undefined when host is a name. */
export function ipLiteral(host: string): string | undefined {
  const bare = host.replace(/^\[|\]$/g, '')
  return isIP(bare) ? bare : undefined
}

/** Why an address must not be connected to (e.g. 'loopback'), or undefined for a public address. */
export function refusedAddress(address: string): string | undefined {
  const family = isIP(address)
  if (family === 0) return 'not an IP address'
  const type = family === 4 ? 'ipv4' : 'ipv6'
  // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address it carries.
  const mapped = type === 'ipv6' ? /^::ffff:(?:0:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address) : null
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)]
    const v4 = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
    return refusedAddress(v4) ?? undefined
  }
  if (type === 'ipv6' && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address)) return refusedAddress(address.slice(7))
  for (const { list, why } of ranges) if (list.check(address, type)) return why
  return undefined
}

/**
 * Host names that name no public site: localhost and *.localhost, the metadata names of the clouds
 * (metadata.google.internal, *.internal), mDNS (*.local), and single-label names (`vm`, `db`: a
 * hosts-file or search-domain name).
 */
export function refusedName(hostname: string): string | undefined {
  const name = hostname.toLowerCase().replace(/\.$/, '')
  if (ipLiteral(name)) return undefined
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback name'
  if (name.endsWith('.internal') || name === 'metadata' || name.endsWith('.local') || name.endsWith('.home.arpa')) return 'internal name'
  if (!name.includes('.')) return 'single-label name'
  return undefined
}

/**
 * The explicit exceptions for tests and local development (SCRAPE_ALLOWED_PRIVATE_HOSTS): a
 * comma-separated list of `host` or `host:port` entries, host a name or an IP literal. A URL is
 * allowed when an entry names its host (and port, when the entry has one), or when an entry names
 * the address the URL's host resolved to (and its port).
 */
export interface AllowList {
  allows(hostname: string, port: string, address?: string): boolean
}

export function allowList(value: string | undefined): AllowList {
  const entries = (value ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean).map((entry) => {
    const m = /^(\[[^\]]+\]|[^:]+|[0-9a-f:]+)(?::(\d+))?$/i.exec(entry)
    const host = (m?.[1] ?? entry).replace(/^\[|\]$/g, '')
    return { host, port: m?.[2] }
  })
  return {
    allows(hostname, port, address) {
      const name = hostname.toLowerCase().replace(/^\[|\]$/g, '')
      return entries.some((e) => (e.host === name || (address !== undefined && e.host === address)) && (e.port === undefined || e.port === port))
    },
  }
}
