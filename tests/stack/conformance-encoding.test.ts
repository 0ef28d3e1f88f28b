// Values as hosted PostgREST encodes them: it answers with PostgreSQL's own JSON encoding of each
// row, so numeric and bigint arrive as JSON numbers and timestamps as ISO 8601 with a colon in the
// offset ("2026-12-01T19:15:29.672+00:00"). Every expectation here is `to_json(...)` of the same
// values on the same database, never a hard-coded string: top-level columns, embedded resources,
// set-returning and scalar RPC results, and the rows of `Prefer: return=representation`; and, below
// the REST layer, every type the gateway decodes itself, arrays, infinities and BC dates included.
import { randomUUID } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningStack } from '../../stack/stack.ts'
import type { Database } from '../../types/database.ts'
import { Recorder, startConformanceStack } from './conformance-clients.ts'

let stack: RunningStack
const recorder = new Recorder()
let anon: SupabaseClient<Database>
let service: SupabaseClient<Database>
let user: SupabaseClient<Database>
let userId: string

beforeAll(async () => {
  ;({ stack, anon, service, user, userId } = await startConformanceStack('conformance-encoding@example.test', recorder.fetch))
})
afterAll(async () => {
  await stack?.stop()
})

/** The rows of `select to_json(t) from (<sql>) t`, decoded: what PostgREST would answer. */
async function toJsonRows(sql: string, params: unknown[] = []): Promise<unknown[]> {
  const rows = await stack.db.query<{ j: string }>(`select to_json(t)::text as j from (${sql}) t`, params)
  return rows.map((r) => JSON.parse(r.j))
}

describe('top-level columns', () => {
  it('numeric, integer, timestamptz and jsonb columns of cloud.instances as to_json gives them', async () => {
    const columns = 'id, price_hourly, price_monthly, memory_gb, transfer_tb, cpu_cores, gpu_count, created_at, updated_at, data_source_timestamp, regions'
    const { data, error } = await anon.schema('cloud').from('instances').select(columns).order('id')
    expect(error).toBeNull()
    expect(data).toEqual(await toJsonRows(`select ${columns} from cloud.instances order by id`))
    const first = data![0] as unknown as Record<string, unknown>
    expect(typeof first.price_hourly).toBe('number')
    expect(first.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/)
  })

  it('bigint and char columns of billing.credit_ledger, read by their owner', async () => {
    const entry = await service.schema('billing').rpc('add_credit_entry', {
      target_user: userId,
      entry_kind: 'purchase',
      amount: 2500,
      key: `conformance-${randomUUID()}`,
      entry_source: 'admin',
    })
    expect(entry.error).toBeNull()
    // A scalar RPC result: bigint as a JSON number.
    const [{ id }] = (await toJsonRows('select id from billing.credit_ledger where user_id = $1', [userId])) as { id: unknown }[]
    expect(entry.data).toEqual(id)
    expect(typeof entry.data).toBe('number')

    const { data, error } = await user.schema('billing').from('credit_ledger').select('id, amount_cents, currency, created_at, reference')
    expect(error).toBeNull()
    expect(data).toEqual(await toJsonRows('select id, amount_cents, currency, created_at, reference from billing.credit_ledger where user_id = $1', [userId]))
  })
})

describe('embedded resources', () => {
  it('an embedded row carries the same encoding as a top-level one', async () => {
    const { data, error } = await anon.schema('cloud').from('regions').select('id, providers(provider, created_at)').eq('provider', 'aws').limit(1).single()
    expect(error).toBeNull()
    const [provider] = await toJsonRows(`select provider, created_at from cloud.providers where provider = 'aws'`)
    expect(data!.providers).toEqual(provider)
    const top = await anon.schema('cloud').from('providers').select('provider, created_at').eq('provider', 'aws').single()
    expect(top.data).toEqual(provider)
  })
})

describe('RPC results', () => {
  it('a set-returning function (cloud.compare_prices: numeric, text[]) as to_json gives its rows', async () => {
    const { data, error } = await anon.schema('cloud').rpc('compare_prices', { match_count: 20 })
    expect(error).toBeNull()
    expect(data!.length).toBeGreaterThan(1)
    expect(data).toEqual(await toJsonRows('select * from cloud.compare_prices(match_count => 20)'))
  })

  it('a table function with bigint counts and a timestamptz (agents.get_agent_stats)', async () => {
    const agent = await user
      .schema('agents')
      .from('agents')
      .insert({ name: 'Encoder', subdomain: 'encoder-conformance', repo_owner: 'octo', repo_name: 'encoder', github_url: 'https://github.com/octo/encoder' })
      .select('id')
      .single()
    expect(agent.error).toBeNull()
    await stack.db.query(
      `insert into agents.deployments (agent_id, status, started_at, completed_at) values ($1, 'success', '2026-11-30 10:11:12.345678+00', '2026-11-30 10:12:00+00')`,
      [agent.data!.id],
    )
    const { data, error } = await user.schema('agents').rpc('get_agent_stats', { agent_uuid: agent.data!.id })
    expect(error).toBeNull()
    expect(data).toEqual(await toJsonRows('select * from agents.get_agent_stats($1)', [agent.data!.id]))
    expect(data![0].last_deployment_at).toBe('2026-11-30T10:11:12.345678+00:00')
  })
})

describe('Prefer: return=representation', () => {
  it('an insert and an update return timestamps and numbers as to_json gives them', async () => {
    const ins = await user.schema('studio').from('projects').insert({ name: 'Encoded' }).select('id, version, created_at, updated_at, settings').single()
    expect(ins.error).toBeNull()
    const [stored] = await toJsonRows('select id, version, created_at, updated_at, settings from studio.projects where id = $1', [ins.data!.id])
    expect(ins.data).toEqual(stored)

    const upd = await user.schema('studio').from('projects').update({ name: 'Encoded again' }).eq('id', ins.data!.id).select('id, version, updated_at').single()
    expect(upd.error).toBeNull()
    expect(upd.data).toEqual((await toJsonRows('select id, version, updated_at from studio.projects where id = $1', [ins.data!.id]))[0])
  })
})

describe('every type the gateway decodes, against to_json on the same database', () => {
  // Decoded by the gateway's own postgres.js client, then serialized to JSON as the REST layer does.
  const literals = [
    `'0.016300'::numeric`, `'-1e-30'::numeric`, `'NaN'::numeric`, `'Infinity'::numeric`, `'12345678901234.5678'::numeric`,
    `'9007199254740991'::int8`, `'-42'::int8`, `'0.1'::float4`, `'1e300'::float8`, `'NaN'::float8`, `'-Infinity'::float8`,
    `'2026-12-01 19:15:29.672+00'::timestamptz`, `'2026-12-01 19:15:29.123456+05:30'::timestamptz`, `'infinity'::timestamptz`,
    `'-infinity'::timestamptz`, `'0044-03-15 12:00:00+00 BC'::timestamptz`, `'1800-01-01 00:00:00+00'::timestamptz`,
    `'2026-12-01 19:15:29.5'::timestamp`, `'0044-03-15 12:00:00 BC'::timestamp`, `'infinity'::timestamp`,
    `'2026-12-01'::date`, `'0044-03-15 BC'::date`, `'-infinity'::date`,
    `'19:15:29.672'::time`, `'24:00'::time`, `'19:15:29+05:30'::timetz`, `'19:15:29-03:25:12'::timetz`,
    `array['0.5', '1.50', null]::numeric[]`, `array[1, 2]::int8[]`, `'{}'::numeric[]`,
    `array['2026-12-01 19:15:29.672+00', 'infinity', null]::timestamptz[]`, `array['2026-12-01 19:15:29', null]::timestamp[]`,
    `array['2026-12-01', '0044-03-15 BC', null]::date[]`, `array['19:15:29', null]::time[]`, `array['19:15:29+01', null]::timetz[]`,
    `array[array[1.5, null], array[2, 3]]::numeric[]`, `array[null, 1e300, 'NaN']::float8[]`, `array[null, 7]::int8[]`,
  ]

  it.each(literals)('%s', async (literal) => {
    const driver = stack.gateway.connection.driver
    // In the session time zone of the timestamptz literal with an offset, so that the +05:30 case
    // checks an offset other than UTC's.
    const zone = literal.includes('+05:30') && literal.includes('timestamptz') ? 'Asia/Kolkata' : 'UTC'
    const [row] = await driver.begin(async (sql) => {
      await sql.unsafe(`set local timezone = '${zone}'`)
      return await sql.unsafe(`select (${literal}) as v, to_json(${literal})::text as j`)
    })
    expect(JSON.parse(JSON.stringify(row.v, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)))).toEqual(JSON.parse(row.j))
  })
})

describe('the whole file', () => {
  it('answered no request with a 5xx', () => {
    expect(recorder.serverErrors()).toEqual([])
  })
})
