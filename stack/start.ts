// `npm start` (entry stack/start.mjs, which checks the Node version first): runs the local stack until
// Ctrl-C. `--db-url <url>` (or DATABASE_URL) uses an external Postgres instead of PGlite.
// Expected failures (a port in use, the data directory held by another stack, a bad setting) are one
// line on stderr and exit code 1; while it runs, .data/stacks/<pid>.json tells `npm run status`.
import { parseArgs } from 'node:util'
import { stackSettings } from './config.ts'
import { formatStatusEnv, startStack, type RunningStack } from './stack.ts'
import { removeStackState, writeStackState, type StackState } from './stack-state.ts'
import { StartupError } from './startup-error.ts'

const log = (line: string) => console.error(`[stack] ${line}`)

function fail(error: unknown): never {
  if (error instanceof StartupError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    log(`cannot start: ${(error as Error).message}`)
  } else {
    console.error(error)
  }
  removeStackState(process.pid)
  process.exit(1)
}

let stack: RunningStack
try {
  const { values } = parseArgs({ options: { 'db-url': { type: 'string' } } })
  if (values['db-url']) process.env.DATABASE_URL = values['db-url']
  const settings = stackSettings()
  const state: StackState = {
    pid: process.pid,
    phase: 'starting',
    startedAt: new Date().toISOString(),
    dataDir: settings.databaseUrl ? null : settings.dataDir,
  }
  const started = Date.now()
  stack = await startStack({ log, onStarting: () => writeStackState(state) })
  writeStackState({ ...state, phase: 'running', status: stack.status })
  console.log(formatStatusEnv(stack.status))
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl-C to stop.`)
} catch (error) {
  fail(error)
}

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  log(`${signal}: stopping`)
  removeStackState(process.pid)
  await stack.stop()
  log('stopped cleanly')
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
