// Search primitives over real vectors: the local embedder end to end through the pipeline, and
// HNSW filtered top-k with iterative index scans.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb } from '../../functions/_shared/db.ts'
import { embedQuery, toVectorLiteral } from '../../functions/_shared/embeddings/provider.ts'
import { app } from '../../functions/embed/app.ts'
import { signRoleKey } from '../../stack/keys.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

const SECRET = 'search-test-secret-with-at-least-32-characters'
let db: TestDatabase

const TARGET = 'Affordable cloud GPU servers for training large language models'
const PARAPHRASE = 'cheap GPU cloud server to train a large language model'

// 1,000 texts about other things (no content word in common with the target).
function unrelatedTexts(): string[] {
  const topics = ['lemon cake', 'garden hose', 'mountain bike', 'jazz record', 'wool sweater', 'kitchen knife', 'tomato soup',
    'river fishing', 'oak table', 'piano lesson', 'dog leash', 'winter boots', 'paper lantern', 'chess opening', 'bird feeder',
    'yoga mat', 'coffee grinder', 'rose pruning', 'sea kayak', 'poetry reading', 'bread oven', 'tennis racket', 'ceramic vase',
    'hiking trail', 'violin bow']
  const angles = ['recipe notes about', 'a review of the', 'how to clean a', 'the history of the', 'buying guide: the',
    'photos of my', 'repairing an old', 'why I love the', 'a short story with a', 'questions about the']
  const tails = ['on sunday', 'with grandma', 'near the lake', 'after rain', 'in autumn', 'for kids', 'at dawn', 'by hand']
  const texts: string[] = []
  for (const t of topics) for (const a of angles) for (const tail of tails) texts.push(`${a} ${t} ${tail}`)
  return texts.slice(0, 1000)
}

beforeAll(async () => {
  db = await startTestDatabase()
  process.env.SUPABASE_DB_URL = db.url
  process.env.JWT_SECRET = SECRET
  delete process.env.OPENAI_API_KEY // the local embedder
  // Start from an empty queue: the seed's catalog rows are waiting for their vectors too.
  await db.sql.exec('delete from private.embedding_jobs')
  await db.sql.exec(`
    create table public.articles (
      id bigint generated always as identity primary key,
      body text not null,
      audience text not null default 'everyone',
      embedding extensions.vector(1536),
      fts tsvector generated always as (to_tsvector('english', body)) stored
    );
    alter table public.articles enable row level security;
    grant select on public.articles to anon;
    create policy "anon reads public articles" on public.articles for select to anon using (audience = 'everyone');
    select private.register_embedding('public.articles', 'id', 'body', 'embedding');`)
  const texts = unrelatedTexts()
  await db.sql.query(`insert into public.articles (body) select unnest($1::text[])`, [texts.slice(0, 500)])
  await db.sql.query(`insert into public.articles (body) values ($1)`, [TARGET])
  await db.sql.query(`insert into public.articles (body) select unnest($1::text[])`, [texts.slice(500)])
  // Drain the queue: one run stops at its time budget (max_seconds), which a busy machine can reach
  // before 1,001 texts are embedded; the next run goes on where it stopped.
  const key = await signRoleKey('service_role', SECRET)
  let written = 0
  for (;;) {
    const res = await app.request('/embed', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${key}` } })
    const run = await res.json()
    expect(res.status).toBe(200)
    written += run.written
    if (run.claimed === 0) break
  }
  expect(written).toBe(1001)
  expect(await db.sql.query(`select count(*)::int as n from public.articles where embedding is null`)).toMatchObject({ rows: [{ n: 0 }] })
})
afterAll(async () => {
  await closeDb()
  await db.stop()
})

describe('semantic search with the local embedder', () => {
  it('ranks a text first for a query that paraphrases it, among 1,000 unrelated rows', async () => {
    const query = toVectorLiteral(await embedQuery(PARAPHRASE))
    const { rows } = await db.sql.query<{ body: string; similarity: number }>(
      `select a.body, m.similarity from private.match_vectors('public.articles', 'id', 'embedding', $1::extensions.vector, 5) m
       join public.articles a on a.id = m.id::bigint order by m.similarity desc`,
      [query],
    )
    expect(rows).toHaveLength(5)
    expect(rows[0].body).toBe(TARGET)
    expect(rows[0].similarity).toBeGreaterThan(rows[1].similarity + 0.1)
  })

  it('hybrid search (full text + vector, RRF) ranks it first too, with both ranks', async () => {
    const query = toVectorLiteral(await embedQuery(PARAPHRASE))
    const { rows } = await db.sql.query<{ body: string; full_text_rank: number | null; semantic_rank: number }>(
      `select a.body, h.full_text_rank, h.semantic_rank
       from private.hybrid_search('public.articles', 'id', 'fts', 'embedding', 'GPU cloud', $1::extensions.vector, 10) h
       join public.articles a on a.id = h.id::bigint order by h.score desc`,
      [query],
    )
    expect(rows[0]).toMatchObject({ body: TARGET, full_text_rank: 1, semantic_rank: 1 })
  })

  it('applies the caller\'s RLS: anon never gets a row its policy hides', async () => {
    const [{ id }] = (await db.sql.query<{ id: string }>(`select id::text from public.articles where body = $1`, [TARGET])).rows
    await db.sql.query(`update public.articles set audience = 'staff' where id = $1`, [id])
    const query = toVectorLiteral(await embedQuery(PARAPHRASE))
    const search = `select m.id from private.match_vectors('public.articles', 'id', 'embedding', $1::extensions.vector, 10) m`
    const asAnon = await db.sql.transaction(async (tx) => {
      await tx.exec('set local role anon')
      return (await tx.query<{ id: string }>(search, [query])).rows.map((r) => r.id)
    })
    expect(asAnon).toHaveLength(10)
    expect(asAnon).not.toContain(id)
    const asOwner = (await db.sql.query<{ id: string }>(search, [query])).rows.map((r) => r.id)
    expect(asOwner[0]).toBe(id)
  })
})

describe('filtered top-k on HNSW', () => {
  beforeAll(async () => {
    // 20,000 rows, 2% of them in category 'rare'. 32 dimensions: an HNSW build of 20,000 x 1536
    // takes minutes in PGlite (WASM); the iterative-scan behaviour under test is the same.
    await db.sql.exec(`
      select setseed(0.42);
      create table public.points (id integer primary key, category text not null, embedding extensions.vector(32) not null);
      insert into public.points
        select i, case when i % 50 = 0 then 'rare' else 'common' end,
               (select array_agg(random() - 0.5) from generate_series(1, 32) d where i > 0)::extensions.vector
        from generate_series(1, 20000) i;
      set maintenance_work_mem = '256MB';
      create index points_embedding_hnsw on public.points using hnsw (embedding extensions.vector_cosine_ops) with (m = 16, ef_construction = 64);
      analyze public.points;`)
  })

  const queryVector = '[' + Array.from({ length: 32 }, (_, i) => Math.sin(i + 1).toFixed(4)).join(',') + ']'

  it('returns 10 rows when the filter matches 2% of 20,000 rows, close to exact search', async () => {
    const { rows } = await db.sql.query<{ id: string }>(
      `select m.id from private.match_vectors('public.points', 'id', 'embedding', $1::extensions.vector, 10, '{"category": "rare"}') m`,
      [queryVector],
    )
    expect(rows).toHaveLength(10)
    const ids = rows.map((r) => Number(r.id))
    expect(ids.every((id) => id % 50 === 0)).toBe(true)
    const exact = await db.sql.transaction(async (tx) => {
      await tx.exec('set local enable_indexscan = off')
      const { rows } = await tx.query<{ id: number }>(
        `select id from public.points where category = 'rare' order by embedding operator(extensions.<=>) $1::extensions.vector limit 10`,
        [queryVector],
      )
      return rows.map((r) => r.id)
    })
    expect(exact).toHaveLength(10)
    expect(ids.filter((id) => exact.includes(id)).length).toBeGreaterThanOrEqual(9)
  })

  it('(control) a plain HNSW scan without iterative scans returns fewer than 10 rows here', async () => {
    await db.sql.exec(`begin; set local enable_seqscan = off; set local hnsw.iterative_scan = off; set local hnsw.ef_search = 40;`)
    try {
      const { rows } = await db.sql.query(
        `select id from public.points where category = 'rare' order by embedding operator(extensions.<=>) $1::extensions.vector limit 10`,
        [queryVector],
      )
      expect(rows.length).toBeLessThan(10)
    } finally {
      await db.sql.exec('rollback')
    }
  })
})

describe('sites.search_embeddings over passages (both overloads)', () => {
  const DOMAIN = 'search.example.com'
  const OTHER = 'other-search.example.com'
  const vectorOf = async (text: string) => toVectorLiteral(await embedQuery(text))
  beforeAll(async () => {
    const filler = unrelatedTexts().slice(0, 60)
    await db.sql.exec(`
      insert into sites.domains (user_id, domain) values
        (tests.create_supabase_user('search_owner'), '${DOMAIN}'), (tests.create_supabase_user('other_owner'), '${OTHER}');
      insert into sites.scraped_pages (domain_id, url, title, status)
        select d.id, 'https://' || d.domain || '/', 'Home', 'scraped' from sites.domains d where d.domain in ('${DOMAIN}', '${OTHER}');`)
    const passages: [string, string][] = [[DOMAIN, TARGET], [DOMAIN, 'Kubernetes operators for PostgreSQL clusters'], ...filler.map((t) => [DOMAIN, t] as [string, string]),
      [OTHER, TARGET], [OTHER, 'Kubernetes operators for PostgreSQL clusters']]
    for (const [i, [domain, text]] of passages.entries()) {
      await db.sql.query(
        `insert into sites.page_embeddings (page_id, domain_id, chunk_index, chunk_text, embedding)
         select p.id, p.domain_id, $2, $3, $4::extensions.vector from sites.scraped_pages p join sites.domains d on d.id = p.domain_id where d.domain = $1`,
        [domain, i, text, await vectorOf(text)])
    }
  })
  const search = async (text: string, params: unknown[]) =>
    (await db.sql.query<{ id: string; chunk_text: string; url: string; similarity: number | null; score: number }>(text, params)).rows
  const inDomain = async (ids: string[], domain: string) =>
    (await db.sql.query<{ n: number }>(`select count(*)::int as n from sites.page_embeddings e join sites.domains d on d.id = e.domain_id where e.id = any($1::uuid[]) and d.domain = $2`, [ids, domain])).rows[0].n

  it('question + embedding: k passages of the domain only, the paraphrased one first, its similarity the cosine one', async () => {
    const rows = await search(`select * from sites.search_embeddings($1, $2::extensions.vector, $3, 5)`, ['GPU cloud', await vectorOf(PARAPHRASE), DOMAIN])
    expect(rows).toHaveLength(5)
    expect(await inDomain(rows.map((r) => r.id), DOMAIN)).toBe(5)
    expect(rows[0]).toMatchObject({ chunk_text: TARGET, url: `https://${DOMAIN}/` })
    const [{ similarity }] = (await db.sql.query<{ similarity: number }>(
      `select 1 - (e.embedding operator(extensions.<=>) $1::extensions.vector) as similarity from sites.page_embeddings e where e.id = $2`, [await vectorOf(PARAPHRASE), rows[0].id])).rows
    expect(rows[0].similarity).toBeCloseTo(similarity, 6)
    expect(rows.map((r) => r.score)).toEqual([...rows.map((r) => r.score)].sort((a, b) => b - a))
  })

  it('text only with a full-text hit: ranked from the hit, never another domain\'s passage', async () => {
    const rows = await search(`select * from sites.search_embeddings($1, $2, 3)`, ['PostgreSQL operators', DOMAIN])
    expect(rows).toHaveLength(3)
    expect(rows[0].chunk_text).toBe('Kubernetes operators for PostgreSQL clusters')
    expect(await inDomain(rows.map((r) => r.id), DOMAIN)).toBe(3)
  })

  it('text only without a full-text hit (misspelt): trigram word similarity, best first, domain only, at most k', async () => {
    const rows = await search(`select * from sites.search_embeddings($1, $2, 10)`, ['Kubernets operatrs', DOMAIN])
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.length).toBeLessThanOrEqual(10)
    expect(rows[0]).toMatchObject({ chunk_text: 'Kubernetes operators for PostgreSQL clusters', similarity: null })
    expect(rows.every((r) => r.score > 0.3)).toBe(true)
    expect(rows.map((r) => r.score)).toEqual([...rows.map((r) => r.score)].sort((a, b) => b - a))
    expect(await inDomain(rows.map((r) => r.id), DOMAIN)).toBe(rows.length)
    // Nothing like it: no rows (not the domain's passages in any order).
    expect(await search(`select * from sites.search_embeddings($1, $2, 10)`, ['zzqxv', DOMAIN])).toEqual([])
  })
})
