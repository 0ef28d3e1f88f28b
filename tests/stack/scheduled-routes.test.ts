// Every schedule the migrations declare reaches a route that exists: its function is in
// supabase/config.toml (so the local stack and `supabase functions deploy` serve it) and the function's
// Hono app has a POST route for it. A schedule naming a function that is not configured fires into a
// 404 every time, on hosted pg_cron as in the local scheduler.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { readProjectConfig } from '../../stack/config.ts'
import { loadFunctions } from '../../stack/functions.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await startTestDatabase()
})
afterAll(async () => {
  await db?.stop()
})

it('each active scheduled function names a configured function and one of its POST routes', async () => {
  const { rows } = await db.sql.query<{ name: string; function_name: string }>(
    'select name, function_name from private.scheduled_functions where active order by name')
  expect(rows.length).toBeGreaterThan(3)
  const functions = await loadFunctions(readProjectConfig().functions)
  const unreachable = rows.filter(({ function_name: target }) => {
    const fn = functions.find((f) => f.name === target.split('/')[0])
    if (!fn) return true
    const routes = (fn.app as unknown as { routes: { method: string; path: string }[] }).routes
    return !routes.some((r) => (r.method === 'POST' || r.method === 'ALL') && r.path === `/${target}`)
  })
  expect(unreachable).toEqual([])
})
