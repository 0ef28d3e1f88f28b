// The real-engine lane (`npm run test:pg [-- vitest args]`): the pgTAP files and the vitest suite
// on real PostgreSQL 17. Uses TEST_DATABASE_URL when set (your own server: an admin URL of a
// PostgreSQL 17 with pgvector); otherwise provisions the Debian trixie root if needed
// (scripts/pg/provision.sh, needs root) and starts the `test` cluster for the run.
import { spawnSync } from 'node:child_process'
import { runningUrl, startCluster, stopCluster } from './pg/cluster.ts'

let ownCluster = false
if (!process.env.TEST_DATABASE_URL) {
  ownCluster = !runningUrl('test')
  process.env.TEST_DATABASE_URL = await startCluster('test')
}
console.log(`real-engine lane on ${process.env.TEST_DATABASE_URL}`)

const run = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'inherit', env: process.env }).status ?? 1
let status = 0
try {
  status = run(process.execPath, ['tests/db/run.ts'])
  if (status === 0) status = run('npx', ['vitest', 'run', ...process.argv.slice(2)])
} finally {
  if (ownCluster) stopCluster('test')
}
process.exit(status)
