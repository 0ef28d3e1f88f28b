// The crawl report through the gateway with supabase-js (issue 17, point 8): the owner of a domain
// reads what happened to each URL of its crawls; another signed-in user and anon read nothing.
import { createClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningStack } from '../../stack/stack.ts'
import { startTestStack } from '../support/test-stack.ts'

let stack: RunningStack

beforeAll(async () => {
  stack = await startTestStack()
})
afterAll(async () => {
  await stack?.stop()
})

it('the owner reads her crawl report; another user and anon see nothing', async () => {
  const client = () => createClient(stack.status.API_URL, stack.status.ANON_KEY, { auth: { persistSession: false } })
  const ann = client()
  const ben = client()
  await ann.auth.signUp({ email: 'crawl-ann@example.test', password: 'crawl-ann-password' })
  await ben.auth.signUp({ email: 'crawl-ben@example.test', password: 'crawl-ben-password' })
  const annId = (await ann.auth.getUser()).data.user!.id
  // A crawl of Ann's domain, as the crawler records it.
  const [{ domain }] = await stack.db.query<{ domain: string }>(`insert into sites.domains (user_id, domain) values ($1, 'report.example') returning id as domain`, [annId])
  const [{ job }] = await stack.db.query<{ job: string }>(`select (sites.start_crawl($1, 10, 2)).id as job`, [domain])
  await stack.db.query(`select sites.enqueue_crawl_urls($1, $2::text::jsonb)`, [job, JSON.stringify([{ url: 'https://report.example/', depth: 0 }, { url: 'https://report.example/gone', depth: 1 }])])
  await stack.db.query(`select count(*) from sites.claim_crawl_urls($1, 10, 60)`, [job])
  await stack.db.query(`select sites.record_crawl_result($1, $2::text::jsonb)`, [job, JSON.stringify({ url: 'https://report.example/gone', outcome: 'failed', http_status: 404, error: 'HTTP 404' })])
  await stack.db.query(`select sites.record_crawl_result($1, $2::text::jsonb)`, [job, JSON.stringify({ url: 'https://report.example/', outcome: 'not_modified', http_status: 304 })])

  const own = await ann.schema('sites').from('crawl_report').select('url, result, http_status, detail').eq('job_id', job).order('url')
  expect(own.error).toBeNull()
  expect(own.data).toEqual([
    { url: 'https://report.example/', result: 'not_modified', http_status: 304, detail: 'not modified since the last crawl (304)' },
    { url: 'https://report.example/gone', result: 'failed', http_status: 404, detail: 'HTTP 404' },
  ])
  const other = await ben.schema('sites').from('crawl_report').select('url')
  expect(other.error).toBeNull()
  expect(other.data).toEqual([])
  const anon = await client().schema('sites').from('crawl_report').select('url')
  expect(anon.data ?? []).toEqual([])
})
