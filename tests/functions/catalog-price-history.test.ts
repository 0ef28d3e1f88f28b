// Price history through the gateway with supabase-js, as an app reads it: the sync path
// (cloud.sync_provider_snapshot) appends a row only when an offer's price changes, anyone reads it
// with the two RPCs or the table, and no client can write it.
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningStack } from '../../stack/stack.ts'
import type { Database } from '../../types/database.ts'
import { anonClient, signedInClient } from '../support/gateway-clients.ts'
import { startTestStack } from '../support/test-stack.ts'

let stack: RunningStack
let anon: SupabaseClient<Database>

const offer = (id: string, monthly: number, hourly: number, extra: Record<string, unknown> = {}) => ({
  instance_id: id, name: id, instance_type: 'gpu', cpu_cores: 32, memory_gb: 256, memory_mb: 262144, gpu_count: 4,
  gpu_model: 'Chrono Z7', gpu_manufacturer: 'NVIDIA', price_monthly: monthly, price_hourly: hourly, price_currency: 'USD',
  regions: ['hist-fra'], raw_data: { id }, ...extra,
})

/** One sync as the function runs it (the snapshot RPC, fetched at `day`), for a provider of its own:
 * a partial snapshot of a real provider would mark its other offers unavailable. */
async function syncAt(day: string, instances: Record<string, unknown>[]) {
  const snapshot = {
    regions: [{ region_id: 'hist-fra', city: 'Frankfurt', country: 'Germany', continent: 'Europe', status: 'available', extra_info: {} }],
    instances,
    fetched_at: `${day}T06:00:00Z`,
  }
  const [{ result }] = await stack.db.query<{ result: Record<string, number> }>(
    `select cloud.sync_provider_snapshot('histcloud', $1::text::jsonb) as result`, [JSON.stringify(snapshot)])
  return result
}

const historyRows = async () =>
  (await stack.db.query<{ n: number }>(
    `select count(*)::int as n from cloud.price_history h join cloud.instances i on i.id = h.offer_id where i.provider = 'histcloud'`))[0].n

beforeAll(async () => {
  stack = await startTestStack()
  anon = anonClient(stack)
})
afterAll(async () => {
  await stack?.stop()
})

describe('price history', () => {
  it('is appended by the sync only when a price changes, and read by anyone with supabase-js', async () => {
    await syncAt('2026-04-01', [offer('hist-a', 2000, 2.8), offer('hist-b', 2400, 3.3)])
    expect(await historyRows()).toBe(2)
    // Unchanged re-sync: no history row (and no offer write).
    expect(await syncAt('2026-04-02', [offer('hist-a', 2000, 2.8), offer('hist-b', 2400, 3.3)])).toMatchObject({ updated: 0 })
    expect(await historyRows()).toBe(2)
    // hist-b drops below hist-a on the 3rd; hist-a raises its price on the 4th and vanishes on the 5th.
    await syncAt('2026-04-03', [offer('hist-a', 2000, 2.8), offer('hist-b', 1800, 2.5)])
    await syncAt('2026-04-04', [offer('hist-a', 2100, 2.9), offer('hist-b', 1800, 2.5, { description: 'specs only' })])
    expect(await historyRows()).toBe(4) // the description change wrote the offer, not its history
    await syncAt('2026-04-05', [offer('hist-b', 1800, 2.5, { description: 'specs only' })])
    expect(await historyRows()).toBe(5)

    const [{ id }] = await stack.db.query<{ id: string }>(`select id from cloud.instances where provider = 'histcloud' and instance_id = 'hist-a'`)
    const one = await anon.schema('cloud').rpc('offer_price_history', { offer_id: id })
    expect(one.error).toBeNull()
    expect(one.data!.map((r) => [r.recorded_at.slice(0, 10), r.price_monthly === null ? null : Number(r.price_monthly), r.available])).toEqual([
      ['2026-04-01', 2000, true],
      ['2026-04-04', 2100, true],
      ['2026-04-05', null, false],
    ])

    const days = await anon.schema('cloud').rpc('cheapest_price_history', {
      gpu_model_filter: 'chrono z7', gpu_count_filter: 4, continent_filter: 'europe', since: '2026-03-31', until: '2026-04-06',
    })
    expect(days.error).toBeNull()
    expect(days.data!.map((d) => [d.day, Number(d.price_monthly), d.instance_id, d.currency])).toEqual([
      ['2026-04-01', 2000, 'hist-a', 'USD'],
      ['2026-04-02', 2000, 'hist-a', 'USD'],
      ['2026-04-03', 1800, 'hist-b', 'USD'],
      ['2026-04-04', 1800, 'hist-b', 'USD'],
      ['2026-04-05', 1800, 'hist-b', 'USD'],
      ['2026-04-06', 1800, 'hist-b', 'USD'],
    ])
    const elsewhere = await anon.schema('cloud').rpc('cheapest_price_history', { gpu_model_filter: 'Chrono Z7', continent_filter: 'Asia' })
    expect(elsewhere.data).toEqual([])

    const table = await anon.schema('cloud').from('price_history').select('offer_id, price_monthly').eq('offer_id', id)
    expect(table.error).toBeNull()
    expect(table.data).toHaveLength(3)
  })

  it('answers an unknown currency with 400, and refuses client writes', async () => {
    const bad = await anon.schema('cloud').rpc('cheapest_price_history', { gpu_model_filter: 'Chrono Z7', target_currency: 'XYZ' })
    expect(bad.status).toBe(400)
    expect(bad.error?.code).toBe('22023')
    const [{ id }] = await stack.db.query<{ id: string }>(`select id from cloud.instances where provider = 'histcloud' and instance_id = 'hist-b'`)
    const user = await signedInClient(stack, 'history-writer@example.test')
    for (const client of [anon, user]) {
      const insert = await client.schema('cloud').from('price_history')
        .insert({ offer_id: id, price_monthly: 1, price_currency: 'USD', available: true, recorded_at: '2026-04-06T00:00:00Z' })
      expect(insert.error?.code).toBe('42501')
      await client.schema('cloud').from('price_history').delete().eq('offer_id', id)
    }
    expect(await historyRows()).toBe(5)
  })
})
