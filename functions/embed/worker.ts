// One embed run: claim jobs (skip locked) -> chunk -> pack into provider requests -> embed ->
// write vectors and complete jobs in one transaction (private.finish_embedding_batch), until the
// queue is empty, the time budget is spent, or the provider rate-limits us.
import type postgres from 'postgres'
import { type EmbeddingProvider, ProviderError, toVectorLiteral } from '../_shared/embeddings/provider.ts'
import { chunkText } from '../_shared/embeddings/tokens.ts'
import { OPENAI_LIMITS, packRequests, type RequestLimits } from './batching.ts'

export interface WorkerOptions {
  maxJobs: number
  maxSeconds: number
  chunkTokens: number
  chunkOverlap: number
  limits?: RequestLimits
}

interface ClaimedJob {
  job_id: string
  attempt: number
  content: string
  content_hash: string
}

interface Piece {
  job: ClaimedJob
  text: string
  tokens: number
}

interface Failure {
  job_id: string
  attempt: number
  error: string
  retry_after_seconds?: number
  count_attempt: boolean
}

interface RequestLog {
  provider: string
  model: string
  inputs: number
  tokens: number
  status: number
  duration_ms: number
  error?: string
}

export interface RunSummary {
  claimed: number
  written: number
  superseded: number
  retried: number
  dead: number
  requests: number
  tokens: number
  rate_limited_for_seconds?: number
}

/** Token-weighted mean of a long text's chunk vectors, L2-normalised: one vector per row. */
export function combineChunks(vectors: number[][], weights: number[]): number[] {
  if (vectors.length === 1) return vectors[0]
  const out = new Array<number>(vectors[0].length).fill(0)
  vectors.forEach((v, i) => v.forEach((x, d) => (out[d] += x * weights[i])))
  const norm = Math.hypot(...out) || 1
  return out.map((x) => x / norm)
}

export async function runEmbedWorker(sql: postgres.Sql, provider: EmbeddingProvider, options: WorkerOptions): Promise<RunSummary> {
  const summary: RunSummary = { claimed: 0, written: 0, superseded: 0, retried: 0, dead: 0, requests: 0, tokens: 0 }
  const deadline = Date.now() + options.maxSeconds * 1000

  while (Date.now() < deadline && summary.rate_limited_for_seconds === undefined) {
    const jobs = await sql<ClaimedJob[]>`
      select job_id::text, attempt, content, content_hash
      from private.claim_embedding_jobs(${options.maxJobs}, ${provider.model})`
    if (jobs.length === 0) break
    summary.claimed += jobs.length

    const piecesByJob = new Map(
      jobs.map((job) => [job, chunkText(job.content, options.chunkTokens, options.chunkOverlap).map((c) => ({ job, text: c.text, tokens: c.tokens }))]),
    )
    const pieces: Piece[] = [...piecesByJob.values()].flat()
    const vectors = new Map<Piece, number[]>()
    const failures = new Map<string, Failure>()
    const requests: RequestLog[] = []

    const fail = (group: Piece[], error: ProviderError, countAttempt: boolean) => {
      for (const { job } of group) {
        failures.set(job.job_id, {
          job_id: job.job_id,
          attempt: job.attempt,
          error: `${error.status || 'network'}: ${error.message}`,
          retry_after_seconds: error.retryAfterSeconds,
          count_attempt: countAttempt,
        })
      }
    }

    const embedGroup = async (group: Piece[]): Promise<void> => {
      if (summary.rate_limited_for_seconds !== undefined) {
        return fail(group, new ProviderError(429, 'rate limited', summary.rate_limited_for_seconds), false)
      }
      const started = Date.now()
      const log: RequestLog = { provider: provider.name, model: provider.model, inputs: group.length, tokens: 0, status: 200, duration_ms: 0 }
      requests.push(log)
      try {
        const result = await provider.embed(group.map((p) => p.text))
        log.tokens = result.tokens
        group.forEach((p, i) => vectors.set(p, result.vectors[i]))
      } catch (e) {
        const error = e instanceof ProviderError ? e : new ProviderError(0, (e as Error).message)
        log.status = error.status
        log.error = error.message
        if (error.status === 429) {
          summary.rate_limited_for_seconds = error.retryAfterSeconds ?? 60
          return fail(group, new ProviderError(429, error.message, summary.rate_limited_for_seconds), false)
        }
        // A bad input (4xx) fails the whole request: halve it until the culprit stands alone, so
        // one poisoned text cannot hold back the rest of the batch.
        if (error.status >= 400 && error.status < 500 && group.length > 1) {
          const middle = Math.ceil(group.length / 2)
          await embedGroup(group.slice(0, middle))
          await embedGroup(group.slice(middle))
          return
        }
        fail(group, error, true)
      } finally {
        log.duration_ms = Date.now() - started
      }
    }

    for (const group of packRequests(pieces, options.limits ?? OPENAI_LIMITS)) await embedGroup(group)

    const completed = jobs
      .filter((job) => !failures.has(job.job_id))
      .map((job) => {
        const own = piecesByJob.get(job)!
        return {
          job_id: job.job_id,
          attempt: job.attempt,
          content_hash: job.content_hash,
          embedding: toVectorLiteral(combineChunks(own.map((p) => vectors.get(p)!), own.map((p) => p.tokens))),
        }
      })

    const [{ result }] = await sql<{ result: { written: number; superseded: number; retried: number; dead: number } }[]>`
      select private.finish_embedding_batch(${sql.json({ model: provider.model, completed, failed: [...failures.values()], requests } as never)}) as result`
    summary.written += result.written
    summary.superseded += result.superseded
    summary.retried += result.retried
    summary.dead += result.dead
    summary.requests += requests.length
    summary.tokens += requests.reduce((sum, r) => sum + r.tokens, 0)
  }
  return summary
}
