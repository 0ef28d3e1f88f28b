// POST /catalog/sync: fetch every provider's offers and regions and the ArtifactHub packages, and
// hand each snapshot to its upsert RPC. Sources are independent: one failing is reported in the
// result and does not stop the others.
import { db } from '../_shared/db.ts'
import { env } from '../_shared/env.ts'
import { open, type SealedSecret } from '../_shared/secrets.ts'
import { fetchPackages } from './providers/artifacthub.ts'
import { PROVIDER_ADAPTERS } from './providers/index.ts'
import { type ProviderAdapter, UpstreamError } from './providers/types.ts'

/** Environment variable prefix per provider: DIGITALOCEAN_TOKEN, DIGITALOCEAN_API_URL, ... */
const ENV_PREFIX: Record<string, string> = { digitalocean: 'DIGITALOCEAN', hetzner: 'HETZNER', vultr: 'VULTR', linode: 'LINODE' }

export interface SourceResult {
  source: string
  ok: boolean
  result?: Record<string, unknown>
  error?: { code: string; message: string; status?: number }
}

/** A provider's API token: its env variable, else the sealed credentials stored in cloud.providers. */
async function providerToken(provider: string): Promise<string | undefined> {
  const fromEnv = env(`${ENV_PREFIX[provider]}_TOKEN`)
  if (fromEnv) return fromEnv
  const [row] = await db()<{ provider_credentials: SealedSecret | null }[]>`
    select provider_credentials from cloud.providers where provider = ${provider}`
  if (!row?.provider_credentials) return undefined
  return (await open<{ token?: string }>(row.provider_credentials)).token
}

function failure(source: string, error: unknown): SourceResult {
  const e = error as Error
  const status = error instanceof UpstreamError ? error.status : undefined
  console.error(JSON.stringify({ level: 'error', source, message: e.message, status }))
  return { source, ok: false, error: { code: status ? 'upstream_error' : 'sync_failed', message: e.message, status } }
}

async function syncProvider(adapter: ProviderAdapter): Promise<SourceResult> {
  try {
    const snapshot = await adapter.fetchSnapshot({
      baseUrl: env(`${ENV_PREFIX[adapter.provider]}_API_URL`) ?? adapter.defaultBaseUrl,
      token: await providerToken(adapter.provider),
      fetch,
    })
    const sql = db()
    const [{ result }] = await sql`
      select cloud.sync_provider_snapshot(${adapter.provider}, ${sql.json({ ...snapshot, fetched_at: new Date().toISOString() } as never)}) as result`
    return { source: adapter.provider, ok: true, result }
  } catch (error) {
    return failure(adapter.provider, error)
  }
}

async function syncPackages(): Promise<SourceResult> {
  try {
    const snapshot = await fetchPackages({
      baseUrl: env('ARTIFACTHUB_API_URL') ?? 'https://artifacthub.io',
      fetch,
      maxPackages: Number(env('ARTIFACTHUB_MAX_PACKAGES') ?? 20_000),
    })
    const sql = db()
    const [{ result }] = await sql`select cloud.sync_packages(${sql.json(snapshot as never)}) as result`
    return { source: 'artifacthub', ok: true, result }
  } catch (error) {
    return failure('artifacthub', error)
  }
}

export async function runCatalogSync(options: { providers?: string[]; packages: boolean }): Promise<SourceResult[]> {
  const adapters = PROVIDER_ADAPTERS.filter((a) => !options.providers || options.providers.includes(a.provider))
  const jobs = adapters.map((a) => syncProvider(a))
  if (options.packages) jobs.push(syncPackages())
  return await Promise.all(jobs)
}
