// The web app of tests/browser/web-app.test.ts. It runs in Chromium, on its own origin, and uses
// supabase-js (loaded as an ES module through the page's import map) against the local stack exactly
// as a user's app would: sign up, REST in two non-public schemas, RPCs, a verify_jwt function, sign
// out. Every step reports what the app saw (HTTP status, data, error) in its results; nothing throws.
import { createClient, FunctionsHttpError } from '@supabase/supabase-js'
import type { Database } from '../../../types/database.ts'

export interface WebAppConfig {
  apiUrl: string
  anonKey: string
  email: string
  password: string
  projectName: string
  nodeLabel: string
}

/** What one step saw. status is null when no HTTP response reached the app (e.g. blocked by CORS). */
export interface StepResult {
  status: number | null
  data: unknown
  error: { name?: string; message: string; code?: string } | null
}

export type WebAppResults = Record<string, StepResult>

interface ErrorLike {
  name?: string
  message: string
  code?: string
  status?: number
}

const describeError = (error: ErrorLike | null) =>
  error ? { name: error.name, message: error.message, ...(error.code ? { code: error.code } : {}) } : null

/** A supabase-js { data, error, status } answer as a step result. */
const answer = ({ data, error, status }: { data: unknown; error: ErrorLike | null; status?: number }): StepResult => ({
  status: status ?? error?.status ?? null,
  data,
  error: describeError(error),
})

export async function run(config: WebAppConfig): Promise<WebAppResults> {
  // No retries: a GET that cannot get through fails once, at once, instead of after 1 + 2 + 4 s.
  const supabase = createClient<Database>(config.apiUrl, config.anonKey, { db: { retry: false } })
  const results: WebAppResults = {}
  const step = async (name: string, action: () => Promise<StepResult>) => {
    try {
      results[name] = await action()
    } catch (error) {
      results[name] = { status: null, data: null, error: { name: 'thrown', message: String(error) } }
    }
    return results[name]
  }

  /** functions.invoke's answer: a non-2xx answer is the function's JSON, read from the response. */
  const invoke = async (name: string, body: Record<string, unknown>): Promise<StepResult> => {
    const { data, error, response } = await supabase.functions.invoke(name, { body })
    if (error instanceof FunctionsHttpError) {
      const res = error.context as Response
      return { status: res.status, data: await res.json(), error: describeError(error) }
    }
    return { status: response?.status ?? null, data, error: describeError(error) }
  }

  const signUp = await step('signUp', async () => {
    const { data, error } = await supabase.auth.signUp({ email: config.email, password: config.password })
    return { status: error ? (error.status ?? null) : 200, data: { userId: data.user?.id ?? null, session: data.session !== null }, error: describeError(error) }
  })
  const userId = (signUp.data as { userId: string | null } | null)?.userId

  const studio = supabase.schema('studio')
  const project = await step('insertProject', async () =>
    answer(await studio.from('projects').insert({ name: config.projectName }).select('id, name, user_id').single()))
  const projectId = (project.data as { id: string } | null)?.id ?? ''

  await step('readProject', async () => answer(await studio.from('projects').select('name, user_id').eq('id', projectId)))

  const graph = await step('insertGraph', async () =>
    answer(await studio.from('graphs').insert({ project_id: projectId, name: 'Main' }).select('id, version').single()))
  const { id: graphId = '', version = 0 } = (graph.data as { id: string; version: number } | null) ?? {}

  await step('saveGraph', async () =>
    answer(await studio.rpc('save_graph', {
      graph_id: graphId,
      expected_version: version,
      document: {
        nodes: [
          { id: 'web', type: 'api', position: { x: 0, y: 0 }, data: { label: config.nodeLabel } },
          { id: 'db', type: 'database', position: { x: 200, y: 0 }, data: { label: 'Postgres' } },
        ],
        edges: [{ id: 'e1', source: 'web', target: 'db' }],
        viewport: { x: 0, y: 0, zoom: 1 },
      },
    })))

  await step('readCatalog', async () =>
    answer(await supabase.schema('cloud').from('instances').select('instance_id, provider').eq('gpu_model', 'H100').limit(3)))

  await step('comparePrices', async () =>
    answer(await supabase.schema('cloud').rpc('compare_prices', { gpu_model_filter: 'H100', gpu_count_filter: 1, target_currency: 'EUR', match_count: 5 })))

  await step('analyzeGraph', () => invoke('studio/analyze', { graph_id: graphId }))

  // A request with a JWT the gateway cannot verify: its 401 must reach the app, not a CORS error.
  await step('invalidJwt', async () => {
    const res = await fetch(`${config.apiUrl}/functions/v1/studio/analyze`, {
      method: 'POST',
      headers: { apikey: config.anonKey, authorization: 'Bearer not-a-jwt', 'content-type': 'application/json' },
      body: JSON.stringify({ graph_id: graphId }),
    })
    return { status: res.status, data: await res.json(), error: null }
  })

  await step('signOut', async () => {
    const { error } = await supabase.auth.signOut()
    return { status: error ? (error.status ?? null) : 204, data: { session: (await supabase.auth.getSession()).data.session !== null }, error: describeError(error) }
  })

  await step('insertAfterSignOut', async () => answer(await studio.from('projects').insert({ name: 'written after sign-out', user_id: userId ?? undefined }).select('id')))
  await step('readAfterSignOut', async () => answer(await studio.from('projects').select('id').eq('id', projectId)))
  await step('analyzeAfterSignOut', () => invoke('studio/analyze', { graph_id: graphId }))

  return results
}
