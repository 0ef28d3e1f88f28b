// A web app on another origin (http://localhost:PORT) using supabase-js in headless Chromium against
// the local stack (http://127.0.0.1:PORT), as a new user's app would: sign-up, REST and RPCs in
// non-public schemas (studio, cloud), a verify_jwt=true function invoked with the session, sign-out.
// Each of these goes through a CORS preflight; the page must get every answer, 4xx included, and no
// request may fail or be blocked. The page runs the whole scenario once (tests/browser/web-app/app.ts)
// and reports what it saw; the tests below assert on that report and on the database.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RunningStack } from '../../stack/stack.ts'
import { browserSkipReason, launchChromium } from '../support/browser.ts'
import { startTestStack } from '../support/test-stack.ts'
import type { WebAppConfig, WebAppResults } from './web-app/app.ts'
import { serveWebApp, type WebAppServer } from './web-app/server.ts'

const config: Omit<WebAppConfig, 'apiUrl' | 'anonKey'> = {
  email: 'web-app@example.test',
  password: 'web app password, long enough',
  projectName: 'Café – 東京 🚀 "quoted" & <tagged>',
  nodeLabel: 'Größe ✓ — 日本語',
}

let stack: RunningStack | undefined
let server: WebAppServer | undefined
let browser: Browser | undefined
let results: WebAppResults
const failedRequests: string[] = []
const consoleErrors: string[] = []
const pageErrors: string[] = []
const errorAnswers: string[] = [] // "METHOD /path STATUS" of every answer >= 400 the page got

beforeAll(async () => {
  if (browserSkipReason) {
    console.warn(browserSkipReason) // the default reporter does not show skip notes
    return
  }
  browser = await launchChromium() // first: without Chromium (under CI) nothing else needs to start
  stack = await startTestStack()
  server = await serveWebApp({ ...config, apiUrl: stack.status.API_URL, anonKey: stack.status.ANON_KEY })
  const page = await browser.newPage()
  page.on('requestfailed', (request) => failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`))
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => pageErrors.push(String(error)))
  page.on('response', (response) => {
    if (response.status() >= 400) errorAnswers.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`)
  })
  await page.goto(server.url)
  // The page sets one of these when its run ends; the timeout only bounds a hang (it decides nothing).
  await page.waitForFunction(() => '__results' in window || '__fatal' in window, undefined, { timeout: 90_000 })
  const report = await page.evaluate(() => {
    const w = window as unknown as { __results?: WebAppResults; __fatal?: string }
    return { results: w.__results, fatal: w.__fatal }
  })
  expect(report.fatal).toBeUndefined()
  results = report.results!
}, 180_000)

afterAll(async () => {
  // Also after a failed beforeAll or step, each whatever the one before did: Chromium first (it holds
  // connections to both servers), then the page's server, then the stack.
  try {
    await browser?.close()
  } finally {
    try {
      await server?.close()
    } finally {
      await stack?.stop()
    }
  }
})

beforeEach((context) => {
  if (browserSkipReason) context.skip(browserSkipReason)
})

const ok = (status: number, data: unknown = expect.anything()) => ({ status, data, error: null })
const userId = () => (results.signUp.data as { userId?: string } | null)?.userId
const projectId = () => (results.insertProject.data as { id?: string } | null)?.id
const graphId = () => (results.insertGraph.data as { id?: string } | null)?.id

describe('a web app on another origin, in Chromium, with supabase-js', () => {
  it('signs up a new user and gets a session', () => {
    expect(results.signUp).toEqual(ok(200, { userId: expect.stringMatching(/^[0-9a-f-]{36}$/), session: true }))
  })

  it('writes and reads back its own rows in studio, text intact', async () => {
    expect(results.insertProject).toEqual(ok(201, { id: expect.any(String), name: config.projectName, user_id: userId() }))
    expect(results.readProject).toEqual(ok(200, [{ name: config.projectName, user_id: userId() }]))
    expect(results.insertGraph).toEqual(ok(201, { id: expect.any(String), version: 1 }))
    const rows = await stack!.db.query<{ name: string; user_id: string }>('select name, user_id::text from studio.projects where id = $1', [projectId()])
    expect(rows).toEqual([{ name: config.projectName, user_id: userId() }])
  })

  it('saves a graph document through the studio.save_graph RPC, labels intact', async () => {
    expect(results.saveGraph).toMatchObject(ok(200, { id: graphId(), version: 2 }))
    const saved = results.saveGraph.data as { nodes: { id: string; data: { label: string } }[] }
    expect(saved.nodes.map((n) => n.data.label).sort()).toEqual(['Postgres', config.nodeLabel].sort())
    const rows = await stack!.db.query<{ label: string }>(`select label from studio.nodes where graph_id = $1 and client_id = 'web'`, [graphId()])
    expect(rows).toEqual([{ label: config.nodeLabel }])
  })

  it('reads the catalog and calls cloud.compare_prices', () => {
    expect(results.readCatalog).toEqual(ok(200, expect.any(Array)))
    expect(results.readCatalog.data).toEqual(Array(3).fill({ instance_id: expect.any(String), provider: expect.any(String) }))
    expect(results.comparePrices).toEqual(ok(200, expect.any(Array)))
    const offers = results.comparePrices.data as { currency: string; price_monthly: number; gpu_model: string }[]
    expect(offers.length).toBeGreaterThan(0)
    for (const offer of offers) expect(offer).toMatchObject({ currency: 'EUR', gpu_model: 'H100' })
    const monthly = offers.map((o) => Number(o.price_monthly))
    expect(monthly).toEqual([...monthly].sort((a, b) => a - b))
  })

  it('invokes studio/analyze (verify_jwt = true) with the session and reads its answer', () => {
    expect(results.analyzeGraph).toMatchObject(ok(200, { graph_id: graphId(), version: 2, is_valid: expect.any(Boolean) }))
  })

  it('reads the gateway\'s 401 for a JWT it cannot verify (not a CORS failure)', () => {
    expect(results.invalidJwt).toEqual(ok(401, { error: expect.objectContaining({ code: 'invalid_jwt' }) }))
  })

  it('signs out; then writes are refused, private rows are invisible, the function answers as for anon', async () => {
    expect(results.signOut).toEqual(ok(204, { session: false }))
    expect(results.insertAfterSignOut).toMatchObject({ status: 401, data: null, error: { code: '42501' } })
    expect(results.readAfterSignOut).toEqual(ok(200, []))
    expect(results.analyzeAfterSignOut).toMatchObject({ status: 404, data: { error: { code: 'graph_not_found' } } })
    const rows = await stack!.db.query<{ n: number }>(`select count(*)::int as n from studio.projects where name = 'written after sign-out'`)
    expect(rows).toEqual([{ n: 0 }])
  })

  it('had no request fail or be blocked, no error in the page, and no error answer but the three it expected', () => {
    // Chromium logs each answer >= 400 as "Failed to load resource: the server responded with a status
    // of ..."; those are the answers below, every one expected by the app. Anything else is an error.
    const unexpectedConsoleErrors = consoleErrors.filter((text) => !text.startsWith('Failed to load resource: the server responded with a status of '))
    expect({ failedRequests, pageErrors, unexpectedConsoleErrors }).toEqual({ failedRequests: [], pageErrors: [], unexpectedConsoleErrors: [] })
    expect(errorAnswers).toEqual(['POST /functions/v1/studio/analyze 401', 'POST /rest/v1/projects 401', 'POST /functions/v1/studio/analyze 404'])
  })
})
