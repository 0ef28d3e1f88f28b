// The studio domain against a real database: concurrent saves of one graph (one wins, one conflicts,
// nothing lost), generation through a loopback OpenAI chat-completions server (platform key, the
// user's own sealed key, no key, tier limit), the review with prices from catalog rows, and BYOK keys.
import postgres from 'postgres'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { closeDb, withRole } from '../../functions/_shared/db.ts'
import { app } from '../../functions/studio/app.ts'
import { signRoleKey, signUserToken } from '../../stack/keys.ts'
import { type ChatRequest, type OpenAILoopback, startOpenAILoopback } from '../support/openai-loopback.ts'
import { failures, race } from '../support/concurrency.ts'
import { onRealPostgres } from '../support/engine.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'
import { withoutEnv } from './unset-env.ts'

const SECRET = 'studio-test-secret-with-at-least-32-characters'
let db: TestDatabase
let openai: OpenAILoopback
let ann: { id: string; token: string }
let bob: { id: string; token: string }

const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.sql.query<T>(sql, params)).rows
const call = async (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) => {
  const res = await app.request(path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  })
  return { status: res.status, body: await res.json() }
}

async function user(name: string) {
  const [{ id }] = await query<{ id: string }>(`select tests.create_supabase_user($1) as id`, [name])
  return { id, token: await signUserToken(id, SECRET) }
}

async function project(owner: string, name: string, isPublic = false) {
  const [{ id }] = await query<{ id: string }>(`insert into studio.projects (user_id, name, is_public) values ($1, $2, $3) returning id`, [owner, name, isPublic])
  return id
}

async function graph(projectId: string, document?: unknown) {
  const [{ id }] = await query<{ id: string }>(`insert into studio.graphs (project_id) values ($1) returning id`, [projectId])
  if (document) await query(`select studio.save_graph($1, $2, 1)`, [id, JSON.stringify(document)])
  return id
}

const documentOf = async (graphId: string) =>
  (await query<{ version: number; nodes: { id: string; position: { x: number; y: number }; data: Record<string, unknown> }[]; edges: { id: string; source: string; target: string }[] }>(
    `select version, nodes, edges from studio.graph_documents where id = $1`, [graphId]))[0]

/** save_graph as a signed-in user over a real connection, in its own transaction; `beforeCommit` runs
 * after the save, with the transaction still open. */
const saveAs = (userId: string, graphId: string, document: unknown, version: number, beforeCommit?: () => Promise<void>) =>
  withRole('authenticated', { sub: userId }, async (sql) => {
    const [row] = await sql`select studio.save_graph(${graphId}::uuid, ${sql.json(document as never)}, ${version}::integer) as saved`
    await beforeCommit?.()
    return row.saved as { version: number; nodes: { id: string }[] }
  })

/** Resolves once another session waits for a lock (real PostgreSQL). PGlite runs one transaction at a
 * time, so there a second save simply queues behind the open one: nothing to wait for. */
async function someoneWaitsForALock() {
  if (!onRealPostgres) return
  for (;;) {
    const [{ n }] = await query<{ n: number }>(`select count(*)::int as n from pg_locks where not granted`)
    if (n > 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const usage = async (userId: string, metric: string) =>
  Number((await query<{ count: string }>(`select count from studio.usage_analytics where user_id = $1 and metric_type = $2`, [userId, metric]))[0]?.count ?? 0)

beforeAll(async () => {
  db = await startTestDatabase()
  openai = await startOpenAILoopback()
  Object.assign(process.env, {
    SUPABASE_DB_URL: db.url,
    JWT_SECRET: SECRET,
    CREDENTIALS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    OPENAI_BASE_URL: openai.baseURL,
    STUDIO_MODEL: 'gpt-studio-test',
  })
  ann = await user('studio_ann')
  bob = await user('studio_bob')
  // ann is on pro (unlimited projects, 1000 generations a month); bob on free.
  await query(`insert into billing.customers (user_id, subscription_tier) values ($1, 'pro')`, [ann.id])
})
afterAll(async () => {
  await closeDb()
  await openai.close()
  await db.stop()
})

describe('saving a graph from two tabs', () => {
  const base = { nodes: [{ id: 'api', type: 'api', position: { x: 0, y: 0 } }], edges: [] }
  const withNode = (doc: typeof base, id: string, type: string) => ({
    ...doc,
    nodes: [...doc.nodes, { id, type, position: { x: 200, y: 0 } }],
    edges: [...doc.edges, { id: `api->${id}`, source: 'api', target: id }],
  })

  it('two concurrent saves from the same version: one succeeds, one gets version_conflict, nothing is lost', async () => {
    const graphId = await graph(await project(ann.id, 'Two tabs'), base)
    const loaded = await documentOf(graphId)
    expect(loaded.version).toBe(2)
    const tabA = withNode(base, 'db', 'database')
    const tabB = withNode(base, 'cache', 'cache')

    // Tab A saves and holds its transaction open until tab B's save, from the same version, waits on it.
    let aSaved!: () => void
    const aHasSaved = new Promise<void>((resolve) => (aSaved = resolve))
    const a = saveAs(ann.id, graphId, tabA, loaded.version, async () => {
      aSaved()
      await someoneWaitsForALock()
    })
    await aHasSaved
    const b = saveAs(ann.id, graphId, tabB, loaded.version)
    const [resultA, resultB] = await Promise.allSettled([a, b])
    expect(resultA.status).toBe('fulfilled')
    expect(resultB.status).toBe('rejected')
    expect((resultB as PromiseRejectedResult).reason).toMatchObject({ code: 'PT409', hint: 'version_conflict' })
    expect(JSON.parse((resultB as PromiseRejectedResult).reason.detail)).toMatchObject({ current_version: 3, expected_version: 2 })

    // A's save is intact and B wrote nothing.
    const afterConflict = await documentOf(graphId)
    expect(afterConflict.version).toBe(3)
    expect(afterConflict.nodes.map((n) => n.id)).toEqual(['api', 'db'])

    // B reloads, reapplies its change on top and saves: both tabs' work survives.
    const merged = withNode({ nodes: afterConflict.nodes, edges: afterConflict.edges } as unknown as typeof base, 'cache', 'cache')
    const saved = await saveAs(ann.id, graphId, merged, afterConflict.version)
    expect(saved.version).toBe(4)
    expect((await documentOf(graphId)).nodes.map((n) => n.id)).toEqual(['api', 'db', 'cache'])
  })

  it('of five simultaneous saves from one version exactly one wins', async () => {
    const graphId = await graph(await project(ann.id, 'Five tabs'), base)
    const results = await Promise.allSettled(['a', 'b', 'c', 'd', 'e'].map((id) => saveAs(ann.id, graphId, withNode(base, id, 'worker'), 2)))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const conflicts = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(conflicts.map((r) => r.reason.hint)).toEqual(['version_conflict', 'version_conflict', 'version_conflict', 'version_conflict'])
    const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ nodes: { id: string }[] }>).value
    const stored = await documentOf(graphId)
    expect(stored.version).toBe(3)
    expect(stored.nodes.map((n) => n.id)).toEqual(winner.nodes.map((n) => n.id))
    expect(stored.nodes).toHaveLength(2)
  })

  it('20 rounds of two saves sent at once from one version: each round one success and one conflict', async () => {
    const sql = postgres(db.url, { max: 2, onnotice: () => {} })
    try {
      const graphId = await graph(await project(ann.id, 'Racing tabs'), base)
      const claims = JSON.stringify({ sub: ann.id, role: 'authenticated' })
      for (let round = 0; round < 20; round++) {
        const { version } = await documentOf(graphId)
        const results = await race(sql, 2, 2, async (c, i) => {
          await c`begin`
          try {
            await c`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${claims}, true),
                           set_config('request.jwt.claim.sub', ${ann.id}, true), set_config('request.jwt.claim.role', 'authenticated', true)`
            const [row] = await c`select studio.save_graph(${graphId}::uuid, ${sql.json(withNode(base, `r${round}t${i}`, 'worker') as never)}, ${version}::integer) as saved`
            await c`commit`
            return row.saved as { version: number }
          } catch (error) {
            await c`rollback`
            throw error
          }
        })
        expect(failures(results).filter((m) => !m.includes("is at version"))).toEqual([])
        expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ version: number }>).value.version)).toEqual([version + 1])
        expect(results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason.hint)).toEqual(['version_conflict'])
        expect((await documentOf(graphId)).version).toBe(version + 1)
      }
    } finally {
      await sql.end()
    }
  })

  it('another user cannot save the graph at all', async () => {
    const graphId = await graph(await project(ann.id, 'Private'), base)
    await expect(saveAs(bob.id, graphId, { nodes: [], edges: [] }, 2)).rejects.toMatchObject({ code: 'PT404', hint: 'graph_not_found' })
    expect((await documentOf(graphId)).nodes).toHaveLength(1)
  })
})

// What the loopback model answers: a structured-output graph as JSON text.
const modelGraph = (extra: { nodes?: object[]; edges?: object[] } = {}) => ({
  summary: 'A load-balanced API with a cache and a database.',
  nodes: [
    { id: 'lb', type: 'load_balancer', label: 'Load balancer', description: 'spreads traffic', technology: 'nginx', replicas: 2, vcpus: null, memory_gb: null, gpu: null, gpu_count: null },
    { id: 'api', type: 'api', label: 'API', description: 'business logic', technology: 'Node.js', replicas: 3, vcpus: 2, memory_gb: 4, gpu: null, gpu_count: null },
    { id: 'cache', type: 'cache', label: 'Cache', description: 'hot reads', technology: 'Redis', replicas: 2, vcpus: 2, memory_gb: 8, gpu: null, gpu_count: null },
    { id: 'db', type: 'database', label: 'Database', description: 'orders', technology: 'PostgreSQL', replicas: 2, vcpus: 4, memory_gb: 16, gpu: null, gpu_count: null },
    ...(extra.nodes ?? []),
  ],
  edges: [
    { source: 'lb', target: 'api', label: 'HTTP', async: false },
    { source: 'api', target: 'cache', label: 'RESP', async: false },
    { source: 'api', target: 'db', label: 'SQL', async: false },
    { source: 'api', target: 'ghost', label: null, async: false },
    ...(extra.edges ?? []),
  ],
})

describe('POST /studio/generate', () => {
  let projectId: string
  let graphId: string
  beforeAll(async () => {
    projectId = await project(ann.id, 'Shop')
  })
  beforeEach(() => {
    process.env.OPENAI_API_KEY = openai.apiKey
    openai.setChatResponder(() => JSON.stringify(modelGraph()))
  })

  it('creates a graph from a structured-output answer, stored as chat messages with token counts', async () => {
    const res = await call('POST', '/studio/generate', { project_id: projectId, prompt: 'An online shop API with a cache' }, ann.token,
      { 'x-forwarded-for': '198.51.100.7', 'user-agent': 'studio-test' })
    expect(res.status).toBe(201)
    graphId = res.body.graph_id

    // The request: the configured model, a strict JSON schema of nodes and edges with service types.
    const request = openai.chats.at(-1)!
    expect(request.model).toBe('gpt-studio-test')
    expect(request.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'architecture_graph', strict: true } })
    const schema = request.response_format!.json_schema!.schema as { properties: { nodes: { items: { properties: { type: { enum: string[] } } } } } }
    expect(schema.properties.nodes.items.properties.type.enum).toEqual(expect.arrayContaining(['api', 'worker', 'database', 'cache', 'queue', 'cdn', 'load_balancer']))
    expect(request.messages.at(-1)!.content).toContain('An online shop API with a cache')

    // The answer: a valid graph saved through save_graph, the dangling edge dropped with a warning.
    expect(res.body).toMatchObject({ version: 2, key_source: 'platform', summary: 'A load-balanced API with a cache and a database.' })
    expect(res.body.document.nodes.map((n: { id: string }) => n.id)).toEqual(['lb', 'api', 'cache', 'db'])
    expect(res.body.document.edges.map((e: { id: string }) => e.id)).toEqual(['lb->api', 'api->cache', 'api->db'])
    expect(res.body.document.nodes[1]).toMatchObject({ type: 'api', label: 'API', data: { replicas: 3, vcpus: 2, memory_gb: 4, technology: 'Node.js' } })
    expect(res.body.warnings).toEqual([expect.stringContaining('ghost')])
    const stored = await documentOf(graphId)
    expect(stored.nodes).toEqual(res.body.document.nodes)
    for (const n of stored.nodes) expect(n.position).toEqual({ x: expect.any(Number), y: expect.any(Number) })

    // Chat: the prompt and the answer, with the model's token counts.
    const messages = await query<{ role: string; content: string; tokens: number; metadata: Record<string, unknown> }>(
      `select role, content, tokens, metadata from studio.messages where chat_id = $1 order by created_at`, [res.body.chat_id])
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant'])
    expect(messages[0]).toMatchObject({ content: 'An online shop API with a cache', tokens: res.body.usage.prompt_tokens })
    expect(messages[1]).toMatchObject({ content: res.body.summary, tokens: res.body.usage.completion_tokens, metadata: { key_source: 'platform', version: 2 } })
    expect(res.body.usage.prompt_tokens).toBeGreaterThan(0)
    expect(res.body.usage.completion_tokens).toBeGreaterThan(0)
    expect(await usage(ann.id, 'ai_generations')).toBe(1)
    expect(await usage(ann.id, 'ai_tokens')).toBe(res.body.usage.total_tokens)
    expect(res.body.generations).toMatchObject({ used: 1, limit: 1000 })

    // The database audited the graph's creation and save with the caller's IP and user agent.
    const audit = await query<{ action: string; ip: string; user_agent: string }>(
      `select action, host(ip_address) as ip, user_agent from studio.audit_logs where resource_type = 'graph' and resource_id = $1 order by created_at, action`, [graphId])
    expect(audit).toEqual([
      { action: 'create', ip: '198.51.100.7', user_agent: 'studio-test' },
      { action: 'update', ip: '198.51.100.7', user_agent: 'studio-test' },
    ])
  })

  it('modifies an existing graph from its current version, keeping what the user placed', async () => {
    const current = await documentOf(graphId)
    const moved = { nodes: current.nodes.map((n) => (n.id === 'api' ? { ...n, position: { x: 999, y: 111 } } : n)), edges: current.edges }
    await saveAs(ann.id, graphId, moved, current.version)
    openai.setChatResponder((request: ChatRequest) => {
      const last = request.messages.at(-1)!.content
      if (!last.includes('"id":"api"') || !last.includes('version 3')) throw new Error('the current graph was not sent to the model')
      return JSON.stringify(modelGraph({
        nodes: [
          { id: 'jobs', type: 'queue', label: 'Jobs', description: 'emails', technology: 'SQS', replicas: 3, vcpus: null, memory_gb: null, gpu: null, gpu_count: null },
          { id: 'mailer', type: 'worker', label: 'Mailer', description: 'sends', technology: null, replicas: 2, vcpus: 1, memory_gb: 2, gpu: null, gpu_count: null },
        ],
        edges: [{ source: 'api', target: 'jobs', label: 'publish', async: true }, { source: 'jobs', target: 'mailer', label: null, async: true }],
      }))
    })
    const res = await call('POST', '/studio/generate', { project_id: projectId, graph_id: graphId, prompt: 'Send order emails in the background' }, ann.token)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ graph_id: graphId, version: 4 })
    const stored = await documentOf(graphId)
    expect(stored.nodes.map((n) => n.id)).toEqual(['lb', 'api', 'cache', 'db', 'jobs', 'mailer'])
    expect(stored.nodes.find((n) => n.id === 'api')!.position).toEqual({ x: 999, y: 111 })
    expect(stored.edges.find((e) => e.id === 'api->jobs')).toMatchObject({ data: { async: true } })
    // One chat per generation unless the client continues one.
    expect(await usage(ann.id, 'ai_generations')).toBe(2)
  })

  it('continues a chat: earlier messages go to the model, new ones join the same chat', async () => {
    const [{ chat_id }] = await query<{ chat_id: string }>(`select chat_id from studio.messages m join studio.chats c on c.id = m.chat_id
      where c.user_id = $1 order by m.created_at limit 1`, [ann.id])
    const res = await call('POST', '/studio/generate', { project_id: projectId, graph_id: graphId, chat_id, prompt: 'Now make it cheaper' }, ann.token)
    expect(res.status).toBe(200)
    expect(res.body.chat_id).toBe(chat_id)
    expect(openai.chats.at(-1)!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect((await query(`select id from studio.messages where chat_id = $1`, [chat_id])).length).toBe(4)
  })

  it('uses the user\'s own sealed key when present, and never returns it', async () => {
    delete process.env.OPENAI_API_KEY
    const created = await call('POST', '/studio/api-keys', { name: 'my key', api_key: openai.apiKey }, ann.token, { 'x-forwarded-for': '192.0.2.44' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'my key', provider: 'openai', key_last4: openai.apiKey.slice(-4), is_active: true, last_used_at: null })
    expect(JSON.stringify(created.body)).not.toContain(openai.apiKey)
    const [row] = await query<{ sealed: { alg: string; iv: string; ct: string } }>(`select api_key_encrypted as sealed from studio.api_keys where id = $1`, [created.body.id])
    expect(row.sealed.alg).toBe('A256GCM')
    expect(JSON.stringify(row.sealed)).not.toContain(openai.apiKey)
    const listed = await call('GET', '/studio/api-keys', undefined, ann.token)
    expect(listed.body.api_keys).toHaveLength(1)
    expect(Object.keys(listed.body.api_keys[0])).not.toContain('api_key_encrypted')
    expect(await query(`select host(ip_address) as ip from studio.audit_logs where resource_type = 'api_key' and action = 'create'`)).toEqual([{ ip: '192.0.2.44' }])

    const res = await call('POST', '/studio/generate', { project_id: projectId, graph_id: graphId, prompt: 'Add a CDN' }, ann.token)
    expect(res.status).toBe(200)
    expect(res.body.key_source).toBe('user')
    const [used] = await query<{ last_used_at: Date | null }>(`select last_used_at from studio.api_keys where id = $1`, [created.body.id])
    expect(used.last_used_at).not.toBeNull()
    // Using the key is not an audited change of it.
    expect((await query(`select 1 from studio.audit_logs where resource_type = 'api_key' and action = 'update'`)).length).toBe(0)
  })

  it('a key the provider rejects is a 400 and the generation is given back', async () => {
    const before = await usage(ann.id, 'ai_generations')
    const wrong = await call('POST', '/studio/api-keys', { name: 'wrong key', api_key: 'sk-not-the-right-key' }, ann.token)
    expect(wrong.status).toBe(201)
    const res = await call('POST', '/studio/generate', { project_id: projectId, graph_id: graphId, prompt: 'Anything' }, ann.token)
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'model_key_rejected' } } })
    expect(await usage(ann.id, 'ai_generations')).toBe(before)
    expect((await call('DELETE', `/studio/api-keys/${wrong.body.id}`, undefined, ann.token)).status).toBe(200)
    expect((await call('DELETE', `/studio/api-keys/${wrong.body.id}`, undefined, ann.token)).status).toBe(404)
  })

  it('with no key at all: 503 no_model_key, nothing counted, nothing written', async () => {
    delete process.env.OPENAI_API_KEY
    await query(`update studio.api_keys set is_active = false where user_id = $1`, [ann.id])
    const before = { generations: await usage(ann.id, 'ai_generations'), chats: openai.chats.length, messages: (await query(`select id from studio.messages`)).length }
    const res = await call('POST', '/studio/generate', { project_id: projectId, prompt: 'A blog' }, ann.token)
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'no_model_key' } } })
    expect(await usage(ann.id, 'ai_generations')).toBe(before.generations)
    expect(openai.chats.length).toBe(before.chats)
    expect((await query(`select id from studio.messages`)).length).toBe(before.messages)
  })

  it('stops at the tier\'s monthly generation limit before calling the model', async () => {
    await query(`update studio.usage_analytics set count = 1000 where user_id = $1 and metric_type = 'ai_generations'`, [ann.id])
    const calls = openai.chats.length
    const res = await call('POST', '/studio/generate', { project_id: projectId, prompt: 'One more' }, ann.token)
    expect(res).toMatchObject({ status: 402, body: { error: { code: 'tier_limit_ai_generations' } } })
    expect(openai.chats.length).toBe(calls)
    expect(await usage(ann.id, 'ai_generations')).toBe(1000)
  })

  it('refuses other users\' projects, bad bodies and missing tokens', async () => {
    expect((await call('POST', '/studio/generate', { project_id: projectId, prompt: 'mine now' }, bob.token)))
      .toMatchObject({ status: 404, body: { error: { code: 'project_not_found' } } })
    expect((await call('POST', '/studio/generate', { project_id: projectId, prompt: '' }, ann.token)))
      .toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })
    expect((await call('POST', '/studio/generate', { project_id: projectId, prompt: 'x' })).status).toBe(401)
  })
})

describe('POST /studio/analyze', () => {
  let reviewed: string
  let sound: string
  beforeAll(async () => {
    // Catalog rows the estimate must find: far below the seeded prices, one in EUR.
    await query(`insert into cloud.providers (provider) values ('studiotest'), ('studiotest_eu')`)
    await query(`insert into cloud.instances (provider, instance_id, name, cpu_cores, memory_gb, gpu_count, gpu_model, price_monthly, price_hourly, price_currency) values
      ('studiotest', 'st-4-16', 'ST 4/16', 4, 16, 0, null, 0.40, 0.001, 'USD'),
      ('studiotest', 'st-8-32', 'ST 8/32', 8, 32, 0, null, 0.60, 0.001, 'USD'),
      ('studiotest_eu', 'eu-8-32', 'EU 8/32', 8, 32, 0, null, 0.50, 0.001, 'EUR'),
      ('studiotest', 'st-h100x2', 'ST 2x H100', 32, 256, 2, 'H100', 100.00, 0.14, 'USD'),
      ('studiotest', 'st-gone', 'ST retired', 64, 512, 0, null, 0.01, 0.0001, 'USD')`)
    await query(`update cloud.instances set available = false where instance_id = 'st-gone'`)
    const projectId = await project(ann.id, 'Review', true)
    reviewed = await graph(projectId, {
      nodes: [
        { id: 'lb', type: 'load_balancer', data: { replicas: 2 } },
        { id: 'api', type: 'api', data: { replicas: 3, vcpus: 4, memory_gb: 16 } },
        { id: 'auth', type: 'service', data: { replicas: 2 } },
        { id: 'db', type: 'database', label: 'Orders DB', data: { vcpus: 8, memory_gb: 32 } },
        { id: 'gpu', type: 'worker', data: { replicas: 2, gpu: 'NVIDIA H100', gpu_count: 2 } },
        { id: 'eu', type: 'worker', data: { replicas: 2, vcpus: 4, memory_gb: 16, provider: 'hetzner' } },
        { id: 'huge', type: 'worker', data: { replicas: 2, vcpus: 4096 } },
        { id: 'orphan', type: 'cache', data: { replicas: 2 } },
      ],
      edges: [
        { id: 'lb-api', source: 'lb', target: 'api' },
        { id: 'api-db', source: 'api', target: 'db' },
        { id: 'api-db-2', source: 'api', target: 'db' },
        { id: 'api-auth', source: 'api', target: 'auth' },
        { id: 'auth-api', source: 'auth', target: 'api' },
        { id: 'api-gpu', source: 'api', target: 'gpu', data: { async: true } },
        { id: 'gpu-db', source: 'gpu', target: 'db' },
        { id: 'api-eu', source: 'api', target: 'eu' },
        { id: 'eu-db', source: 'eu', target: 'db' },
        { id: 'api-huge', source: 'api', target: 'huge' },
        { id: 'huge-db', source: 'huge', target: 'db' },
      ],
    })
    sound = await graph(await project(ann.id, 'Sound'), {
      nodes: [{ id: 'lb', type: 'load_balancer', data: { replicas: 2 } }, { id: 'api', type: 'api', data: { replicas: 2 } }, { id: 'db', type: 'database', data: { ha: true } }],
      edges: [{ id: 'a', source: 'lb', target: 'api' }, { id: 'b', source: 'api', target: 'db' }],
    })
  })

  it('finds each planted problem in a saved graph and records the verdict on its version', async () => {
    const res = await call('POST', '/studio/analyze', { graph_id: reviewed }, ann.token)
    expect(res.status).toBe(200)
    const byCode = (code: string) => res.body.findings.filter((f: { code: string }) => f.code === code)
    expect(byCode('duplicate_edge')).toMatchObject([{ edge_ids: ['api-db', 'api-db-2'], node_ids: ['api', 'db'] }])
    expect(byCode('cycle')).toMatchObject([{ severity: 'error', node_ids: ['api', 'auth'] }])
    expect(byCode('unreachable_node')).toMatchObject([{ node_ids: ['orphan'] }])
    expect(byCode('single_point_of_failure')).toMatchObject([{ node_ids: ['db'] }])
    expect(byCode('dangling_edge')).toEqual([])
    expect(res.body).toMatchObject({ graph_id: reviewed, version: 2, is_valid: false, entry_points: ['lb'], sinks: ['db'] })
    expect(await query(`select is_valid from studio.graphs where id = $1`, [reviewed])).toEqual([{ is_valid: false }])
  })

  it('prices nodes that name a compute shape from the cheapest matching catalog offers', async () => {
    const { body } = await call('POST', '/studio/analyze', { graph_id: reviewed }, ann.token)
    const priced = Object.fromEntries(body.cost.nodes.map((n: { node_id: string }) => [n.node_id, n]))
    // 4 vCPU / 16 GB: the 0.40 USD offer (not the unavailable 0.01 one, nor the bigger ones), times 3 replicas.
    expect(priced.api).toMatchObject({ replicas: 3, unit_monthly_cents: 40, monthly_cents: 120, offer: { provider: 'studiotest', instance_id: 'st-4-16' } })
    // 8 vCPU / 32 GB (the 4/16 offer is too small): 0.50 EUR = 0.5435 USD beats 0.60 USD.
    expect(priced.db).toMatchObject({ label: 'Orders DB', unit_monthly_cents: 54, offer: { provider: 'studiotest_eu', original_currency: 'EUR', original_price_monthly: '0.5000' } })
    expect(priced.db.alternatives[0]).toMatchObject({ provider: 'studiotest', monthly_cents: 60 })
    // 2x H100 (vendor prefix dropped), 2 replicas.
    expect(priced.gpu).toMatchObject({ unit_monthly_cents: 10000, monthly_cents: 20000, offer: { instance_id: 'st-h100x2', gpu_count: 2, gpu_model: 'H100' } })
    // Pinned to a provider: that provider's cheapest offer, computed here from the catalog rows.
    const [hetzner] = await query<{ cents: number; instance_id: string }>(`
      select round(i.price_monthly / r.per_usd * 100)::int as cents, i.instance_id
      from cloud.instances i join cloud.currency_rates r on r.currency = i.price_currency
      where i.provider = 'hetzner' and i.available and i.cpu_cores >= 4 and i.memory_gb >= 16 and i.gpu_count = 0
      order by i.price_monthly / r.per_usd limit 1`)
    expect(priced.eu).toMatchObject({ offer: { provider: 'hetzner', instance_id: hetzner.instance_id }, unit_monthly_cents: hetzner.cents, monthly_cents: hetzner.cents * 2 })
    // Nothing offers 4096 vCPUs: reported, not guessed.
    expect(priced.huge).toBeUndefined()
    expect(body.cost.unpriced).toMatchObject([{ node_id: 'huge', reason: expect.stringContaining('4096 vCPU') }])
    expect(body.cost).toMatchObject({ currency: 'USD', monthly_cents: 120 + 54 + 20000 + hetzner.cents * 2 })
  })

  it('reviews an unsaved document, dangling edges included', async () => {
    const res = await call('POST', '/studio/analyze', {
      document: { nodes: [{ id: 'api', type: 'api', data: { replicas: 2 } }], edges: [{ id: 'broken', source: 'api', target: 'nowhere' }] },
    }, ann.token)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ graph_id: null, is_valid: false, findings: [{ code: 'dangling_edge', edge_ids: ['broken'] }] })
  })

  it('a sound design is valid', async () => {
    const res = await call('POST', '/studio/analyze', { graph_id: sound }, ann.token)
    expect(res.body).toMatchObject({ is_valid: true, findings: [], cost: { monthly_cents: 0, nodes: [], unpriced: [] } })
    expect(await query(`select is_valid from studio.graphs where id = $1`, [sound])).toEqual([{ is_valid: true }])
  })

  it('public graphs are reviewable by others without changing them; private ones are not found', async () => {
    await query(`update studio.graphs set is_valid = null where id = $1`, [reviewed])
    const other = await call('POST', '/studio/analyze', { graph_id: reviewed }, bob.token)
    expect(other.status).toBe(200)
    expect(other.body.is_valid).toBe(false)
    expect(await query(`select is_valid from studio.graphs where id = $1`, [reviewed])).toEqual([{ is_valid: null }])
    expect((await call('POST', '/studio/analyze', { graph_id: sound }, bob.token))).toMatchObject({ status: 404, body: { error: { code: 'graph_not_found' } } })
    const anonKey = await signRoleKey('anon', SECRET)
    expect((await call('POST', '/studio/analyze', { graph_id: reviewed }, anonKey))).toMatchObject({ status: 200, body: { is_valid: false } })
    expect((await call('POST', '/studio/analyze', { graph_id: sound }, anonKey)).status).toBe(404)
    expect((await call('POST', '/studio/analyze', { graph_id: reviewed })).status).toBe(401)
    expect((await call('POST', '/studio/analyze', { graph_id: 'not-a-uuid' }, ann.token)).status).toBe(400)
  })
})

describe('missing configuration', () => {
  it('without CREDENTIALS_ENCRYPTION_KEY: a key cannot be stored (503 credentials_key_not_configured), nothing is written', async () => {
    const before = (await query(`select id from studio.api_keys`)).length
    const res = await withoutEnv(['CREDENTIALS_ENCRYPTION_KEY'], () => call('POST', '/studio/api-keys', { name: 'unsealable', api_key: openai.apiKey }, bob.token))
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'credentials_key_not_configured', message: expect.stringContaining('CREDENTIALS_ENCRYPTION_KEY') } } })
    expect((await query(`select id from studio.api_keys`)).length).toBe(before)
  })

  it('without CREDENTIALS_ENCRYPTION_KEY: a user with an own key gets 503 (never the platform key), the model hears nothing', async () => {
    process.env.OPENAI_API_KEY = openai.apiKey
    const bobsProject = await project(bob.id, 'Own key')
    expect((await call('POST', '/studio/api-keys', { name: 'bob key', api_key: openai.apiKey }, bob.token)).status).toBe(201)
    const before = { generations: await usage(bob.id, 'ai_generations'), chats: openai.chats.length }
    const res = await withoutEnv(['CREDENTIALS_ENCRYPTION_KEY'], () => call('POST', '/studio/generate', { project_id: bobsProject, prompt: 'A blog' }, bob.token))
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'credentials_key_not_configured' } } })
    expect(openai.chats.length).toBe(before.chats)
    expect(await usage(bob.id, 'ai_generations')).toBe(before.generations)
  })
})
