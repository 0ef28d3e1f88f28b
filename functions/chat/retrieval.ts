// What an answer may use, all from the asking site's own tenant: passages of its crawled pages
// (hybrid search on its domain only), and the owner's approved Q&A with fresh FAQ / product
// extractions ranked together by relevance (sites.search_knowledge: full text + vector, RRF).
import { db } from '../_shared/db.ts'
import { embedQuery, toVectorLiteral } from '../_shared/embeddings/provider.ts'
import type { Site } from './site.ts'

export interface Source {
  kind: 'page' | 'qa' | 'faq' | 'product' | 'order'
  url: string | null
  title: string | null
  text: string
}

const STOPWORDS = new Set(['what', 'which', 'when', 'where', 'your', 'does', 'have', 'with', 'about', 'that', 'this', 'from', 'there', 'their', 'would', 'could', 'should', 'much', 'many', 'how'])

/** Content words of a question (4+ letters, not stopwords), longest first. */
export function keywords(question: string): string[] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? []
  return [...new Set(words.filter((w) => !STOPWORDS.has(w)))].sort((a, b) => b.length - a.length)
}

export async function retrieve(site: Site, question: string): Promise<Source[]> {
  const sql = db()
  const embedding = toVectorLiteral(await embedQuery(question))
  const [passages, knowledge] = await Promise.all([
    sql<{ url: string; title: string | null; chunk_text: string }[]>`
      select url, title, chunk_text from sites.search_embeddings(${question}, ${embedding}::extensions.vector, ${site.domain}, 5)`,
    // Approved Q&A and recent FAQ / product extractions, ranked by relevance (full text + vector, RRF).
    sql<{ kind: 'qa' | 'faq' | 'product'; url: string | null; title: string; content: string }[]>`
      select kind, url, title, content from sites.search_knowledge(${question}, ${embedding}::extensions.vector, ${site.domain_id}, 3)`,
  ])
  return [
    ...knowledge.map((k): Source => ({ kind: k.kind, url: k.url, title: k.title, text: k.content })),
    ...passages.map((p): Source => ({ kind: 'page', url: p.url, title: p.title, text: p.chunk_text })),
  ]
}
