// What an answer may use, all from the asking site's own tenant: passages of its crawled pages
// (hybrid search on its domain only), the owner's approved Q&A, and fresh FAQ / product extractions.
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
  const words = keywords(question).slice(0, 6)
  const [passages, qa, extractions] = await Promise.all([
    sql<{ url: string; title: string | null; chunk_text: string }[]>`
      select url, title, chunk_text from sites.search_embeddings(${question}, ${embedding}::extensions.vector, ${site.domain}, 5)`,
    sql<{ input_text: string; output_text: string }[]>`
      select input_text, output_text from sites.training_data
      where domain_id = ${site.domain_id} and status = 'approved' and type = 'qa'
        and (to_tsvector('english', input_text) @@ websearch_to_tsquery('english', ${question})
             or extensions.word_similarity(${question}, input_text) > 0.4)
      limit 3`,
    words.length === 0 ? Promise.resolve([]) : sql<{ url: string; extract_type: string; extracted_data: Record<string, unknown> }[]>`
      select url, extract_type, extracted_data from sites.structured_extractions
      where domain_id = ${site.domain_id} and extract_type in ('faq', 'product')
        and coalesce(extracted_at, created_at) > now() - interval '30 days'
        and lower(extracted_data::text) like any (${words.map((w) => `%${w}%`)})
      order by extracted_at desc nulls last
      limit 3`,
  ])
  return [
    ...qa.map((q): Source => ({ kind: 'qa', url: null, title: q.input_text, text: q.output_text })),
    ...extractions.map((e): Source => ({ kind: e.extract_type as 'faq' | 'product', url: e.url, title: String(e.extracted_data.name ?? e.extract_type), text: JSON.stringify(e.extracted_data) })),
    ...passages.map((p): Source => ({ kind: 'page', url: p.url, title: p.title, text: p.chunk_text })),
  ]
}
