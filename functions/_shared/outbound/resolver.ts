// Name resolution for outbound fetches (the crawler, domain verification): every address a host name has. The system resolver
// (getaddrinfo through node:dns, in Node and in Deno) sees what a plain fetch would have seen,
// hosts file included; tests inject their own.
import { lookup } from 'node:dns/promises'

/** All addresses of a host name (IPv4 and IPv6). Rejects when the name does not resolve. */
export type Resolver = (hostname: string) => Promise<string[]>

export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address)
