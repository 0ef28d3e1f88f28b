// The studio function: AI generation of architecture graphs, design review with a cost estimate, and
// bring-your-own model keys. Graph and project CRUD, saves (studio.save_graph) and template cloning
// (studio.clone_template) go straight to the database through supabase-js; RLS decides.
//   POST   /studio/generate        user: {project_id, prompt, graph_id?, chat_id?} -> saved graph + chat messages
//   POST   /studio/analyze         anon or user: {graph_id} | {document} -> findings, is_valid, cost estimate
//   GET    /studio/api-keys        user: own keys (never the key)
//   POST   /studio/api-keys        user: {name, provider?, api_key, expires_at?} -> sealed, 201
//   DELETE /studio/api-keys/:id    user: delete an own key
import { z } from 'zod'
import { createApp } from '../_shared/app.ts'
import { type AuthClaims, requireRole } from '../_shared/auth.ts'
import { db, withRole } from '../_shared/db.ts'
import { ApiError } from '../_shared/errors.ts'
import { jsonBody, parse } from '../_shared/validation.ts'
import { analyzeGraph, type GraphDocument } from './analyze.ts'
import { createApiKey, deleteApiKey, listApiKeys } from './api-keys.ts'
import { generate } from './generate.ts'
import { estimateCost } from './pricing.ts'
import { auditHeaders } from './request.ts'
import { AnalyzeBody, ApiKeyBody, GenerateBody } from './schemas.ts'

export const app = createApp<{ Variables: { claims: AuthClaims } }>('studio')

app.post('/generate', requireRole('authenticated'), async (c) => {
  const body = parse(GenerateBody, await jsonBody(c))
  const result = await generate(c.get('claims'), body, auditHeaders(c))
  return c.json(result.body, result.created ? 201 : 200)
})

app.post('/analyze', requireRole('anon', 'authenticated'), async (c) => {
  const claims = c.get('claims')
  const role = claims.role === 'authenticated' ? 'authenticated' : 'anon'
  const body = parse(AnalyzeBody, await jsonBody(c))
  let graph: { id: string; version: number } | undefined
  let document: GraphDocument
  if ('graph_id' in body) {
    // Read as the caller: their own graphs and those of public projects.
    const [row] = await withRole(role, claims, (sql) => sql<(GraphDocument & { id: string; version: number })[]>`
      select id, version, nodes, edges from studio.graph_documents where id = ${body.graph_id}`)
    if (!row) throw new ApiError(404, 'graph_not_found', `No graph ${body.graph_id} that you can read`)
    graph = { id: row.id, version: row.version }
    document = row
  } else {
    document = body.document
  }
  const analysis = analyzeGraph(document)
  const cost = await withRole('anon', {}, (sql) => estimateCost(sql, analysis.compute))
  if (graph && role === 'authenticated') {
    // Record the verdict on the version analysed, if the caller owns it (is_valid is not client-writable).
    await db()`
      update studio.graphs g set is_valid = ${analysis.is_valid}
      where g.id = ${graph.id} and g.version = ${graph.version}
        and exists (select 1 from studio.projects p where p.id = g.project_id and p.user_id = ${claims.sub!})`
  }
  return c.json({
    graph_id: graph?.id ?? null,
    version: graph?.version ?? null,
    is_valid: analysis.is_valid,
    counts: analysis.counts,
    findings: analysis.findings,
    entry_points: analysis.entry_points,
    sinks: analysis.sinks,
    cost,
  })
})

app.get('/api-keys', requireRole('authenticated'), async (c) => c.json({ api_keys: await listApiKeys(c.get('claims')) }))

app.post('/api-keys', requireRole('authenticated'), async (c) => {
  const body = parse(ApiKeyBody, await jsonBody(c))
  return c.json(await createApiKey(c.get('claims'), body, auditHeaders(c)), 201)
})

app.delete('/api-keys/:id', requireRole('authenticated'), async (c) => {
  const id = parse(z.uuid(), c.req.param('id'))
  return c.json(await deleteApiKey(c.get('claims'), id, auditHeaders(c)))
})
