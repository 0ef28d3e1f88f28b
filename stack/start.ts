// `npm start`: runs the local stack until Ctrl-C. `--db-url <url>` (or DATABASE_URL) uses an
// external Postgres instead of PGlite.
import { parseArgs } from 'node:util'
import { formatStatusEnv, startStack } from './stack.ts'

const { values } = parseArgs({ options: { 'db-url': { type: 'string' } } })
if (values['db-url']) process.env.DATABASE_URL = values['db-url']

const started = Date.now()
const log = (line: string) => console.error(`[stack] ${line}`)
const stack = await startStack({ log })
console.log(formatStatusEnv(stack.status))
log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl-C to stop.`)

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  log(`${signal}: stopping`)
  await stack.stop()
  log('stopped cleanly')
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
