// SSRF-proof fetching: each request's host is resolved once, every address it has is vetted
// (address-policy.ts), and the connection goes to the vetted address with no second lookup, so a
// name that answers a public address to the check and a private one to the connection (DNS
// rebinding) still reaches only the vetted one. The URL keeps its host name: the Host header, TLS
// SNI and certificate check are those of the name.
//   Deno (Edge Runtime): fetch with a Deno.createHttpClient whose transport is a TCP socket to the
//     vetted address (proxy: {transport: 'tcp'}).
//   Node (tests, local stack, bench): node:http / node:https with a `lookup` that answers the
//     vetted address.
// Redirects are never followed by the transport: with `follow`, each hop's target is vetted like
// the first URL.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { Readable } from 'node:stream'
import { type AllowList, ipLiteral, refusedAddress, refusedName } from './address-policy.ts'
import type { Resolver } from './resolver.ts'

/** A destination outbound fetches refuse to connect to; fetches fail with it at once (never retried). */
export class RefusedDestinationError extends Error {
  override name = 'RefusedDestinationError'
}

export interface SafeFetchInit {
  method?: string
  headers?: Record<string, string>
  signal?: AbortSignal
  /** Follow up to this many redirects, each target vetted; 0 (default): answer the 3xx itself. */
  follow?: number
}

export interface SafeFetch {
  (url: string, init?: SafeFetchInit): Promise<Response>
  /** Resolves and vets url's host without a request; rejects with RefusedDestinationError when refused. */
  vet(url: URL): Promise<void>
}

export interface SafeFetchOptions {
  resolve: Resolver
  allowed: AllowList
}

const NULL_BODY = new Set([101, 103, 204, 205, 304])

interface DenoHttp {
  createHttpClient(options: { proxy: { transport: 'tcp'; hostname: string; port: number } }): { close(): void }
}
const deno = (globalThis as unknown as { Deno?: DenoHttp }).Deno

/** Deno: one HTTP client per vetted address and port (a bounded pool, oldest closed first). */
const denoClients = new Map<string, { close(): void }>()
function denoClient(address: string, port: number) {
  const key = `${address}|${port}`
  let client = denoClients.get(key)
  if (!client) {
    client = deno!.createHttpClient({ proxy: { transport: 'tcp', hostname: address, port } })
    denoClients.set(key, client)
    if (denoClients.size > 64) {
      const [oldest, value] = denoClients.entries().next().value!
      denoClients.delete(oldest)
      value.close()
    }
  }
  return client
}

function nodeFetch(url: URL, address: string, init: SafeFetchInit): Promise<Response> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  const family = address.includes(':') ? 6 : 4
  return new Promise<Response>((resolve, reject) => {
    const req = request(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      signal: init.signal,
      // The only lookup this connection makes: it answers the address that was vetted.
      lookup: (_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
        options?.all ? callback(null, [{ address, family }]) : callback(null, address, family),
    } as never, (res: IncomingMessage) => {
      const headers = new Headers()
      for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined) continue
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
      }
      const status = res.statusCode ?? 502
      const body = NULL_BODY.has(status) || init.method === 'HEAD' ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>)
      if (!body) res.resume()
      resolve(new Response(body, { status, statusText: res.statusMessage, headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

export function safeFetcher({ resolve, allowed }: SafeFetchOptions): SafeFetch {
  // One resolution per host name for the fetcher's life (one crawl step): every request to the
  // host connects to an address of that one answer, vetted.
  const resolved = new Map<string, Promise<string[]>>()
  const addressesOf = (hostname: string) => {
    let addresses = resolved.get(hostname)
    if (!addresses) {
      addresses = resolve(hostname).then((list) => {
        if (list.length === 0) throw new Error('no address')
        return list
      })
      resolved.set(hostname, addresses)
      addresses.catch(() => resolved.delete(hostname))
    }
    return addresses
  }

  async function vet(url: URL): Promise<string> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RefusedDestinationError(`${url.protocol} URLs are not fetched`)
    const port = url.port || (url.protocol === 'https:' ? '443' : '80')
    const literal = ipLiteral(url.hostname)
    const resolveAll = async () => {
      try {
        return literal ? [literal] : await addressesOf(url.hostname)
      } catch (error) {
        throw new Error(`${url.hostname} does not resolve: ${(error as Error).message}`)
      }
    }
    if (allowed.allows(url.hostname, port)) return (await resolveAll())[0]
    const nameProblem = refusedName(url.hostname)
    if (nameProblem) throw new RefusedDestinationError(`${url.host} is a private address (${nameProblem})`)
    const addresses = await resolveAll()
    for (const a of addresses) {
      const why = refusedAddress(a)
      if (why && !allowed.allows(url.hostname, port, a)) throw new RefusedDestinationError(`${url.host} is a private address (${a}: ${why})`)
    }
    return addresses[0]
  }

  async function once(url: URL, init: SafeFetchInit): Promise<Response> {
    const address = await vet(url)
    if (deno) {
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
      return await fetch(url, {
        method: init.method, headers: init.headers, signal: init.signal, redirect: 'manual', client: denoClient(address, port),
      } as RequestInit)
    }
    return await nodeFetch(url, address, init)
  }

  const safeFetch = async (input: string, init: SafeFetchInit = {}) => {
    let url = new URL(input)
    for (let hop = 0; ; hop++) {
      const response = await once(url, init)
      const location = response.headers.get('location')
      if (!init.follow || response.status < 300 || response.status >= 400 || !location || hop >= init.follow) return response
      await response.body?.cancel()
      url = new URL(location, url)
    }
  }
  return Object.assign(safeFetch, { vet: async (url: URL) => void (await vet(url)) })
}
