// `npm run status [-- -o env|json]`: the stack's URLs and keys, like `supabase status`.
import { parseArgs } from 'node:util'
import { stackSettings } from './config.ts'
import { formatStatusEnv, stackStatus } from './stack.ts'

const { values } = parseArgs({ options: { output: { type: 'string', short: 'o', default: 'env' } } })
const status = await stackStatus(stackSettings())
if (values.output === 'json') {
  console.log(JSON.stringify(status, null, 2))
} else {
  console.log(formatStatusEnv(status))
}
const health = await fetch(`${status.FUNCTIONS_URL}/health`).then((r) => r.status).catch(() => 0)
console.error(health === 200 ? 'stack: running' : 'stack: not running (npm start)')
