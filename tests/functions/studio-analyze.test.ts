// The studio design review on fixture graphs (pure, no database): each planted problem is found with
// its code and the nodes/edges involved, and a sound design gets no finding at all.
import { describe, expect, it } from 'vitest'
import { analyzeGraph, computeShape, type DocEdge, type DocNode, type GraphDocument, serviceType } from '../../functions/studio/analyze.ts'
import { toDocument } from '../../functions/studio/generate.ts'

const node = (id: string, type: string, data: Record<string, unknown> = {}): DocNode => ({ id, type, label: id.toUpperCase(), data })
const edge = (source: string, target: string, extra: Partial<DocEdge> = {}): DocEdge => ({ id: `${source}-${target}`, source, target, ...extra })
const codes = (doc: GraphDocument) => analyzeGraph(doc).findings.map((f) => f.code).sort()
const findings = (doc: GraphDocument, code: string) => analyzeGraph(doc).findings.filter((f) => f.code === code)

// A sound three-tier design: every hop replicated, no cycle, everything reachable.
const sound: GraphDocument = {
  nodes: [
    node('cdn', 'cdn'),
    node('lb', 'load_balancer', { replicas: 2 }),
    node('api', 'api', { replicas: 3 }),
    node('cache', 'cache', { replicas: 2 }),
    node('db', 'database', { replicas: 2 }),
  ],
  edges: [edge('cdn', 'lb'), edge('lb', 'api'), edge('api', 'cache'), edge('api', 'db')],
}

describe('analyzeGraph', () => {
  it('finds nothing wrong in a sound design', () => {
    const analysis = analyzeGraph(sound)
    expect(analysis.findings).toEqual([])
    expect(analysis.is_valid).toBe(true)
    expect(analysis.entry_points).toEqual(['cdn'])
    expect(analysis.sinks).toEqual(['cache', 'db'])
    expect(analysis.counts).toEqual({ nodes: 5, edges: 4, errors: 0, warnings: 0 })
  })

  it('finds a dangling edge (an error) and leaves it out of the rest of the review', () => {
    const doc = { nodes: sound.nodes, edges: [...sound.edges, edge('api', 'ghost', { id: 'to-ghost' })] }
    const [dangling] = findings(doc, 'dangling_edge')
    expect(dangling).toMatchObject({ severity: 'error', edge_ids: ['to-ghost'], node_ids: ['api'] })
    expect(dangling.message).toContain('"ghost"')
    expect(codes(doc)).toEqual(['dangling_edge'])
    expect(analyzeGraph(doc).is_valid).toBe(false)
    // api still has real sinks, so it is not turned into a sink by the dangling edge.
    expect(analyzeGraph(doc).sinks).toEqual(['cache', 'db'])
  })

  it('finds duplicate edges between the same nodes and handles, not edges through other handles', () => {
    const doc = {
      nodes: sound.nodes,
      edges: [...sound.edges, edge('api', 'db', { id: 'api-db-again' }), edge('api', 'db', { id: 'api-db-replica', sourceHandle: 'read' })],
    }
    const duplicates = findings(doc, 'duplicate_edge')
    expect(duplicates).toHaveLength(1)
    expect(duplicates[0]).toMatchObject({ severity: 'warning', node_ids: ['api', 'db'], edge_ids: ['api-db', 'api-db-again'] })
    expect(analyzeGraph(doc).is_valid).toBe(true)
  })

  it('finds a cycle of synchronous calls, with its nodes and edges', () => {
    const doc = {
      nodes: [...sound.nodes, node('auth', 'service', { replicas: 2 })],
      edges: [...sound.edges, edge('api', 'auth'), edge('auth', 'api')],
    }
    const [cycle] = findings(doc, 'cycle')
    expect(cycle).toMatchObject({ severity: 'error', node_ids: ['api', 'auth'] })
    expect(cycle.edge_ids.sort()).toEqual(['api-auth', 'auth-api'])
    expect(analyzeGraph(doc).is_valid).toBe(false)
  })

  it('finds a node calling itself', () => {
    const doc = { nodes: sound.nodes, edges: [...sound.edges, edge('db', 'db')] }
    expect(findings(doc, 'cycle')).toMatchObject([{ node_ids: ['db'], edge_ids: ['db-db'] }])
  })

  it('allows cycles through a queue or an asynchronous edge', () => {
    const throughQueue = {
      nodes: [...sound.nodes, node('jobs', 'queue', { replicas: 3 }), node('worker', 'worker', { replicas: 2 })],
      edges: [...sound.edges, edge('api', 'jobs'), edge('jobs', 'worker'), edge('worker', 'api')],
    }
    expect(findings(throughQueue, 'cycle')).toEqual([])
    const asyncCallback = {
      nodes: [...sound.nodes, node('worker', 'worker', { replicas: 2 })],
      edges: [...sound.edges, edge('api', 'worker'), edge('worker', 'api', { data: { async: true } })],
    }
    expect(findings(asyncCallback, 'cycle')).toEqual([])
    const eventEdge = { ...asyncCallback, edges: [...sound.edges, edge('api', 'worker'), edge('worker', 'api', { type: 'event' })] }
    expect(findings(eventEdge, 'cycle')).toEqual([])
    const sync = { ...asyncCallback, edges: [...sound.edges, edge('api', 'worker'), edge('worker', 'api')] }
    expect(findings(sync, 'cycle')).toHaveLength(1)
  })

  it('finds nodes no entry point reaches, including those only reached from unreachable ones', () => {
    const doc = {
      nodes: [...sound.nodes, node('legacy', 'database', { replicas: 2 }), node('cron', 'worker', { replicas: 2 }), node('reports', 'storage', { replicas: 2 })],
      edges: [...sound.edges, edge('cron', 'reports')],
    }
    expect(findings(doc, 'unreachable_node').map((f) => f.node_ids[0])).toEqual(['legacy', 'cron', 'reports'])
    // data.entry marks a node that starts work by itself (a scheduled job).
    const scheduled = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'cron' ? { ...n, data: { ...n.data, entry: true } } : n)) }
    expect(findings(scheduled, 'unreachable_node').map((f) => f.node_ids[0])).toEqual(['legacy'])
    expect(analyzeGraph(doc).is_valid).toBe(true)
  })

  it('finds single points of failure: a node on every path with no replica', () => {
    const doc: GraphDocument = {
      nodes: [node('lb', 'Load Balancer'), node('api', 'api', { replicas: 1 }), node('db', 'database')],
      edges: [edge('lb', 'api'), edge('api', 'db')],
    }
    expect(findings(doc, 'single_point_of_failure').map((f) => f.node_ids[0])).toEqual(['lb', 'api', 'db'])
    const replicated = { ...doc, nodes: [node('lb', 'load_balancer', { replicas: 2 }), node('api', 'api', { replicas: 4 }), node('db', 'database', { ha: true })] }
    expect(findings(replicated, 'single_point_of_failure')).toEqual([])
  })

  it('does not flag a node that a parallel path bypasses', () => {
    const doc: GraphDocument = {
      nodes: [node('lb', 'load_balancer', { replicas: 2 }), node('api_a', 'service'), node('api_b', 'service'), node('db', 'database')],
      edges: [edge('lb', 'api_a'), edge('lb', 'api_b'), edge('api_a', 'db'), edge('api_b', 'db')],
    }
    expect(findings(doc, 'single_point_of_failure').map((f) => f.node_ids[0])).toEqual(['db'])
  })

  it('reports duplicate node ids as errors', () => {
    const doc = { nodes: [...sound.nodes, node('api', 'worker')], edges: sound.edges }
    expect(findings(doc, 'duplicate_node_id')).toMatchObject([{ severity: 'error', node_ids: ['api'] }])
  })

  it('reviews an empty graph without findings', () => {
    expect(analyzeGraph({ nodes: [], edges: [] })).toMatchObject({ is_valid: true, findings: [], entry_points: [], sinks: [] })
  })

  it('reads compute shapes from node data', () => {
    expect(computeShape(node('api', 'api', { vcpus: 4, memory_gb: 16, replicas: 3 }))).toMatchObject({
      node_id: 'api', vcpus: 4, memory_gb: 16, gpu: null, gpu_count: 0, replicas: 3, provider: null,
    })
    expect(computeShape(node('llm', 'worker', { compute: { gpu: 'NVIDIA H100', gpu_count: 2, provider: 'RunPod' } }))).toMatchObject({
      gpu: 'NVIDIA H100', gpu_count: 2, replicas: 1, provider: 'runpod',
    })
    expect(computeShape(node('gpu', 'worker', { gpu: 'L4' }))?.gpu_count).toBe(1)
    expect(computeShape(node('managed', 'database', { technology: 'RDS' }))).toBeUndefined()
    expect(computeShape(node('bad', 'api', { vcpus: -2, memory_gb: 'lots' }))).toBeUndefined()
    expect(analyzeGraph({ nodes: [...sound.nodes, node('w', 'worker', { vcpus: '2' })], edges: sound.edges }).compute.map((c) => c.node_id)).toEqual(['w'])
  })

  it('normalises service types', () => {
    expect(['Load Balancer', 'load-balancer', 'LB', 'gateway', 'Message Queue'].map(serviceType)).toEqual([
      'load_balancer', 'load_balancer', 'load_balancer', 'api_gateway', 'queue',
    ])
  })
})

describe('toDocument (generated graph -> editor document)', () => {
  const generated = {
    summary: 'A web app',
    nodes: [
      { id: 'api', type: 'api' as const, label: 'API', description: 'serves', technology: 'Go', replicas: 2.4, vcpus: 2, memory_gb: 4, gpu: null, gpu_count: null },
      { id: 'db', type: 'database' as const, label: 'DB', description: 'stores', technology: null, replicas: null, vcpus: null, memory_gb: null, gpu: null, gpu_count: null },
      { id: 'api', type: 'worker' as const, label: 'dup', description: '', technology: null, replicas: null, vcpus: null, memory_gb: null, gpu: null, gpu_count: null },
    ],
    edges: [
      { source: 'api', target: 'db', label: 'SQL', async: false },
      { source: 'api', target: 'db', label: null, async: true },
      { source: 'api', target: 'nowhere', label: null, async: false },
    ],
  }

  it('keeps positions and extra data of existing nodes, lays out new ones, drops what cannot be saved', () => {
    const current = {
      id: 'g', name: 'Main', version: 3, viewport: { x: 5, y: 5, zoom: 2 },
      nodes: [{ id: 'api', type: 'api', position: { x: 999, y: 111 }, data: { owner: 'team-a', replicas: 1 }, style: { color: 'red' } }],
      edges: [],
    }
    const { document, warnings } = toDocument(generated, current)
    const nodes = document.nodes as DocNode[] & { position: { x: number; y: number }; style?: unknown }[]
    expect(nodes.map((n) => n.id)).toEqual(['api', 'db'])
    expect(nodes[0]).toMatchObject({ position: { x: 999, y: 111 }, style: { color: 'red' }, data: { owner: 'team-a', replicas: 2, vcpus: 2, technology: 'Go' } })
    expect(nodes[1]).toMatchObject({ type: 'database', position: { x: 260, y: 0 }, data: { description: 'stores' } })
    expect(nodes[1].data).not.toHaveProperty('replicas')
    expect(document.edges).toEqual([
      { id: 'api->db', source: 'api', target: 'db', label: 'SQL', data: {} },
      { id: 'api->db#2', source: 'api', target: 'db', data: { async: true } },
    ])
    expect(document.viewport).toEqual({ x: 5, y: 5, zoom: 2 })
    expect(warnings).toHaveLength(2)
    expect(warnings.join(' ')).toContain('nowhere')
  })
})
