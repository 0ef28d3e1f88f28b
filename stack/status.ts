// `npm run status [-- -o env|json]` (entry stack/status.mjs): the stack's URLs and keys, like
// `supabase status`, on stdout; whether it runs, on stderr.
// A stack started by `npm start` records itself in .data/stacks/<pid>.json; it counts as running
// while that pid lives and its API port accepts connections. So the answer depends neither on this
// command's environment (a stack started with other ports is still found, and its real URLs and
// keys are printed) nor on the database answering (a busy PGlite, an open transaction in psql).
import { parseArgs } from 'node:util'
import { stackSettings, type StackSettings } from './config.ts'
import { formatStatusEnv, stackStatus, type StackStatus } from './stack-status.ts'
import { acceptsConnections, liveStackStates, type StackState } from './stack-state.ts'
import { StartupError } from './startup-error.ts'

interface Report {
  status: StackStatus
  /** One line per recorded stack, or the one line saying none runs. */
  lines: string[]
}

const portOf = (url: string) => Number(new URL(url).port)

/**
 * Of several running stacks, the one these settings point at: the same database (data directory, or
 * DATABASE_URL), else the same API port, else the newest.
 */
function pick(states: StackState[], settings: StackSettings): StackState | undefined {
  const running = states.filter((s) => s.status)
  const sameDatabase = (s: StackState) =>
    settings.databaseUrl ? s.dataDir === null && s.status!.DB_URL === settings.databaseUrl : s.dataDir === settings.dataDir
  return running.find(sameDatabase) ?? running.find((s) => portOf(s.status!.API_URL) === settings.apiPort) ?? running[0]
}

async function report(settings: StackSettings): Promise<Report> {
  const lines: string[] = []
  const answering: StackState[] = []
  for (const state of liveStackStates()) {
    if (state.phase === 'starting' || !state.status) {
      lines.push(`stack: starting (pid ${state.pid}, since ${state.startedAt}): migrations and seed run before it serves`)
      continue
    }
    const api = new URL(state.status.API_URL)
    if (await acceptsConnections(api.hostname, Number(api.port))) {
      answering.push(state)
      lines.push(`stack: running (pid ${state.pid}, ${state.status.API_URL}, since ${state.startedAt})`)
    } else {
      lines.push(`stack: pid ${state.pid} is alive but its API port ${api.port} accepts no connections (stopping, or stuck: kill ${state.pid})`)
    }
  }
  const chosen = pick(answering, settings)
  if (chosen) return { status: chosen.status!, lines }
  const status = await stackStatus(settings)
  if (lines.length > 0) return { status, lines }
  if (settings.apiPort !== 0 && (await acceptsConnections(settings.host, settings.apiPort))) {
    lines.push(
      `stack: no \`npm start\` of this checkout is running, but ${status.API_URL} accepts connections (another checkout's stack, or another program)`,
    )
  } else {
    lines.push('stack: not running (npm start)')
  }
  return { status, lines }
}

try {
  const { values } = parseArgs({ options: { output: { type: 'string', short: 'o', default: 'env' } } })
  const { status, lines } = await report(stackSettings())
  console.log(values.output === 'json' ? JSON.stringify(status, null, 2) : formatStatusEnv(status))
  for (const line of lines) console.error(line)
} catch (error) {
  if (!(error instanceof StartupError) && (error as { code?: string }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw error
  console.error(`status: ${(error as Error).message}`)
  process.exit(1)
}
