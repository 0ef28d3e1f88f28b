// Currency rates on the scheduler: the sync reads the ECB reference rates (Frankfurter, loopback),
// writes only changed rates, converts prices with the latest one, and a failing rates source
// changes nothing and stops nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { app } from '../../functions/catalog/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { signRoleKey } from '../../stack/keys.ts'
import { startProviderApis, type ProviderApis } from '../support/provider-apis.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const SECRET = 'rates-test-secret-with-at-least-32-characters'
let db: TestDatabase
let apis: ProviderApis
let serviceKey: string

interface Source {
  source: string
  ok: boolean
  result?: Record<string, unknown>
  error?: { code: string; status?: number }
}

async function sync(body: Record<string, unknown>) {
  const res = await app.request('/catalog/sync', { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${serviceKey}` } })
  expect(res.status).toBe(200)
  return (await res.json()) as { ok: boolean; sources: Source[] }
}

const rates = async () =>
  (await db.sql.query<{ currency: string; per_usd: number; rate_date: string | null; updated_at: string }>(
    `select currency, per_usd::float as per_usd, rate_date::text, updated_at::text from cloud.currency_rates order by currency`)).rows

/** The body the scheduled rates job posts (from private.scheduled_functions, as the scheduler reads it). */
async function scheduledBody() {
  const { rows } = await db.sql.query<{ function_name: string; body: Record<string, unknown>; schedule: string }>(
    `select function_name, body, schedule from private.scheduled_functions where name = 'catalog-currency-rates'`)
  return rows[0]
}

beforeAll(async () => {
  db = await startTestDatabase()
  apis = await startProviderApis()
  process.env.SUPABASE_DB_URL = db.url
  process.env.JWT_SECRET = SECRET
  process.env.CURRENCY_RATES_API_URL = apis.baseUrls.frankfurter
  process.env.LINODE_API_URL = apis.baseUrls.linode
  serviceKey = await signRoleKey('service_role', SECRET)
})
afterAll(async () => {
  await closeDb()
  await apis.close()
  await db.stop()
})

describe('currency rates', () => {
  it('the scheduled job refreshes the rates alone, and prices convert with the latest rate', async () => {
    const job = await scheduledBody()
    expect(job).toMatchObject({ function_name: 'catalog/sync', schedule: '30 16 * * 1-5' })
    const eurBefore = (await db.sql.query<{ price: number }>(`select price_monthly::float as price from cloud.compare_prices('H100', 8, target_currency => 'EUR') order by price_monthly limit 1`)).rows[0].price

    const run = await sync(job.body)
    expect(run.ok).toBe(true)
    expect(run.sources.map((s) => s.source)).toEqual(['currency_rates']) // no provider, no packages
    expect(run.sources[0].result).toMatchObject({ currencies: 6, updated: 6, rate_date: '2026-11-30' })
    expect(apis.requests.map((r) => r.path)).toEqual(['/v1/latest?base=USD'])

    const after = await rates()
    expect(after.find((r) => r.currency === 'EUR')).toMatchObject({ per_usd: 0.8632, rate_date: '2026-11-30' })
    expect(after.find((r) => r.currency === 'JPY')).toMatchObject({ per_usd: 156.21 })
    expect(after.find((r) => r.currency === 'USD')).toMatchObject({ per_usd: 1 })

    // The same USD offer is now converted with 0.8632, not the seeded 0.92.
    const [{ usd }] = (await db.sql.query<{ usd: number }>(`select price_monthly::float as usd from cloud.compare_prices('H100', 8, target_currency => 'USD') order by price_monthly limit 1`)).rows
    const eurAfter = (await db.sql.query<{ price: number }>(`select price_monthly::float as price from cloud.compare_prices('H100', 8, target_currency => 'EUR') order by price_monthly limit 1`)).rows[0].price
    expect(eurAfter).not.toBe(eurBefore)
    expect(eurAfter).toBeCloseTo(usd * 0.8632, 2)
  })

  it('writes nothing when the rates did not change, and only the changed rate when one did', async () => {
    const before = await rates()
    const again = await sync({ providers: [], packages: false })
    expect(again.sources[0].result).toMatchObject({ updated: 0 })
    expect(await rates()).toEqual(before)

    apis.mutate((d) => {
      d.frankfurter.latest = { ...d.frankfurter.latest, date: '2026-12-01', rates: { ...d.frankfurter.latest.rates, EUR: 0.8701 } }
    })
    const changed = await sync({ providers: [], packages: false })
    expect(changed.sources[0].result).toMatchObject({ updated: 1 })
    const after = await rates()
    expect(after.filter((r, i) => JSON.stringify(r) !== JSON.stringify(before[i])).map((r) => r.currency)).toEqual(['EUR'])
    expect(after.find((r) => r.currency === 'EUR')).toMatchObject({ per_usd: 0.8701, rate_date: '2026-12-01' })
  })

  it('a failing rates source is reported, changes no rate and does not stop the providers', async () => {
    const before = await rates()
    apis.setFailure('frankfurter', 502)
    try {
      const run = await sync({ providers: ['linode'], packages: false })
      const byName = Object.fromEntries(run.sources.map((s) => [s.source, s]))
      expect(run.ok).toBe(false)
      expect(byName.currency_rates).toMatchObject({ ok: false, error: { code: 'upstream_error', status: 502 } })
      expect(byName.linode.ok).toBe(true)
      expect(await rates()).toEqual(before)
    } finally {
      apis.setFailure('frankfurter', undefined)
    }
  })
})
