// A browser app on another origin (http://localhost:3000) using supabase-js against the local
// gateway, as against a hosted project: every request that needs a CORS preflight gets one (sent as
// Chromium sends it), the preflight allows what supabase-js sends, and every answer, errors
// included, is readable by the page. Preflights on /auth/v1, on /rest/v1 for tables and RPCs of a
// non-public schema, and on /functions/v1 for a verify_jwt = true function (studio).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningStack } from '../../stack/stack.ts'
import { startTestStack } from '../support/test-stack.ts'
import { BrowserPage, conformanceClient, Recorder, type Preflight } from './conformance-clients.ts'

const ORIGIN = 'http://localhost:3000'
let stack: RunningStack
const page = new BrowserPage(ORIGIN)
const recorder = new Recorder(page.fetch)

beforeAll(async () => {
  stack = await startTestStack()
})
afterAll(async () => {
  await stack?.stop()
})

const browserClient = (key = stack.status.ANON_KEY) => conformanceClient(stack, key, recorder.fetch)

function expectAllowed(preflight: Preflight | undefined, method: string, mustRequest: string[]) {
  expect(preflight, 'the browser sent a preflight').toBeDefined()
  // What supabase-js sends, so the test checks what a real page needs.
  expect(preflight!.requestHeaders).toEqual(expect.arrayContaining(mustRequest))
  expect(preflight!.status).toBeGreaterThanOrEqual(200)
  expect(preflight!.status).toBeLessThan(300)
  expect([ORIGIN, '*']).toContain(preflight!.allowOrigin)
  if (method !== 'GET' && method !== 'POST') expect(preflight!.allowMethods).toContain(method)
  expect(preflight!.allowHeaders).toEqual(expect.arrayContaining(preflight!.requestHeaders))
}

describe('supabase-js in a page on http://localhost:3000', () => {
  const email = 'cors-page@example.test'
  const password = 'cors-page-password'
  let signedIn: ReturnType<typeof browserClient>

  it('signs up and signs in: /auth/v1 preflights allow authorization, apikey, x-client-info, x-supabase-api-version', async () => {
    signedIn = browserClient()
    const signUp = await signedIn.auth.signUp({ email, password })
    expect(signUp.error).toBeNull()
    expect(signUp.data.session?.access_token).toBeTruthy()
    expectAllowed(page.preflightFor('POST /auth/v1/signup'), 'POST', ['apikey', 'authorization', 'content-type', 'x-client-info', 'x-supabase-api-version'])

    const signIn = await browserClient().auth.signInWithPassword({ email, password })
    expect(signIn.error).toBeNull()
    expectAllowed(page.preflightFor('POST /auth/v1/token'), 'POST', ['apikey', 'authorization', 'content-type'])

    const user = await signedIn.auth.getUser()
    expect(user.data.user?.email).toBe(email)
  })

  it('inserts and reads a row of a table in a non-public schema (studio.projects)', async () => {
    const inserted = await signedIn.schema('studio').from('projects').insert({ name: 'From the browser' }).select('id, name').single()
    expect(inserted.error).toBeNull()
    expect(inserted.data!.name).toBe('From the browser')
    expectAllowed(page.preflightFor('POST /rest/v1/projects'), 'POST', ['apikey', 'authorization', 'content-profile', 'content-type', 'prefer', 'x-client-info'])

    const updated = await signedIn.schema('studio').from('projects').update({ description: 'patched' }).eq('id', inserted.data!.id).select('description').single()
    expect(updated.error).toBeNull()
    expect(updated.data!.description).toBe('patched')
    expectAllowed(page.preflightFor('PATCH /rest/v1/projects'), 'PATCH', ['content-profile', 'prefer'])

    const read = await signedIn.schema('studio').from('projects').select('id, name').eq('id', inserted.data!.id)
    expect(read.error).toBeNull()
    expect(read.data).toEqual([{ id: inserted.data!.id, name: 'From the browser' }])
    expectAllowed(page.preflightFor('GET /rest/v1/projects'), 'GET', ['accept-profile', 'apikey', 'authorization'])

    const deleted = await signedIn.schema('studio').from('projects').delete().eq('id', inserted.data!.id)
    expect(deleted.error).toBeNull()
    expectAllowed(page.preflightFor('DELETE /rest/v1/projects'), 'DELETE', ['content-profile'])
  })

  it('reads an exact count: Content-Range is exposed to the page', async () => {
    const { count, error } = await browserClient().schema('cloud').from('instances').select('id', { count: 'exact', head: true })
    expect(error).toBeNull()
    const [{ n }] = await stack.db.query<{ n: number }>('select count(*)::int as n from cloud.instances')
    expect(count).toBe(n)
  })

  it('calls an RPC of a non-public schema (cloud.compare_prices) by POST and by GET', async () => {
    const post = await browserClient().schema('cloud').rpc('compare_prices', { match_count: 3 })
    expect(post.error).toBeNull()
    expect(post.data!.length).toBeGreaterThan(0)
    expectAllowed(page.preflightFor('POST /rest/v1/rpc/compare_prices'), 'POST', ['apikey', 'authorization', 'content-profile', 'content-type', 'x-client-info'])

    const get = await browserClient().schema('cloud').rpc('compare_prices', { match_count: 3 }, { get: true })
    expect(get.error).toBeNull()
    expect(get.data).toEqual(post.data)
    expectAllowed(page.preflightFor('GET /rest/v1/rpc/compare_prices'), 'GET', ['accept-profile', 'apikey', 'authorization'])
  })

  it('reads a REST error: a missing table in a non-public schema is a readable 404', async () => {
    const { error, status } = await browserClient()
      .schema('cloud')
      .from('no_such_table' as 'instances')
      .select('id')
    expect(status).toBe(404)
    expect(error?.code).toBe('PGRST205')
  })

  it('invokes a verify_jwt = true function (studio/analyze): the preflight is not refused for lack of a JWT', async () => {
    const { data, error } = await signedIn.functions.invoke('studio/analyze', { body: { document: { nodes: [], edges: [] } } })
    expect(error).toBeNull()
    expect(data).toMatchObject({ is_valid: expect.any(Boolean) })
    expectAllowed(page.preflightFor('POST /functions/v1/studio/analyze'), 'POST', ['apikey', 'authorization', 'content-type', 'x-client-info'])
  })

  it('invokes a function with a region (supabase-js then sends x-region): the preflight allows it', async () => {
    const { data, error } = await signedIn.functions.invoke('studio/analyze', { body: { document: { nodes: [], edges: [] } }, region: 'eu-central-1' as never })
    expect(error).toBeNull()
    expect(data).toMatchObject({ is_valid: expect.any(Boolean) })
    expectAllowed(page.preflightFor('POST /functions/v1/studio/analyze'), 'POST', ['x-region'])
  })

  it("reads the gateway's own answers on /functions/v1: the verify_jwt 401 and the unknown-function 404", async () => {
    // A publishable key is not a JWT: verify_jwt refuses it, and the page must see that 401.
    const refused = await browserClient(stack.status.PUBLISHABLE_KEY).functions.invoke('studio/analyze', { body: { document: { nodes: [], edges: [] } } })
    expect(refused.error?.name).toBe('FunctionsHttpError')
    expect((refused.error as { context?: Response }).context?.status).toBe(401)

    const missing = await browserClient().functions.invoke('no-such-function', { body: {} })
    expect(missing.error?.name).toBe('FunctionsHttpError')
    expect((missing.error as { context?: Response }).context?.status).toBe(404)
  })

  it('answers no request of the page with a 5xx', () => {
    expect(recorder.exchanges.length).toBeGreaterThan(10)
    expect(recorder.serverErrors()).toEqual([])
  })
})

describe('OPTIONS that is not a CORS preflight', () => {
  it('still reaches the API (no Access-Control-Request-Method): PostgREST answers RPC OPTIONS with Allow', async () => {
    const res = await fetch(`${stack.status.REST_URL}/rpc/compare_prices`, {
      method: 'OPTIONS',
      headers: { apikey: stack.status.ANON_KEY, 'accept-profile': 'cloud' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('allow')).toContain('POST')
  })
})
