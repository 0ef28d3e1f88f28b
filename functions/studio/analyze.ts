// Deterministic review of a graph document (pure: no I/O). Findings, each with a stable code:
//   duplicate_node_id        error    two nodes share an id (only the first is analysed)
//   dangling_edge            error    an edge names a node that does not exist
//   duplicate_edge           warning  several edges join the same nodes through the same handles
//   cycle                    error    a cycle of synchronous calls (through no queue and no async edge)
//   unreachable_node         warning  no path leads to the node from an entry point
//   single_point_of_failure  warning  every path from the entry points to the sinks goes through the
//                                     node and it has no replica
// Entry points: nodes with no incoming edge whose type is client, cdn, dns, load_balancer,
// api_gateway, api, scheduler or cron, and nodes with data.entry = true; when there are none, every
// node without an incoming edge. Asynchronous links: edges with data.async = true or of type
// async / queue / event, and every edge into or out of a queue node. A node is replicated when
// data.replicas (or data.min_replicas) > 1 or data.ha = true; a CDN counts as replicated.
// Compute shapes: node data (or data.compute) with vcpus, memory_gb and/or gpu (+ gpu_count,
// replicas, provider) is priced by pricing.ts.

export interface DocNode {
  id: string
  type?: string | null
  label?: string | null
  data?: Record<string, unknown> | null
}

export interface DocEdge {
  id?: string | null
  source: string
  target: string
  sourceHandle?: string | null
  targetHandle?: string | null
  type?: string | null
  data?: Record<string, unknown> | null
}

export interface GraphDocument {
  nodes: DocNode[]
  edges: DocEdge[]
}

export type FindingCode =
  | 'duplicate_node_id'
  | 'dangling_edge'
  | 'duplicate_edge'
  | 'cycle'
  | 'unreachable_node'
  | 'single_point_of_failure'

export interface Finding {
  code: FindingCode
  severity: 'error' | 'warning'
  message: string
  node_ids: string[]
  edge_ids: string[]
}

export interface ComputeShape {
  node_id: string
  label: string
  vcpus: number | null
  memory_gb: number | null
  gpu: string | null
  gpu_count: number
  replicas: number
  provider: string | null
}

export interface Analysis {
  is_valid: boolean
  findings: Finding[]
  entry_points: string[]
  sinks: string[]
  compute: ComputeShape[]
  counts: { nodes: number; edges: number; errors: number; warnings: number }
}

const TYPE_ALIASES: Record<string, string> = {
  lb: 'load_balancer',
  loadbalancer: 'load_balancer',
  gateway: 'api_gateway',
  apigateway: 'api_gateway',
  db: 'database',
  mq: 'queue',
  message_queue: 'queue',
  message_broker: 'queue',
  broker: 'queue',
  frontend: 'client',
  browser: 'client',
  user: 'client',
  users: 'client',
}
const ENTRY_TYPES = new Set(['client', 'cdn', 'dns', 'load_balancer', 'api_gateway', 'api', 'scheduler', 'cron'])
const ASYNC_EDGE_TYPES = new Set(['async', 'queue', 'event', 'events', 'pubsub', 'stream'])

/** "Load Balancer", "load-balancer", "LB" -> load_balancer. */
export function serviceType(type: string | null | undefined): string {
  const t = (type ?? '').trim().toLowerCase().replace(/[\s-]+/g, '_')
  return TYPE_ALIASES[t] ?? t
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null
}
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null)

export function isReplicated(node: DocNode): boolean {
  const d = node.data ?? {}
  return (num(d.replicas) ?? 0) > 1 || (num(d.min_replicas) ?? 0) > 1 || d.ha === true || serviceType(node.type) === 'cdn'
}

/** The compute shape a node names, if any. */
export function computeShape(node: DocNode): ComputeShape | undefined {
  const data = node.data ?? {}
  const d = (data.compute && typeof data.compute === 'object' ? { ...data, ...(data.compute as Record<string, unknown>) } : data) as Record<string, unknown>
  const vcpus = num(d.vcpus ?? d.vcpu ?? d.cpus ?? d.cpu)
  const memory = num(d.memory_gb ?? d.ram_gb ?? d.memory)
  const gpu = str(d.gpu ?? d.gpu_model)
  if (vcpus === null && memory === null && gpu === null) return undefined
  return {
    node_id: node.id,
    label: node.label ?? str(data.label) ?? node.id,
    vcpus,
    memory_gb: memory,
    gpu,
    gpu_count: gpu ? Math.max(1, Math.round(num(d.gpu_count) ?? 1)) : 0,
    replicas: Math.max(1, Math.round(num(data.replicas) ?? 1)),
    provider: str(d.provider)?.toLowerCase() ?? null,
  }
}

const edgeId = (e: DocEdge, index: number) => e.id ?? `${e.source}->${e.target}#${index}`

export function analyzeGraph(doc: GraphDocument): Analysis {
  const findings: Finding[] = []
  const nodes = new Map<string, DocNode>()
  const order = new Map<string, number>()
  const duplicateIds = new Set<string>()
  for (const node of doc.nodes) {
    if (nodes.has(node.id)) duplicateIds.add(node.id)
    else {
      nodes.set(node.id, node)
      order.set(node.id, order.size)
    }
  }
  for (const id of duplicateIds) {
    findings.push({ code: 'duplicate_node_id', severity: 'error', message: `Several nodes have the id "${id}"; only the first is analysed`, node_ids: [id], edge_ids: [] })
  }
  const byOrder = (a: string, b: string) => order.get(a)! - order.get(b)!
  const name = (id: string) => nodes.get(id)?.label ?? str(nodes.get(id)?.data?.label) ?? id

  // Edges: dangling ones are reported and left out; duplicates are reported once per group.
  const valid: (DocEdge & { eid: string })[] = []
  const groups = new Map<string, string[]>()
  doc.edges.forEach((edge, index) => {
    const eid = edgeId(edge, index)
    const missing = [...new Set([edge.source, edge.target].filter((end) => !nodes.has(end)))]
    if (missing.length > 0) {
      findings.push({
        code: 'dangling_edge',
        severity: 'error',
        message: `Edge ${eid} points at ${missing.map((m) => `"${m}"`).join(' and ')}, which ${missing.length > 1 ? 'are not nodes' : 'is not a node'} of this graph`,
        node_ids: [edge.source, edge.target].filter((end) => nodes.has(end)),
        edge_ids: [eid],
      })
      return
    }
    valid.push({ ...edge, eid })
    const key = JSON.stringify([edge.source, edge.target, edge.sourceHandle ?? null, edge.targetHandle ?? null])
    groups.set(key, [...(groups.get(key) ?? []), eid])
  })
  for (const [key, ids] of groups) {
    if (ids.length < 2) continue
    const [source, target] = JSON.parse(key) as [string, string]
    findings.push({
      code: 'duplicate_edge',
      severity: 'warning',
      message: `${ids.length} edges join ${name(source)} to ${name(target)}; keep one`,
      node_ids: [source, target],
      edge_ids: ids,
    })
  }

  const out = new Map<string, string[]>()
  const incoming = new Map<string, number>()
  for (const id of nodes.keys()) {
    out.set(id, [])
    incoming.set(id, 0)
  }
  for (const e of valid) {
    if (e.source === e.target) continue
    out.get(e.source)!.push(e.target)
    incoming.set(e.target, incoming.get(e.target)! + 1)
  }

  // Cycles of synchronous calls: strongly connected components of the synchronous subgraph.
  const isQueue = (id: string) => serviceType(nodes.get(id)!.type) === 'queue'
  const isAsync = (e: DocEdge) =>
    e.data?.async === true || ASYNC_EDGE_TYPES.has((e.type ?? '').toLowerCase()) || isQueue(e.source) || isQueue(e.target)
  const syncEdges = valid.filter((e) => !isAsync(e))
  const syncOut = new Map<string, string[]>([...nodes.keys()].map((id) => [id, []]))
  for (const e of syncEdges) syncOut.get(e.source)!.push(e.target)
  for (const component of stronglyConnected([...nodes.keys()], syncOut)) {
    const members = new Set(component)
    const edgesIn = syncEdges.filter((e) => members.has(e.source) && members.has(e.target))
    if (component.length === 1 && !edgesIn.some((e) => e.source === e.target)) continue
    const ids = [...component].sort(byOrder)
    findings.push({
      code: 'cycle',
      severity: 'error',
      message: ids.length === 1
        ? `${name(ids[0])} calls itself synchronously`
        : `Synchronous cycle between ${ids.map(name).join(', ')}: a request can loop or deadlock; break it or make one link asynchronous (a queue)`,
      node_ids: ids,
      edge_ids: edgesIn.map((e) => e.eid),
    })
  }

  // Entry points and reachability.
  const roots = [...nodes.keys()].filter((id) => incoming.get(id) === 0)
  let entries = [...nodes.keys()].filter((id) =>
    nodes.get(id)!.data?.entry === true || (incoming.get(id) === 0 && ENTRY_TYPES.has(serviceType(nodes.get(id)!.type))))
  if (entries.length === 0) entries = roots.length > 0 ? roots : [...nodes.keys()].slice(0, 1)
  const reachable = reach(entries, out)
  for (const id of nodes.keys()) {
    if (reachable.has(id)) continue
    findings.push({
      code: 'unreachable_node',
      severity: 'warning',
      message: `${name(id)} cannot be reached from any entry point (${entries.map(name).join(', ') || 'none'})`,
      node_ids: [id],
      edge_ids: [],
    })
  }

  // Single points of failure: nodes on every path from the entry points to the sinks.
  const sinks = [...reachable].filter((id) => out.get(id)!.length === 0).sort(byOrder)
  if (sinks.length > 0) {
    for (const id of [...reachable].sort(byOrder)) {
      if (isReplicated(nodes.get(id)!)) continue
      const starts = entries.filter((e) => e !== id)
      const seen = reach(starts, out, id)
      if (!sinks.some((s) => s !== id && seen.has(s))) {
        findings.push({
          code: 'single_point_of_failure',
          severity: 'warning',
          message: `${name(id)} is a single point of failure: every request path goes through it and it has no replica (set data.replicas above 1)`,
          node_ids: [id],
          edge_ids: [],
        })
      }
    }
  }

  const compute = [...nodes.values()].map(computeShape).filter((s): s is ComputeShape => s !== undefined)
  const errors = findings.filter((f) => f.severity === 'error').length
  return {
    is_valid: errors === 0,
    findings,
    entry_points: entries.sort(byOrder),
    sinks,
    compute,
    counts: { nodes: doc.nodes.length, edges: doc.edges.length, errors, warnings: findings.length - errors },
  }
}

/** Nodes reachable from starts (never entering `blocked`). */
function reach(starts: string[], out: Map<string, string[]>, blocked?: string): Set<string> {
  const seen = new Set<string>()
  const stack = starts.filter((s) => s !== blocked)
  while (stack.length > 0) {
    const id = stack.pop()!
    if (seen.has(id)) continue
    seen.add(id)
    for (const next of out.get(id) ?? []) if (next !== blocked && !seen.has(next)) stack.push(next)
  }
  return seen
}

/** Tarjan's strongly connected components, iterative (deep graphs do not overflow the stack). */
function stronglyConnected(ids: string[], out: Map<string, string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []
  let counter = 0
  for (const root of ids) {
    if (index.has(root)) continue
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }]
    index.set(root, counter)
    low.set(root, counter++)
    stack.push(root)
    onStack.add(root)
    while (work.length > 0) {
      const frame = work[work.length - 1]
      const targets = out.get(frame.id) ?? []
      if (frame.next < targets.length) {
        const target = targets[frame.next++]
        if (!index.has(target)) {
          index.set(target, counter)
          low.set(target, counter++)
          stack.push(target)
          onStack.add(target)
          work.push({ id: target, next: 0 })
        } else if (onStack.has(target)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(target)!))
        }
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1].id
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!))
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = []
        let member: string
        do {
          member = stack.pop()!
          onStack.delete(member)
          component.push(member)
        } while (member !== frame.id)
        components.push(component)
      }
    }
  }
  return components
}
