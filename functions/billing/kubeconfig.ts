// A cluster's kubeconfig (the JSON form: `kubectl config view --raw --flatten --minify -o json`) and
// GET requests to its API server with it: the current context's server, bearer token or client
// certificate, and the cluster CA (certificate-authority-data). TLS with that CA and client
// certificates: Deno.createHttpClient on Deno (Edge Runtime), node:https on Node (local stack, tests).
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { z } from 'zod'
import { ApiError } from '../_shared/errors.ts'

const Kubeconfig = z.object({
  'current-context': z.string().optional(),
  clusters: z.array(z.object({
    name: z.string(),
    cluster: z.object({
      server: z.url(),
      'certificate-authority-data': z.string().optional(),
      'insecure-skip-tls-verify': z.boolean().optional(),
    }),
  })),
  users: z.array(z.object({
    name: z.string(),
    user: z.object({
      token: z.string().optional(),
      'client-certificate-data': z.string().optional(),
      'client-key-data': z.string().optional(),
    }),
  })),
  contexts: z.array(z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string() }) })),
})

export interface KubeAccess {
  server: string
  token?: string
  /** PEM texts (decoded from the *-data fields). */
  ca?: string
  cert?: string
  key?: string
  insecure: boolean
}

const pem = (data: string | undefined) => (data === undefined ? undefined : new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0))))

/** The current context's server and credentials; 400 invalid_kubeconfig when it is not usable. */
export function parseKubeconfig(text: string): KubeAccess {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ApiError(400, 'invalid_kubeconfig', 'The kubeconfig must be JSON: kubectl config view --raw --flatten --minify -o json')
  }
  const parsed = Kubeconfig.safeParse(json)
  if (!parsed.success) throw new ApiError(400, 'invalid_kubeconfig', `Not a kubeconfig: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`)
  const config = parsed.data
  const context = config.contexts.find((c) => c.name === config['current-context']) ?? (config.contexts.length === 1 ? config.contexts[0] : undefined)
  if (!context) throw new ApiError(400, 'invalid_kubeconfig', 'The kubeconfig has no current-context')
  const cluster = config.clusters.find((c) => c.name === context.context.cluster)?.cluster
  const user = config.users.find((u) => u.name === context.context.user)?.user
  if (!cluster || !user) throw new ApiError(400, 'invalid_kubeconfig', 'The current context names a cluster or user the kubeconfig does not have')
  const cert = pem(user['client-certificate-data'])
  const key = pem(user['client-key-data'])
  if (!user.token && !(cert && key)) {
    throw new ApiError(400, 'invalid_kubeconfig', 'The user needs a token or client-certificate-data and client-key-data (exec and auth-provider plugins cannot run here)')
  }
  return { server: cluster.server.replace(/\/+$/, ''), token: user.token, ca: pem(cluster['certificate-authority-data']), cert, key, insecure: cluster['insecure-skip-tls-verify'] ?? false }
}

interface DenoTls {
  createHttpClient(options: { caCerts?: string[]; cert?: string; key?: string }): { close(): void }
}
const deno = (globalThis as unknown as { Deno?: DenoTls }).Deno

export interface KubeResponse {
  status: number
  body: string
}

/** GET <server><path> with the kubeconfig's credentials and CA; the body as text. */
export async function kubeGet(access: KubeAccess, path: string, timeoutMs: number): Promise<KubeResponse> {
  const url = new URL(`${access.server}${path}`)
  const headers: Record<string, string> = { accept: 'application/json', ...(access.token ? { authorization: `Bearer ${access.token}` } : {}) }
  const signal = AbortSignal.timeout(timeoutMs)
  if (deno) {
    const client = access.ca || access.cert ? deno.createHttpClient({ caCerts: access.ca ? [access.ca] : undefined, cert: access.cert, key: access.key }) : undefined
    try {
      const res = await fetch(url, { headers, signal, ...(client ? { client } : {}) } as RequestInit)
      return { status: res.status, body: await res.text() }
    } finally {
      client?.close()
    }
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return await new Promise<KubeResponse>((resolve, reject) => {
    const req = request(url, {
      method: 'GET', headers, signal,
      ...(url.protocol === 'https:' ? { ca: access.ca, cert: access.cert, key: access.key, rejectUnauthorized: !access.insecure } : {}),
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 502, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}
