// POST /studio/generate: a prompt in; a new or modified graph out, saved through studio.save_graph and
// recorded as chat messages with their token counts.
//   1. As the user (RLS): the project, the graph (with the version the model will build on), the chat.
//   2. The model key: the user's own OpenAI key, else OPENAI_API_KEY; neither: 503 no_model_key.
//   3. studio.consume_generation: the tier's monthly limit (402 tier_limit_ai_generations).
//   4. One structured-output call (GeneratedGraph as a strict JSON schema).
//   5. One transaction: create the graph if needed, save_graph from the loaded version (a save made
//      meanwhile wins: 409 version_conflict), the chat and both messages, last_used_at of the key,
//      the month's ai_tokens.
// Steps 4 and 5 failing give the generation back (nothing was produced).
import OpenAI, { APIError } from 'openai'
import type postgres from 'postgres'
import { zodResponseFormat } from 'openai/helpers/zod'
import type { AuthClaims } from '../_shared/auth.ts'
import { db, withRole } from '../_shared/db.ts'
import { env } from '../_shared/env.ts'
import { ApiError } from '../_shared/errors.ts'
import { type ModelKey, modelKey } from './api-keys.ts'
import { mapDatabaseErrors } from './request.ts'
import { type GenerateBody, GeneratedGraph, SERVICE_TYPES } from './schemas.ts'

interface Position {
  x: number
  y: number
}

interface DocNode {
  id: string
  type?: string
  label?: string
  position?: Position
  data?: Record<string, unknown>
  [key: string]: unknown
}

interface DocEdge {
  id: string
  source: string
  target: string
  label?: string
  data?: Record<string, unknown>
  [key: string]: unknown
}

interface GraphRow {
  id: string
  name: string
  version: number
  nodes: DocNode[]
  edges: DocEdge[]
  viewport: Record<string, unknown>
}

const SYSTEM_PROMPT = `You are the architecture designer of Simulark AI. From the user's request (and the current graph, when one is given) you produce the complete architecture of the system as a graph.
- Nodes are components. type is one of: ${SERVICE_TYPES.join(', ')}.
- Edges are calls or data flows from the caller (source) to the callee (target); set async to true when the link goes through a queue or events.
- When a current graph is given, return the whole updated graph: keep the ids of the nodes that stay and change only what the request asks.
- Give replicas above 1 to components that must survive the loss of one instance.
- For components that run on servers we operate, give the per-instance shape: vcpus, memory_gb, and gpu with gpu_count for GPU work; use null for managed services.
- Ids are short, lower case and unique. Every edge joins two nodes of the graph.
- summary tells the user, in two or three sentences, what the design is and what changed.`

export function modelName(): string {
  return env('STUDIO_MODEL') ?? 'gpt-4o-mini'
}

/** The graph the model sees: what it can reason about, not editor layout. */
function compact(graph: GraphRow) {
  return {
    nodes: graph.nodes.map((n) => ({ id: n.id, type: n.type, label: n.label, data: n.data })),
    edges: graph.edges.map((e) => ({ source: e.source, target: e.target, label: e.label ?? null, async: e.data?.async === true })),
  }
}

/** Columns by depth from the roots (longest path, cycles cut), rows in model order. */
function layout(ids: string[], edges: { source: string; target: string }[]): Map<string, Position> {
  const depth = new Map(ids.map((id) => [id, 0]))
  for (let round = 0; round < ids.length; round++) {
    let changed = false
    for (const e of edges) {
      const next = depth.get(e.source)! + 1
      if (e.source !== e.target && next < ids.length && next > depth.get(e.target)!) {
        depth.set(e.target, next)
        changed = true
      }
    }
    if (!changed) break
  }
  const rows = new Map<number, number>()
  const positions = new Map<string, Position>()
  for (const id of ids) {
    const column = depth.get(id)!
    const row = rows.get(column) ?? 0
    rows.set(column, row + 1)
    positions.set(id, { x: column * 260, y: row * 140 })
  }
  return positions
}

/**
 * The model's graph as an editor document. Nodes that were already there keep their position and
 * any data the model does not describe; new nodes are laid out. Edges to unknown nodes and repeated
 * nodes are dropped (with a warning), never saved.
 */
export function toDocument(generated: GeneratedGraph, current: GraphRow | undefined): { document: Record<string, unknown>; warnings: string[] } {
  const warnings: string[] = []
  const previous = new Map((current?.nodes ?? []).map((n) => [n.id, n]))
  const seen = new Set<string>()
  const nodes = generated.nodes.filter((n) => {
    if (!n.id.trim() || seen.has(n.id)) {
      warnings.push(`dropped a repeated or empty node id "${n.id}"`)
      return false
    }
    seen.add(n.id)
    return true
  })
  const edges = generated.edges.filter((e) => {
    if (seen.has(e.source) && seen.has(e.target)) return true
    warnings.push(`dropped the edge ${e.source} -> ${e.target}: it names a node that is not in the graph`)
    return false
  })
  const positions = layout(nodes.map((n) => n.id), edges)
  const edgeIds = new Map<string, number>()
  return {
    warnings,
    document: {
      viewport: current?.viewport ?? { x: 0, y: 0, zoom: 1 },
      nodes: nodes.map((n) => {
        const before = previous.get(n.id)
        const described = Object.fromEntries(
          Object.entries({
            description: n.description,
            technology: n.technology,
            replicas: n.replicas === null ? null : Math.max(1, Math.round(n.replicas)),
            vcpus: n.vcpus,
            memory_gb: n.memory_gb,
            gpu: n.gpu,
            gpu_count: n.gpu === null ? null : Math.max(1, Math.round(n.gpu_count ?? 1)),
          }).filter(([, v]) => v !== null && v !== ''),
        )
        return {
          ...(before ?? {}),
          id: n.id,
          type: n.type,
          label: n.label,
          position: before?.position ?? positions.get(n.id),
          data: { ...(before?.data ?? {}), ...described },
        }
      }),
      edges: edges.map((e) => {
        const base = `${e.source}->${e.target}`
        const n = (edgeIds.get(base) ?? 0) + 1
        edgeIds.set(base, n)
        return {
          id: n === 1 ? base : `${base}#${n}`,
          source: e.source,
          target: e.target,
          ...(e.label ? { label: e.label } : {}),
          data: e.async ? { async: true } : {},
        }
      }),
    },
  }
}

async function callModel(key: ModelKey, messages: { role: 'system' | 'user' | 'assistant'; content: string }[]) {
  const client = new OpenAI({ apiKey: key.apiKey, baseURL: env('OPENAI_BASE_URL'), maxRetries: 1, timeout: 120_000 })
  let completion
  try {
    completion = await client.chat.completions.parse({
      model: modelName(),
      messages,
      response_format: zodResponseFormat(GeneratedGraph, 'architecture_graph'),
    })
  } catch (error) {
    if (error instanceof APIError && error.status !== undefined) {
      if ((error.status === 401 || error.status === 403) && key.source === 'user') {
        throw new ApiError(400, 'model_key_rejected', `OpenAI rejected your key "${key.keyName}" (${error.status}); replace it or deactivate it`)
      }
      if (error.status === 429) throw new ApiError(429, 'model_rate_limited', 'The model is rate limited; try again shortly')
    }
    console.error(JSON.stringify({ level: 'error', service: 'openai', key_source: key.source, message: (error as Error).message }))
    if (error instanceof APIError) throw new ApiError(502, 'model_unavailable', 'The model could not be reached')
    throw new ApiError(502, 'model_invalid_output', 'The model did not answer with a valid graph')
  }
  const choice = completion.choices[0]
  if (choice?.message.refusal) throw new ApiError(422, 'model_refused', `The model declined: ${choice.message.refusal}`)
  const parsed = choice?.message.parsed
  if (!parsed || parsed.nodes.length === 0) throw new ApiError(502, 'model_invalid_output', 'The model did not answer with a graph')
  return { parsed, usage: completion.usage, model: completion.model, finishReason: choice.finish_reason }
}

export async function generate(claims: AuthClaims, body: GenerateBody, headers: Record<string, string>) {
  const userId = claims.sub!

  const context = await withRole('authenticated', claims, async (sql) => {
    const [project] = await sql<{ id: string; name: string }[]>`
      select id, name from studio.projects where id = ${body.project_id} and user_id = ${userId}`
    if (!project) throw new ApiError(404, 'project_not_found', `No project ${body.project_id} of yours`)
    let graph: GraphRow | undefined
    if (body.graph_id) {
      ;[graph] = await sql<GraphRow[]>`
        select id, name, version, nodes, edges, viewport from studio.graph_documents where id = ${body.graph_id} and project_id = ${project.id}`
      if (!graph) throw new ApiError(404, 'graph_not_found', `No graph ${body.graph_id} in this project`)
    }
    let history: { role: 'user' | 'assistant'; content: string }[] = []
    if (body.chat_id) {
      const [chat] = await sql`select id from studio.chats where id = ${body.chat_id} and project_id = ${project.id}`
      if (!chat) throw new ApiError(404, 'chat_not_found', `No chat ${body.chat_id} in this project`)
      history = (await sql<{ role: 'user' | 'assistant'; content: string }[]>`
        select role, content from studio.messages where chat_id = ${body.chat_id} and role in ('user', 'assistant')
        order by created_at desc, id desc limit 10`).reverse()
    }
    return { project, graph, history }
  })

  const key = await modelKey(userId, env('OPENAI_API_KEY'))
  const [{ quota }] = await mapDatabaseErrors(() => db()<{ quota: { used: number; limit: number | null; period_end: string } }[]>`
    select studio.consume_generation(${userId}) as quota`)

  try {
    const request = context.graph
      ? `Project: ${context.project.name}\nCurrent graph "${context.graph.name}" (version ${context.graph.version}):\n${JSON.stringify(compact(context.graph))}\n\nRequest: ${body.prompt}`
      : `Project: ${context.project.name}\nThere is no graph yet.\n\nRequest: ${body.prompt}`
    const answer = await callModel(key, [{ role: 'system', content: SYSTEM_PROMPT }, ...context.history, { role: 'user', content: request }])
    const { document, warnings } = toDocument(answer.parsed, context.graph)
    const usage = {
      prompt_tokens: answer.usage?.prompt_tokens ?? 0,
      completion_tokens: answer.usage?.completion_tokens ?? 0,
      total_tokens: answer.usage?.total_tokens ?? 0,
    }

    const saved = await mapDatabaseErrors(() => withRole('authenticated', claims, async (tx) => {
      await tx`select set_config('request.headers', ${JSON.stringify(headers)}, true)`
      let graphId = context.graph?.id
      let expected = context.graph?.version
      if (!graphId) {
        const [created] = await tx<{ id: string; version: number }[]>`
          insert into studio.graphs (project_id, name) values (${context.project.id}, ${body.prompt.slice(0, 80).trim() || 'Main'})
          returning id, version`
        graphId = created.id
        expected = created.version
      }
      const [{ graph }] = await tx<{ graph: GraphRow }[]>`
        select studio.save_graph(${graphId}::uuid, ${tx.json(document as postgres.JSONValue)}, ${expected!}::integer) as graph`
      let chatId = body.chat_id
      if (!chatId) {
        const [chat] = await tx<{ id: string }[]>`
          insert into studio.chats (project_id, user_id, title, context)
          values (${context.project.id}, ${userId}, ${body.prompt.slice(0, 120)}, ${tx.json({ graph_id: graphId! })})
          returning id`
        chatId = chat.id
      }
      // The rest is the function's to write (assistant messages, token counts, key use, usage).
      await tx`reset role`
      const generation = { graph_id: graphId!, version: graph.version }
      const [prompt] = await tx<{ id: string }[]>`
        insert into studio.messages (chat_id, role, content, metadata, tokens)
        values (${chatId}, 'user', ${body.prompt}, ${tx.json(generation)}, ${usage.prompt_tokens})
        returning id`
      const [reply] = await tx<{ id: string }[]>`
        insert into studio.messages (chat_id, role, content, metadata, tokens)
        values (${chatId}, 'assistant', ${answer.parsed.summary},
                ${tx.json({ ...generation, model: answer.model, key_source: key.source, finish_reason: answer.finishReason, usage, warnings })},
                ${usage.completion_tokens})
        returning id`
      if (key.keyId) await tx`update studio.api_keys set last_used_at = now() where id = ${key.keyId}`
      await tx`select studio.record_usage(${userId}, 'ai_tokens', ${usage.total_tokens})`
      return { graph, chatId: chatId!, created: !context.graph, messages: { user: prompt.id, assistant: reply.id } }
    }))

    return {
      created: saved.created,
      body: {
        project_id: context.project.id,
        graph_id: saved.graph.id,
        version: saved.graph.version,
        chat_id: saved.chatId,
        document: { nodes: saved.graph.nodes, edges: saved.graph.edges, viewport: saved.graph.viewport },
        summary: answer.parsed.summary,
        messages: saved.messages,
        model: answer.model,
        key_source: key.source,
        usage,
        generations: { used: quota.used, limit: quota.limit, period_end: quota.period_end },
        warnings,
      },
    }
  } catch (error) {
    await db()`select studio.refund_generation(${userId})`
    throw error
  }
}
