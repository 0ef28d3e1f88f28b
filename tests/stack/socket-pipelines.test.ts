// Many clients on PGlite's single session: concurrent extended-protocol requests from several
// connections (supabase-js through the gateway, and postgres.js directly) must never interleave
// inside one request (regression: "unnamed prepared statement does not exist" / cross-bound results).
import { createClient } from '@supabase/supabase-js'
import postgres from 'postgres'
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

it('answers every concurrent request, each with its own result', async () => {
  const client = createClient(stack.status.API_URL, stack.status.ANON_KEY, { auth: { persistSession: false } })
  await client.auth.signUp({ email: 'pipelines@example.test', password: 'pipelines-password' })
  // One REST request first: @supabase/lite loads its schema cache on the first request, and every
  // request that arrives before it is loaded runs its own full catalog introspection (60 cold
  // requests at once: ~10 s of CPU, over a minute on a busy machine). This test is about
  // interleaving on PGlite's single session, so it starts with the cache loaded.
  expect((await client.from('profiles').select('email')).error).toBeNull()
  const sql = postgres(stack.status.DB_URL, { max: 6 })
  try {
    const direct = Array.from({ length: 120 }, (_, i) => sql<{ n: number; s: string }[]>`select ${i}::int as n, ${`row-${i}`}::text as s`)
    const viaRest = Array.from({ length: 60 }, () => client.from('profiles').select('email'))
    const [rows, rest] = await Promise.all([Promise.all(direct), Promise.all(viaRest)])
    rows.forEach((r, i) => expect(r[0]).toEqual({ n: i, s: `row-${i}` }))
    for (const r of rest) {
      expect(r.error).toBeNull()
      expect(r.data).toEqual([{ email: 'pipelines@example.test' }])
    }
  } finally {
    await sql.end()
  }
})
