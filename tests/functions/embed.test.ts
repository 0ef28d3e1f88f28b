// The embed function against a real database and a loopback server speaking OpenAI's API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { chunkText } from '../../functions/_shared/embeddings/tokens.ts'
import { app } from '../../functions/embed/app.ts'
import { signRoleKey } from '../../stack/keys.ts'
import { startOpenAILoopback, type OpenAILoopback } from '../support/openai-loopback.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const SECRET = 'embed-test-secret-with-at-least-32-characters'
let db: TestDatabase
let openai: OpenAILoopback
let serviceKey: string

async function createNotes(name: string, { hnsw = false } = {}) {
  await db.sql.exec(`
    create table public.${name} (id bigint generated always as identity primary key, body text, embedding extensions.vector(1536));
    alter table public.${name} enable row level security;
    select private.register_embedding('public.${name}', 'id', 'body', 'embedding');
    ${hnsw ? '' : `drop index public.${name}_embedding_hnsw;`}`)
}

async function runEmbed(body: Record<string, unknown> = {}, key = serviceKey) {
  const res = await app.request('/embed', { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${key}` } })
  return { status: res.status, body: await res.json() }
}

/** Runs /embed until a run claims nothing; returns the totals. */
async function drain(): Promise<{ claimed: number; written: number }> {
  const total = { claimed: 0, written: 0 }
  for (;;) {
    const { body } = await runEmbed({ max_seconds: 140 })
    if (body.claimed === 0) return total
    total.claimed += body.claimed
    total.written += body.written
  }
}

async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.sql.query<T>(sql, params)).rows
}

/** Lets time pass for every retry that is waiting (backoff or Retry-After). */
const fastForward = () => db.sql.exec(`update private.embedding_jobs set run_after = now() where status = 'pending'`)

const requestsSince = (n: number) => openai.requests.slice(n)

beforeAll(async () => {
  db = await startTestDatabase()
  openai = await startOpenAILoopback()
  process.env.SUPABASE_DB_URL = db.url
  process.env.JWT_SECRET = SECRET
  process.env.OPENAI_API_KEY = openai.apiKey
  process.env.OPENAI_BASE_URL = openai.baseURL
  serviceKey = await signRoleKey('service_role', SECRET)
  // Start from an empty queue: the seed's catalog rows are waiting for their vectors too.
  await db.sql.exec('delete from private.embedding_jobs')
})
afterAll(async () => {
  await closeDb()
  await openai.close()
  await db.stop()
})
beforeEach(() => {
  openai.poison(undefined)
  openai.failNext(0)
  process.env.OPENAI_API_KEY = openai.apiKey
})

describe('POST /embed access', () => {
  it('requires the service role', async () => {
    expect((await app.request('/embed', { method: 'POST' })).status).toBe(401)
    expect((await runEmbed({}, await signRoleKey('anon', SECRET))).status).toBe(403)
    expect((await runEmbed({}, await signRoleKey('service_role', 'not-the-project-secret-at-all-32-chars'))).status).toBe(401)
  })

  it('rejects a bad body with 400', async () => {
    const res = await runEmbed({ max_jobs: 0 })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_request')
  })
})

describe('queue to vectors', () => {
  it('embeds 5,000 short texts in at most ceil(5000 / 2048) = 3 provider requests', async () => {
    await createNotes('bulk')
    await db.sql.exec(`insert into public.bulk (body) select 'short note number ' || i from generate_series(1, 5000) i`)
    const before = openai.requests.length
    // max_seconds at its cap: a busy machine must not end the run before the 5,000 are written.
    const run = await runEmbed({ max_seconds: 140 })
    expect(run.status).toBe(200)
    const made = requestsSince(before)
    expect(made.length).toBeLessThanOrEqual(3)
    expect(made.reduce((n, r) => n + r.inputs.length, 0)).toBe(5000)
    expect(made.every((r) => r.model === 'text-embedding-3-small')).toBe(true)
    expect(run.body).toMatchObject({ claimed: 5000, written: 5000, requests: made.length })
    expect(await query(`select count(*)::int as n from public.bulk where embedding is null`)).toEqual([{ n: 0 }])
    expect(await query(`select model, count(*)::int as n from private.embedding_state where target_table = 'bulk' group by model`)).toEqual([
      { model: 'text-embedding-3-small', n: 5000 },
    ])
    expect(await query(`select pending, done, dead from public.embedding_queue_stats where target_table = 'bulk'`)).toEqual([
      { pending: 0, done: 5000, dead: 0 },
    ])
  }, 300_000) // a timeout, not a speed claim: the run takes ~9 s idle and over 60 s with both cores busy

  it('makes zero requests for unchanged text and re-embeds only the row that changed', async () => {
    const before = openai.requests.length
    await db.sql.exec(`update public.bulk set body = body`)
    expect((await runEmbed()).body).toMatchObject({ claimed: 0, requests: 0 })
    expect(openai.requests.length).toBe(before)

    const [{ old }] = await query<{ old: string }>(`select embedding::text as old from public.bulk where id = 42`)
    await db.sql.exec(`update public.bulk set body = 'a completely different note' where id = 42`)
    expect((await runEmbed()).body).toMatchObject({ claimed: 1, written: 1, requests: 1 })
    expect(requestsSince(before).map((r) => r.inputs)).toEqual([['a completely different note']])
    const [{ now }] = await query<{ now: string }>(`select embedding::text as now from public.bulk where id = 42`)
    expect(now).not.toBe(old)
  })

  it('chunks a long text by tokens, with overlap, into one vector', async () => {
    await createNotes('long_texts')
    process.env.EMBED_CHUNK_TOKENS = '50'
    process.env.EMBED_CHUNK_OVERLAP = '10'
    try {
      const text = Array.from({ length: 60 }, (_, i) => `sentence ${i} about kubernetes clusters`).join('. ')
      await db.sql.query(`insert into public.long_texts (body) values ($1)`, [text])
      const before = openai.requests.length
      expect((await runEmbed()).body).toMatchObject({ claimed: 1, written: 1, requests: 1 })
      const inputs = requestsSince(before)[0].inputs
      expect(inputs).toEqual(chunkText(text, 50, 10).map((c) => c.text))
      expect(inputs.length).toBeGreaterThan(5)
      const [{ norm }] = await query<{ norm: number }>(`select extensions.vector_norm(embedding) as norm from public.long_texts`)
      expect(norm).toBeCloseTo(1, 4)
    } finally {
      delete process.env.EMBED_CHUNK_TOKENS
      delete process.env.EMBED_CHUNK_OVERLAP
    }
  })
})

// Waits are read as run_after - updated_at (both set by the same statement), never against the clock:
// a busy machine may take seconds between the run and the query.
describe('failures', () => {
  it('retries with exponential backoff: a provider that fails twice then succeeds completes every job', async () => {
    await createNotes('flaky')
    await db.sql.exec(`insert into public.flaky (body) select 'flaky ' || i from generate_series(1, 20) i`)
    openai.failNext(2)

    expect((await runEmbed()).body).toMatchObject({ claimed: 20, written: 0, retried: 20, requests: 1 })
    const [first] = await query<{ attempts: number; wait: number; last_error: string }>(
      `select max(attempts) as attempts, extract(epoch from max(run_after - updated_at))::int as wait, max(last_error) as last_error
       from private.embedding_jobs where target_table = 'flaky' and status = 'pending'`)
    expect(first).toMatchObject({ attempts: 1, wait: 10 })
    expect(first.last_error).toContain('500')
    expect((await runEmbed()).body).toMatchObject({ claimed: 0 }) // still backing off

    await fastForward()
    expect((await runEmbed()).body).toMatchObject({ claimed: 20, retried: 20 })
    const [second] = await query<{ wait: number }>(
      `select extract(epoch from max(run_after - updated_at))::int as wait from private.embedding_jobs where target_table = 'flaky' and status = 'pending'`)
    expect(second.wait).toBe(20)

    await fastForward()
    expect((await runEmbed()).body).toMatchObject({ claimed: 20, written: 20, dead: 0 })
    expect(await query(`select count(*)::int as n from public.flaky where embedding is not null`)).toEqual([{ n: 20 }])
  })

  it('dead-letters an always-failing input after 5 attempts while the rest of its batch completes', async () => {
    await createNotes('poisoned')
    await db.sql.exec(`insert into public.poisoned (body) select 'fine text ' || i from generate_series(1, 15) i`)
    await db.sql.exec(`insert into public.poisoned (body) values ('this one is POISON for the provider')`)
    openai.poison('POISON')

    const first = (await runEmbed()).body
    expect(first).toMatchObject({ claimed: 16, written: 15, retried: 1, dead: 0 })
    for (let attempt = 2; attempt <= 5; attempt++) {
      await fastForward()
      const run = (await runEmbed()).body
      expect(run).toMatchObject({ claimed: 1, written: 0, dead: attempt === 5 ? 1 : 0 })
    }
    const dead = await query<{ attempts: number; last_error: string; target_table: string }>(
      `select attempts, last_error, target_table from public.embedding_dead_letters where target_table = 'poisoned'`)
    expect(dead).toHaveLength(1)
    expect(dead[0].attempts).toBe(5)
    expect(dead[0].last_error).toContain('Invalid input: contains POISON')
    await fastForward()
    expect((await runEmbed()).body).toMatchObject({ claimed: 0, requests: 0 })
    expect(await query(`select count(*)::int as n from public.poisoned where embedding is not null`)).toEqual([{ n: 15 }])
  })

  it('honours a 429 Retry-After: stops, waits that long, and does not count it as an attempt', async () => {
    await createNotes('limited')
    await db.sql.exec(`insert into public.limited (body) select 'limited ' || i from generate_series(1, 10) i`)
    openai.rateLimitNext(30)
    const before = openai.requests.length
    const run = (await runEmbed()).body
    expect(run).toMatchObject({ claimed: 10, written: 0, requests: 1, rate_limited_for_seconds: 30 })
    expect(requestsSince(before).map((r) => r.status)).toEqual([429])
    expect(await query(`select attempts, extract(epoch from run_after - updated_at)::int as wait
                        from private.embedding_jobs where target_table = 'limited' group by 1, 2`)).toEqual([{ attempts: 0, wait: 30 }])
    await fastForward()
    expect((await runEmbed()).body).toMatchObject({ written: 10 })
  })
})

describe('concurrency and models', () => {
  it('never embeds the same job twice with three workers running at once over 1,500 jobs', async () => {
    await createNotes('contended')
    await db.sql.exec(`insert into public.contended (body) select 'contended ' || i from generate_series(1, 1500) i`)
    const before = openai.requests.length
    // max_seconds at its cap, so a busy machine cannot end a run before the queue is empty.
    const runs = await Promise.all([1, 2, 3].map(() => runEmbed({ max_jobs: 100, max_seconds: 140 })))
    for (const run of runs) expect(run.status).toBe(200)
    expect(runs.filter((r) => r.body.claimed > 0).length).toBeGreaterThanOrEqual(2)
    expect(runs.reduce((n, r) => n + r.body.claimed, 0)).toBe(1500)
    const inputs = requestsSince(before).flatMap((r) => r.inputs)
    expect(inputs).toHaveLength(1500)
    expect(new Set(inputs).size).toBe(1500)
    expect(await query(`select count(*)::int as n from public.contended where embedding is not null`)).toEqual([{ n: 1500 }])
    expect(await query(`select count(*)::int as n from private.embedding_jobs where target_table = 'contended' and status <> 'done'`)).toEqual([{ n: 0 }])
  })

  it('re-embeds every vector when the model changes, and stores the model with each vector', async () => {
    await createNotes('models')
    await db.sql.exec(`insert into public.models (body) select 'model note ' || i from generate_series(1, 30) i`)
    await drain()
    delete process.env.OPENAI_API_KEY // -> the local embedder
    // Every vector of the earlier tests is re-embedded too: one run may stop at its max_seconds on a
    // busy machine, so run until nothing is left to claim.
    expect((await drain()).written).toBeGreaterThanOrEqual(30)
    expect(await query(`select model, count(*)::int as n from private.embedding_state where target_table = 'models' group by model`)).toEqual([
      { model: 'local-feature-hash-v1-1536', n: 30 },
    ])
    expect(await query(`select provider, model from public.embedding_provider_usage where provider = 'local'`)).toEqual([
      { provider: 'local', model: 'local-feature-hash-v1-1536' },
    ])
  })
})
