// The real-engine lane (`npm run test:pg [-- vitest args]`): the pgTAP files and the vitest suite
// on real PostgreSQL 17. Uses TEST_DATABASE_URL when set (your own server: an admin URL of a
// PostgreSQL 17 with pgvector); otherwise provisions the Debian trixie root if needed
// (scripts/pg/provision.sh, needs root) and starts the `test` cluster for the run.
import { spawnSync } from 'node:child_process'
import { withTestServer } from './pg/cluster.ts'

const run = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'inherit', env: process.env }).status ?? 1
const status = await withTestServer(async (url) => {
  console.log(`real-engine lane on ${url}`)
  const pgtap = run(process.execPath, ['tests/db/run.ts'])
  return pgtap === 0 ? run('npx', ['vitest', 'run', ...process.argv.slice(2)]) : pgtap
})
process.exit(status)
