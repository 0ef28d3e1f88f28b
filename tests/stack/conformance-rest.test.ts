// supabase-js against /rest/v1 of the local gateway, asserting what hosted PostgREST documents:
// filters, embedding, exact counts with Content-Range, ranges, singular responses, upserts, writes
// with returning, RPC by POST and GET, schema switching, and errors with PostgREST's status codes
// and body ({code, details, hint, message}). Expected rows come from SQL on the same database.
// No request in this file may answer 5xx: each of them is a client's request or a correct one.
import { randomUUID } from 'node:crypto'
import { inspect } from 'node:util'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { postgrestStatus, toPostgrestError } from '../../stack/postgrest-errors.ts'
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
  ;({ stack, anon, service, user, userId } = await startConformanceStack('conformance-rest@example.test', recorder.fetch))
})
afterAll(async () => {
  await stack?.stop()
})

const ids = async (where: string, params: unknown[] = []) =>
  (await stack.db.query<{ id: string }>(`select id from cloud.instances where ${where} order by id`, params)).map((r) => r.id)
const idsOf = (rows: { id: string }[] | null) => (rows ?? []).map((r) => r.id)
const instances = () => anon.schema('cloud').from('instances')

describe('filters', () => {
  it('eq, neq and in', async () => {
    const eq = await instances().select('id').eq('provider', 'hetzner').order('id')
    expect(eq.error).toBeNull()
    expect(idsOf(eq.data)).toEqual(await ids(`provider = 'hetzner'`))
    expect(eq.data!.length).toBeGreaterThan(0)

    const neq = await instances().select('id').neq('provider', 'hetzner').order('id')
    expect(idsOf(neq.data)).toEqual(await ids(`provider <> 'hetzner'`))

    const within = await instances().select('id').in('provider', ['aws', 'vultr']).order('id')
    expect(idsOf(within.data)).toEqual(await ids(`provider in ('aws', 'vultr')`))
    expect(within.data!.length).toBeGreaterThan(0)
  })

  it('ilike (case-insensitive pattern) and like', async () => {
    const ilike = await instances().select('id').ilike('name', '%HETZNER%').order('id')
    expect(idsOf(ilike.data)).toEqual(await ids(`name ilike '%HETZNER%'`))
    expect(ilike.data!.length).toBeGreaterThan(0)
    const like = await instances().select('id').like('name', '%HETZNER%')
    expect(like.data).toEqual([])
  })

  it('is null, not is null', async () => {
    const isNull = await instances().select('id').is('gpu_model', null).order('id')
    expect(idsOf(isNull.data)).toEqual(await ids('gpu_model is null'))
    const notNull = await instances().select('id').not('gpu_model', 'is', null).order('id')
    expect(idsOf(notNull.data)).toEqual(await ids('gpu_model is not null'))
    expect(isNull.data!.length + notNull.data!.length).toBe((await ids('true')).length)
  })

  it('or, and comparisons on numbers (gt, gte, lt, lte)', async () => {
    const or = await instances().select('id').or('gpu_count.gt.0,price_hourly.lt.0.005').order('id')
    expect(idsOf(or.data)).toEqual(await ids('gpu_count > 0 or price_hourly < 0.005'))
    expect(or.data!.length).toBeGreaterThan(0)

    const band = await instances().select('id').gte('price_monthly', 10).lt('price_monthly', 100).order('id')
    expect(idsOf(band.data)).toEqual(await ids('price_monthly >= 10 and price_monthly < 100'))
    const upTo = await instances().select('id').lte('memory_gb', 2).gt('cpu_cores', 0).order('id')
    expect(idsOf(upTo.data)).toEqual(await ids('memory_gb <= 2 and cpu_cores > 0'))
  })

  it('array operators: contains and overlaps (studio.contexts.tags)', async () => {
    const made = await user
      .schema('studio')
      .from('contexts')
      .insert([
        { name: 'a', tags: ['infra', 'aws'] },
        { name: 'b', tags: ['infra', 'gcp'] },
        { name: 'c', tags: ['ml'] },
      ])
      .select('name')
    expect(made.error).toBeNull()
    const contains = await user.schema('studio').from('contexts').select('name').contains('tags', ['infra', 'aws'])
    expect(contains.data).toEqual([{ name: 'a' }])
    const overlaps = await user.schema('studio').from('contexts').select('name').overlaps('tags', ['gcp', 'ml']).order('name')
    expect(overlaps.data).toEqual([{ name: 'b' }, { name: 'c' }])
  })
})

describe('embedding', () => {
  it('many-to-one: each instance embeds its provider', async () => {
    const { data, error } = await instances().select('id, provider, providers(provider)').eq('provider', 'aws').limit(3)
    expect(error).toBeNull()
    expect(data!.length).toBeGreaterThan(0)
    for (const row of data!) expect(row.providers).toEqual({ provider: 'aws' })
  })

  it('one-to-many: a provider embeds its regions; !inner filters the parents by the children', async () => {
    const { data, error } = await anon.schema('cloud').from('providers').select('provider, regions(region_id)').eq('provider', 'hetzner').single()
    expect(error).toBeNull()
    const regions = await stack.db.query<{ region_id: string }>(`select region_id from cloud.regions where provider = 'hetzner' order by region_id`)
    expect(data!.regions.map((r) => r.region_id).sort()).toEqual(regions.map((r) => r.region_id))

    const [{ country }] = await stack.db.query<{ country: string }>(`select country from cloud.regions where provider = 'hetzner' limit 1`)
    const inner = await anon.schema('cloud').from('providers').select('provider, regions!inner(country)').eq('regions.country', country).order('provider')
    expect(inner.error).toBeNull()
    const expected = await stack.db.query<{ provider: string }>(`select distinct provider from cloud.regions where country = $1 order by provider`, [country])
    expect(inner.data!.map((p) => p.provider)).toEqual(expected.map((p) => p.provider))
    for (const p of inner.data!) for (const r of p.regions) expect(r.country).toBe(country)
  })
})

describe('counts and ranges', () => {
  it('count: exact with a range answers 206 and Content-Range first-last/total', async () => {
    const all = await ids('true')
    const { data, count, error, status } = await instances().select('id', { count: 'exact' }).order('id').range(2, 6)
    expect(error).toBeNull()
    expect(count).toBe(all.length)
    expect(idsOf(data)).toEqual(all.slice(2, 7))
    expect(status).toBe(206)

    const res = await fetch(`${stack.status.REST_URL}/instances?select=id&order=id&offset=2&limit=5`, {
      headers: { apikey: stack.status.ANON_KEY, 'accept-profile': 'cloud', prefer: 'count=exact' },
    })
    expect(res.headers.get('content-range')).toBe(`2-6/${all.length}`)
  })

  it('count: exact with head: true returns no rows; limit caps the rows', async () => {
    const head = await instances().select('id', { count: 'exact', head: true }).eq('provider', 'aws')
    expect(head.error).toBeNull()
    expect(head.data).toBeNull()
    expect(head.count).toBe((await ids(`provider = 'aws'`)).length)
    const limited = await instances().select('id').order('id').limit(3)
    expect(idsOf(limited.data)).toEqual((await ids('true')).slice(0, 3))
  })
})

describe('singular responses', () => {
  it('single() returns the object; no row is 406 PGRST116', async () => {
    const [id] = await ids('true')
    const one = await instances().select('id').eq('id', id).single()
    expect(one.data).toEqual({ id })
    const none = await instances().select('id').eq('id', randomUUID()).single()
    expect(none.status).toBe(406)
    expect(none.error?.code).toBe('PGRST116')
    expect(none.data).toBeNull()
  })

  it('maybeSingle(): no row is null without an error; several rows are 406 PGRST116', async () => {
    const none = await instances().select('id').eq('id', randomUUID()).maybeSingle()
    expect(none.error).toBeNull()
    expect(none.data).toBeNull()
    const many = await instances().select('id').eq('provider', 'aws').maybeSingle()
    expect(many.status).toBe(406)
    expect(many.error?.code).toBe('PGRST116')
  })
})

describe('writes with returning (a user on studio.contexts)', () => {
  it('insert, update and delete return the rows they wrote; the database agrees', async () => {
    const ins = await user.schema('studio').from('contexts').insert({ name: 'Requirements', content: 'must scale', tags: ['req'] }).select('id, user_id, name, content, tags, type').single()
    expect(ins.error).toBeNull()
    expect(ins.status).toBe(201)
    expect(ins.data).toMatchObject({ user_id: userId, name: 'Requirements', content: 'must scale', tags: ['req'], type: 'text' })
    const id = ins.data!.id

    const upd = await user.schema('studio').from('contexts').update({ content: 'must scale to 10k rps' }).eq('id', id).select('id, content')
    expect(upd.error).toBeNull()
    expect(upd.data).toEqual([{ id, content: 'must scale to 10k rps' }])
    expect((await stack.db.query<{ content: string }>('select content from studio.contexts where id = $1', [id]))[0].content).toBe('must scale to 10k rps')

    const del = await user.schema('studio').from('contexts').delete().eq('id', id).select('id, name')
    expect(del.error).toBeNull()
    expect(del.data).toEqual([{ id, name: 'Requirements' }])
    expect(await stack.db.query('select 1 from studio.contexts where id = $1', [id])).toEqual([])
  })

  it('without select() a write returns no body (return=minimal)', async () => {
    const { data, error, status } = await user.schema('studio').from('contexts').insert({ name: 'quiet' })
    expect(error).toBeNull()
    expect(status).toBe(201)
    expect(data).toBeNull()
  })
})

describe('upsert (the service role on cloud.regions, unique (provider, region_id))', () => {
  const row = (city: string) => ({ provider: 'hetzner', region_id: 'conformance-1', city, country: 'Germany', continent: 'Europe' })

  it('inserts, then updates on conflict, then ignores a duplicate with ignoreDuplicates', async () => {
    const first = await service.schema('cloud').from('regions').upsert(row('Berlin'), { onConflict: 'provider,region_id' }).select('id, city')
    expect(first.error).toBeNull()
    expect(first.data).toHaveLength(1)
    const id = first.data![0].id

    const second = await service.schema('cloud').from('regions').upsert(row('Munich'), { onConflict: 'provider,region_id' }).select('id, city')
    expect(second.error).toBeNull()
    expect(second.data).toEqual([{ id, city: 'Munich' }])

    const ignored = await service.schema('cloud').from('regions').upsert(row('Hamburg'), { onConflict: 'provider,region_id', ignoreDuplicates: true }).select('id, city')
    expect(ignored.error).toBeNull()
    expect(ignored.data).toEqual([])
    const stored = await stack.db.query<{ city: string; n: number }>(`select min(city) as city, count(*)::int as n from cloud.regions where region_id = 'conformance-1'`)
    expect(stored[0]).toEqual({ city: 'Munich', n: 1 })
  })
})

describe('RPC', () => {
  it('by POST and by GET (stable function), with named arguments', async () => {
    const post = await anon.schema('cloud').rpc('compare_prices', { match_count: 2 })
    expect(post.error).toBeNull()
    expect(post.data).toHaveLength(2)
    const get = await anon.schema('cloud').rpc('compare_prices', { match_count: 2 }, { get: true })
    expect(get.error).toBeNull()
    expect(get.data).toEqual(post.data)
  })

  it('an unknown function is 404 PGRST202', async () => {
    const { error, status } = await anon.schema('cloud').rpc('no_such_function' as 'compare_prices', {})
    expect(status).toBe(404)
    expect(error?.code).toBe('PGRST202')
  })
})

describe('schema switching', () => {
  it('db: {schema} on the client and .schema() per query reach the same rows', async () => {
    const cloudClient = createClient<Database, 'cloud'>(stack.status.API_URL, stack.status.ANON_KEY, {
      db: { schema: 'cloud' },
      auth: { persistSession: false, autoRefreshToken: false },
      global: { fetch: recorder.fetch },
    })
    const viaOption = await cloudClient.from('providers').select('provider').order('provider')
    const viaSchema = await anon.schema('cloud').from('providers').select('provider').order('provider')
    expect(viaOption.error).toBeNull()
    expect(viaOption.data).toEqual(viaSchema.data)
    expect(viaOption.data!.length).toBeGreaterThan(0)
  })

  it('a schema that is not exposed is 406 PGRST106', async () => {
    const { error, status } = await anon.schema('private' as 'cloud').from('instances').select('id')
    expect(status).toBe(406)
    expect(error?.code).toBe('PGRST106')
  })
})

describe('errors: PostgreSQL error codes mapped to HTTP status as PostgREST documents', () => {
  it('CHECK violation: 400 23514 with the body {code, details, hint, message}', async () => {
    const { error, status } = await user.schema('studio').from('projects').insert({ name: '   ' })
    expect(status).toBe(400)
    expect(error?.code).toBe('23514')
    expect(error?.message).toContain('projects_name_check')

    const res = await fetch(`${stack.status.REST_URL}/instances?id=eq.${(await ids('true'))[0]}`, {
      method: 'PATCH',
      headers: { apikey: stack.status.SERVICE_ROLE_KEY, authorization: `Bearer ${stack.status.SERVICE_ROLE_KEY}`, 'content-profile': 'cloud', 'content-type': 'application/json' },
      body: JSON.stringify({ price_hourly: -1 }),
    })
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(Object.keys(body).sort()).toEqual(['code', 'details', 'hint', 'message'])
    expect(body).toMatchObject({ code: '23514', message: expect.stringContaining('instances_price_hourly_check'), hint: null })
  })

  it('NOT NULL violation: 400 23502', async () => {
    const { error, status } = await user.schema('studio').from('projects').insert({ name: null as unknown as string })
    expect(status).toBe(400)
    expect(error?.code).toBe('23502')
  })

  it('unique violation: 409 23505; foreign key violation: 409 23503', async () => {
    const [{ region_id }] = await stack.db.query<{ region_id: string }>(`select region_id from cloud.regions where provider = 'aws' limit 1`)
    const dup = await service.schema('cloud').from('regions').insert({ provider: 'aws', region_id })
    expect(dup.status).toBe(409)
    expect(dup.error?.code).toBe('23505')

    const fk = await service.schema('cloud').from('regions').insert({ provider: 'no-such-provider', region_id: 'x' })
    expect(fk.status).toBe(409)
    expect(fk.error?.code).toBe('23503')
  })

  it('invalid input syntax (a bad uuid): 400 22P02', async () => {
    const { error, status } = await instances().select('id').eq('id', 'not-a-uuid')
    expect(status).toBe(400)
    expect(error?.code).toBe('22P02')
  })

  it('insufficient privilege: 401 42501 for anon, 403 42501 for a signed-in user', async () => {
    const asAnon = await anon.schema('studio').from('projects').insert({ name: 'nope' })
    expect(asAnon.status).toBe(401)
    expect(asAnon.error?.code).toBe('42501')

    const asUser = await user.from('profiles').update({ is_admin: true }).eq('id', userId)
    expect(asUser.status).toBe(403)
    expect(asUser.error?.code).toBe('42501')
  })

  it('RAISE in a function: P0001 is 400, a PTnnn SQLSTATE is status nnn; message and hint come through', async () => {
    const p0001 = await service.schema('agents').rpc('apply_deployment_event', {
      event_id: `conformance-${randomUUID()}`,
      target_deployment: randomUUID(),
      target_job_id: null as unknown as string,
      new_status: 'deploying',
    })
    expect(p0001.status).toBe(400)
    expect(p0001.error).toMatchObject({ code: 'P0001', message: 'no such deployment', hint: 'not_found' })

    const pt404 = await user.schema('studio').rpc('clone_template', { template_id: randomUUID() })
    expect(pt404.status).toBe(404)
    expect(pt404.error).toMatchObject({ code: 'PT404', hint: 'template_not_found' })
  })

  it('an unknown table is 404 PGRST205', async () => {
    const { error, status } = await anon.schema('cloud').from('no_such_table' as 'instances').select('id')
    expect(status).toBe(404)
    expect(error?.code).toBe('PGRST205')
  })

  it('logs a client error as one line, without a stack trace', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const { status } = await user.schema('studio').from('projects').insert({ name: '' })
      expect(status).toBe(400)
      expect((await anon.schema('cloud').from('no_such_table' as 'instances').select('id')).status).toBe(404)
      expect((await anon.schema('studio').from('projects').insert({ name: 'nope' })).status).toBe(401)
      const lines = logged.mock.calls.map((args) => args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '))
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) {
        expect(line).not.toContain('\n')
        expect(line).not.toMatch(/\bat .*\(.*:\d+:\d+\)/)
      }
      const all = lines.join('\n')
      for (const code of ['23514', 'PGRST205', '42501']) expect(all).toContain(code)
    } finally {
      logged.mockRestore()
    }
  })
})

describe("the gateway's SQLSTATE mapping: PostgREST's table (docs.postgrest.org, Errors, HTTP Status Codes)", () => {
  const table: [string, number][] = [
    ['08006', 503], ['09000', 500], ['0L000', 403], ['0P000', 403], ['23503', 409], ['23505', 409], ['25006', 405],
    ['25P02', 500], ['28000', 403], ['2D000', 500], ['38000', 500], ['39000', 500], ['3B000', 500], ['40001', 500],
    ['53400', 500], ['53100', 503], ['54000', 500], ['55P03', 500], ['57014', 500], ['58030', 500], ['F0000', 500],
    ['HV000', 500], ['P0001', 400], ['P0002', 500], ['XX000', 500], ['42883', 404], ['42P01', 404], ['42P17', 500],
    ['23514', 400], ['23502', 400], ['22P02', 400], ['42601', 400],
  ]
  it.each(table)('%s -> %i', (sqlstate, status) => {
    expect(postgrestStatus(sqlstate)).toBe(status)
  })

  it('a server-side error (5xx) is still logged with its stack trace; a client one is not', () => {
    const serverSide = Object.assign(new Error('could not read block 7'), { code: 'XX001' })
    expect(inspect(toPostgrestError(serverSide))).toContain(serverSide.stack!.split('\n')[1].trim())
    const clientSide = Object.assign(new Error('value too long for type character varying(3)'), { code: '22001' })
    expect(inspect(toPostgrestError(clientSide))).toBe('[rest] 400 22001 value too long for type character varying(3)')
  })
})

describe('the whole file', () => {
  it('answered no request with a 5xx', () => {
    expect(recorder.exchanges.length).toBeGreaterThan(30)
    expect(recorder.serverErrors()).toEqual([])
  })
})
