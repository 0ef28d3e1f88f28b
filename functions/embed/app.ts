// POST /embed (service role): drains the embedding queue. Called every 10 s by pg_cron + pg_net
// when hosted and by the local stack's scheduler; safe to run as several workers at once.
import { z } from 'zod'
import { createApp } from '../_shared/app.ts'
import { requireRole } from '../_shared/auth.ts'
import { db } from '../_shared/db.ts'
import { embeddingProvider } from '../_shared/embeddings/provider.ts'
import { env } from '../_shared/env.ts'
import { jsonBody, parse } from '../_shared/validation.ts'
import { runEmbedWorker } from './worker.ts'

const RunRequest = z
  .object({
    max_jobs: z.number().int().min(1).max(2048).default(2048),
    max_seconds: z.number().positive().max(140).default(50),
  })
  .strict()

export const app = createApp('embed')

app.post('/', requireRole('service_role'), async (c) => {
  const body = parse(RunRequest, await jsonBody(c))
  const summary = await runEmbedWorker(db(), embeddingProvider(), {
    maxJobs: body.max_jobs,
    maxSeconds: body.max_seconds,
    chunkTokens: Number(env('EMBED_CHUNK_TOKENS') ?? 8000),
    chunkOverlap: Number(env('EMBED_CHUNK_OVERLAP') ?? 200),
  })
  return c.json(summary)
})
