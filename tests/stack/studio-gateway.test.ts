// Studio through the gateway with supabase-js, as the editor uses it: a project and a graph written
// over REST, whole-document saves through the save_graph RPC with a stale version refused (and what
// the REST layer answers for it), another user seeing nothing, anon reading a public project only.
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../types/database.ts'
import type { RunningStack } from '../../stack/stack.ts'
import { anonClient, signedInClient } from '../support/gateway-clients.ts'
import { startTestStack } from '../support/test-stack.ts'

let stack: RunningStack
let anon: SupabaseClient<Database>
let ann: SupabaseClient<Database>
let ben: SupabaseClient<Database>

const document = (label: string) => ({
  nodes: [
    { id: 'web', type: 'api', position: { x: 0, y: 0 }, data: { label } },
    { id: 'db', type: 'database', position: { x: 200, y: 0 }, data: { label: 'Postgres' } },
  ],
  edges: [{ id: 'e1', source: 'web', target: 'db' }],
  viewport: { x: 0, y: 0, zoom: 1 },
})

beforeAll(async () => {
  stack = await startTestStack()
  anon = anonClient(stack)
  ann = await signedInClient(stack, 'ann-studio@example.test')
  ben = await signedInClient(stack, 'ben-studio@example.test')
})
afterAll(async () => {
  await stack?.stop()
})

describe('studio over REST', () => {
  it('saves whole documents by version; a stale save is refused and loses nothing', async () => {
    const project = await ann.schema('studio').from('projects').insert({ name: 'Shop', is_public: true }).select('id').single()
    expect(project.error).toBeNull()
    const graph = await ann.schema('studio').from('graphs').insert({ project_id: project.data!.id, name: 'Main' }).select('id, version').single()
    expect(graph.error).toBeNull()
    const graphId = graph.data!.id

    const first = await ann.schema('studio').rpc('save_graph', { graph_id: graphId, document: document('tab one'), expected_version: graph.data!.version })
    expect(first.error).toBeNull()
    const stale = await ann.schema('studio').rpc('save_graph', { graph_id: graphId, document: document('tab two'), expected_version: graph.data!.version })
    expect(stale.error?.code).toBe('PT409')
    expect(stale.error?.hint).toBe('version_conflict')
    expect(stale.status).toBe(409)

    const saved = await ann.schema('studio').from('graph_documents').select('version, nodes').eq('id', graphId).single()
    expect(saved.data!.version).toBe(graph.data!.version + 1)
    expect(JSON.stringify(saved.data!.nodes)).toContain('tab one')
    expect(JSON.stringify(saved.data!.nodes)).not.toContain('tab two')
  })

  it('another user can read a public project but not write it; anon reads it, and nothing private', async () => {
    const [{ id }] = await stack.db.query<{ id: string }>(`select id from studio.graphs limit 1`)
    const bens = await ben.schema('studio').rpc('save_graph', { graph_id: id, document: document('hijack'), expected_version: 2 })
    expect(bens.error).not.toBeNull()
    expect((await anon.schema('studio').from('graph_documents').select('id').eq('id', id)).data).toHaveLength(1)
    await ann.schema('studio').from('projects').insert({ name: 'Secret plans' })
    const anonProjects = await anon.schema('studio').from('projects').select('name')
    expect(anonProjects.data!.map((p) => p.name)).toEqual(['Shop'])
    const benProjects = await ben.schema('studio').from('projects').select('name').order('name')
    expect(benProjects.data!.map((p) => p.name)).toEqual(['Shop'])
    const updated = await ben.schema('studio').from('projects').update({ name: 'Mine now' }).eq('name', 'Shop').select('id')
    expect(updated.data).toEqual([])
  })
})
