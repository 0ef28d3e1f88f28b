// The relevance figure of `npm run bench` (--only=relevance): the labelled query set scored on the
// cached full-volume database of this lane's engine (the one bench/vector-search.ts builds; built
// here if it does not exist yet), through the catalog function's routes with the local embedder.
import { openPglite, serveSocket, socketPort } from '../../stack/database.ts'
import { engine } from '../engines.ts'
import { ensurePgliteFull, ensurePostgresFull } from '../vector-search.ts'
import { type RelevanceFigures, scoreRelevance } from './score.ts'

/** Scores the PGlite data directory `dataDir`, served on a socket as the stack serves it. */
export async function scorePgliteDir(dataDir: string, log?: (line: string) => void): Promise<RelevanceFigures> {
  const db = await openPglite({ dataDir })
  const socket = await serveSocket(db, '127.0.0.1', 0)
  try {
    return await scoreRelevance(`postgresql://postgres:postgres@127.0.0.1:${socketPort(socket)}/postgres`, log)
  } finally {
    await socket.stop()
    await db.close()
  }
}

export async function relevanceFigures(log: (line: string) => void): Promise<RelevanceFigures> {
  delete process.env.OPENAI_API_KEY // the local embedder: deterministic, offline
  const figures = engine === 'pglite' ? await scorePgliteDir(await ensurePgliteFull(log)) : await scoreRelevance(await ensurePostgresFull(log))
  for (const kind of ['offers', 'packages', 'overall'] as const) {
    const s = figures[kind]
    log(`relevance ${kind}: MRR ${s.mrr} (baseline ${s.baseline_mrr}), nDCG@10 ${s.ndcg_at_10} (baseline ${s.baseline_ndcg_at_10}), ${s.hits_at_1}/${s.questions} first`)
  }
  return figures
}
