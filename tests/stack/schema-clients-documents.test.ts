// The documented graphs.nodes, graphs.edges and chats.messages, selected on the tables themselves with
// supabase-js through the local stack (PostgREST computed fields), and what another user or anon gets
// through them: nothing of a private graph or chat, whether selected or forged into an RPC call.
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
let privateGraph: string
let publicGraph: string
let chat: string

const document = {
  nodes: [
    { id: 'api', type: 'api', label: 'API', position: { x: 0, y: 0 }, data: { replicas: 2 } },
    { id: 'db', type: 'database', position: { x: 200, y: 0 } },
  ],
  edges: [{ id: 'e1', source: 'api', target: 'db', label: 'SQL' }],
}

beforeAll(async () => {
  stack = await startTestStack()
  anon = anonClient(stack)
  ann = await signedInClient(stack, 'ann-documents@example.test')
  ben = await signedInClient(stack, 'ben-documents@example.test')
  const studio = ann.schema('studio')
  const projects = await studio.from('projects').insert([{ name: 'Private' }, { name: 'Public', is_public: true }]).select('id, name')
  expect(projects.error).toBeNull()
  const projectId = (name: string) => projects.data!.find((p) => p.name === name)!.id
  const graphs = await studio.from('graphs').insert([{ project_id: projectId('Private'), name: 'Secret' }, { project_id: projectId('Public'), name: 'Open' }]).select('id, name')
  expect(graphs.error).toBeNull()
  privateGraph = graphs.data!.find((g) => g.name === 'Secret')!.id
  publicGraph = graphs.data!.find((g) => g.name === 'Open')!.id
  expect((await studio.rpc('save_graph', { graph_id: privateGraph, document, expected_version: 1 })).error).toBeNull()
  expect((await studio.rpc('save_graph', { graph_id: publicGraph, document: { nodes: [{ id: 'cdn', type: 'cdn' }], edges: [] }, expected_version: 1 })).error).toBeNull()
  const chats = await studio.from('chats').insert({ project_id: projectId('Private'), title: 'Design' }).select('id').single()
  expect(chats.error).toBeNull()
  chat = chats.data!.id
  expect((await studio.from('messages').insert([{ chat_id: chat, role: 'user', content: 'add a cache' }])).error).toBeNull()
  expect((await studio.from('messages').insert([{ chat_id: chat, role: 'user', content: 'and a queue' }])).error).toBeNull()
})
afterAll(async () => {
  await stack?.stop()
})

describe('the documented arrays, selected on the tables', () => {
  it('graphs.nodes and graphs.edges come with the graph row, as the editor document', async () => {
    const { data, error } = await ann.schema('studio').from('graphs').select('id, name, nodes, edges, version').eq('id', privateGraph).single()
    expect(error).toBeNull()
    expect(data!.nodes).toEqual([
      { id: 'api', type: 'api', label: 'API', position: { x: 0, y: 0 }, data: { replicas: 2 } },
      { id: 'db', type: 'database', position: { x: 200, y: 0 }, data: {} },
    ])
    expect(data!.edges).toEqual([{ id: 'e1', source: 'api', target: 'db', label: 'SQL', data: {} }])
    expect(data!.version).toBe(2)
  })

  it('select(\'*\') leaves the computed arrays out, as PostgREST does', async () => {
    const { data, error } = await ann.schema('studio').from('graphs').select('*').eq('id', privateGraph).single()
    expect(error).toBeNull()
    expect(data!.name).toBe('Secret')
    expect(Object.keys(data!)).not.toContain('nodes')
  })

  it('chats.messages comes with the chat row, in order', async () => {
    const { data, error } = await ann.schema('studio').from('chats').select('id, title, messages').eq('id', chat).single()
    expect(error).toBeNull()
    expect((data!.messages as { content: string }[]).map((m) => m.content)).toEqual(['add a cache', 'and a queue'])
  })
})

describe('RLS holds through the computed fields', () => {
  it('another user gets no row and no nodes of a private graph, selected or forged into /rpc/nodes', async () => {
    const selected = await ben.schema('studio').from('graphs').select('id, nodes, edges').eq('id', privateGraph)
    expect(selected.error).toBeNull()
    expect(selected.data).toEqual([])
    // A row forged into /rpc/nodes reads as [] (hosted PostgREST builds the row from JSON; RLS holds
    // inside the function); the local gateway refuses the composite argument. Either way: no nodes.
    const forged = await ben.schema('studio').rpc('nodes', { graph: { id: privateGraph } as never })
    expect(forged.data ?? []).toEqual([])
    const forgedChat = await ben.schema('studio').rpc('messages', { chat: { id: chat } as never })
    expect(forgedChat.data ?? []).toEqual([])
    const chats = await ben.schema('studio').from('chats').select('id, messages').eq('id', chat)
    expect(chats.data).toEqual([])
  })

  it('anon reads the nodes of a public graph only, and no chat', async () => {
    const open = await anon.schema('studio').from('graphs').select('id, nodes').eq('id', publicGraph).single()
    expect(open.error).toBeNull()
    expect(open.data!.nodes).toEqual([{ id: 'cdn', type: 'cdn', position: { x: 0, y: 0 }, data: {} }])
    expect((await anon.schema('studio').from('graphs').select('id, nodes').eq('id', privateGraph)).data).toEqual([])
    const forged = await anon.schema('studio').rpc('nodes', { graph: { id: privateGraph } as never })
    expect(forged.data ?? []).toEqual([])
    expect((await anon.schema('studio').from('chats').select('id, messages')).error?.code).toBe('42501')
  })
})
