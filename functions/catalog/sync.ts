// POST /catalog/sync: fetch the currency rates, every provider's offers and regions and the
// ArtifactHub packages, and hand each snapshot to its upsert RPC. Sources are independent: one failing is reported in the
// result and does not stop the others.
import { db } from '../_shared/db.ts'
import { env, notConfigured } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { open, type SealedSecret } from '../_shared/secrets.ts'
import { fetchPackages } from './providers/artifacthub.ts'
import { PROVIDER_ADAPTERS } from './providers/index.ts'
import { RATES_BASE_URL, fetchUsdRates } from './rates.ts'
import { type ProviderAdapter, UpstreamError } from './providers/types.ts'

interface ProviderSettings {
  token?: string
  apiUrl?: string
  tokenName: string
  tokenRequired: boolean
}

/** Each provider's settings, read by literal name: its API token or key (DigitalOcean, Hetzner,
 * Vultr, GCP, Lambda and RunPod need one; Linode's lists and Azure's retail prices are public) and its
 * API endpoint. */
const PROVIDER_ENV: Record<string, () => ProviderSettings> = {
  digitalocean: () => ({ token: env('DIGITALOCEAN_TOKEN'), apiUrl: env('DIGITALOCEAN_API_URL'), tokenName: 'DIGITALOCEAN_TOKEN', tokenRequired: true }),
  hetzner: () => ({ token: env('HETZNER_TOKEN'), apiUrl: env('HETZNER_API_URL'), tokenName: 'HETZNER_TOKEN', tokenRequired: true }),
  vultr: () => ({ token: env('VULTR_TOKEN'), apiUrl: env('VULTR_API_URL'), tokenName: 'VULTR_TOKEN', tokenRequired: true }),
  linode: () => ({ token: env('LINODE_TOKEN'), apiUrl: env('LINODE_API_URL'), tokenName: 'LINODE_TOKEN', tokenRequired: false }),
  azure: () => ({ apiUrl: env('AZURE_PRICES_API_URL'), tokenName: 'none', tokenRequired: false }),
  gcp: () => ({ token: env('GCP_API_KEY'), apiUrl: env('GCP_BILLING_API_URL'), tokenName: 'GCP_API_KEY', tokenRequired: true }),
  lambdalabs: () => ({ token: env('LAMBDA_API_KEY'), apiUrl: env('LAMBDA_API_URL'), tokenName: 'LAMBDA_API_KEY', tokenRequired: true }),
  runpod: () => ({ token: env('RUNPOD_API_KEY'), apiUrl: env('RUNPOD_API_URL'), tokenName: 'RUNPOD_API_KEY', tokenRequired: true }),
  aws: () => ({ apiUrl: env('AWS_PRICING_API_URL'), tokenName: 'none', tokenRequired: false }),
}

/**
 * The sources are fetched concurrently, but their database work runs one at a time: each snapshot is
 * one long transaction, and nine of them at once would hold nine connections (and, on a single-
 * connection database such as the local PGlite, queue past the connect timeout).
 */
let databaseTurn: Promise<unknown> = Promise.resolve()
function inTurn<T>(work: () => Promise<T>): Promise<T> {
  const run = databaseTurn.then(work, work)
  databaseTurn = run.catch(() => undefined)
  return run
}

export interface SourceResult {
  source: string
  ok: boolean
  result?: Record<string, unknown>
  error?: { code: string; message: string; status?: number }
}

/**
 * A provider's API token: its env variable, else the sealed credentials stored in cloud.providers.
 * A provider that needs one and has neither is not configured: it is reported, and its API is not
 * called (an unauthenticated call would only be refused).
 */
async function providerToken(provider: string, settings: ProviderSettings): Promise<string | undefined> {
  if (settings.token) return settings.token
  const [row] = await inTurn(() => db()<{ provider_credentials: SealedSecret | null }[]>`
    select provider_credentials from cloud.providers where provider = ${provider}`)
  const sealed = row?.provider_credentials ? (await open<{ token?: string }>(row.provider_credentials)).token : undefined
  if (!sealed && settings.tokenRequired) {
    throw notConfigured(`${provider}_not_configured`, `${settings.tokenName} is not set and cloud.providers has no sealed token for ${provider}`)
  }
  return sealed
}

function failure(source: string, error: unknown): SourceResult {
  const e = error as Error
  // Missing configuration keeps its stable code (e.g. hetzner_not_configured).
  if (error instanceof ApiError) return { source, ok: false, error: { code: error.code, message: error.message } }
  const status = error instanceof UpstreamError ? error.status : undefined
  console.error(JSON.stringify({ level: 'error', source, message: e.message, status }))
  return { source, ok: false, error: { code: status ? 'upstream_error' : 'sync_failed', message: e.message, status } }
}

async function syncProvider(adapter: ProviderAdapter): Promise<SourceResult> {
  try {
    const settings = PROVIDER_ENV[adapter.provider]()
    const snapshot = await adapter.fetchSnapshot({
      baseUrl: settings.apiUrl ?? adapter.defaultBaseUrl,
      token: await providerToken(adapter.provider, settings),
      fetch,
    })
    const sql = db()
    const fetchedAt = new Date().toISOString()
    const [{ result }] = await inTurn(() => sql`
      select cloud.sync_provider_snapshot(${adapter.provider}, ${sql.json({ ...snapshot, fetched_at: fetchedAt } as never)}) as result`)
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
    const [{ result }] = await inTurn(() => sql`select cloud.sync_packages(${sql.json(snapshot as never)}) as result`)
    return { source: 'artifacthub', ok: true, result }
  } catch (error) {
    return failure('artifacthub', error)
  }
}

/** The currency rates (every sync, and alone when no provider and no packages are asked for). */
async function syncRates(): Promise<SourceResult> {
  try {
    const { date, rates } = await fetchUsdRates({ baseUrl: env('CURRENCY_RATES_API_URL') ?? RATES_BASE_URL, fetch })
    const sql = db()
    const [{ result }] = await inTurn(() => sql`select cloud.sync_currency_rates(${sql.json(rates as never)}, ${date}::date) as result`)
    return { source: 'currency_rates', ok: true, result }
  } catch (error) {
    return failure('currency_rates', error)
  }
}

export async function runCatalogSync(options: { providers?: string[]; packages: boolean }): Promise<SourceResult[]> {
  const adapters = PROVIDER_ADAPTERS.filter((a) => !options.providers || options.providers.includes(a.provider))
  const jobs = [syncRates(), ...adapters.map((a) => syncProvider(a))]
  if (options.packages) jobs.push(syncPackages())
  return await Promise.all(jobs)
}
