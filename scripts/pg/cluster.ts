// Real PostgreSQL 17 clusters from the provisioned trixie root (scripts/pg/provision.sh), run
// through chroot on a free loopback port. For the real-engine test lane and for local use:
//
//   node scripts/pg/cluster.ts start [name]   prints the cluster's URL (starts it, creating it if new)
//   node scripts/pg/cluster.ts stop [name]
//   node scripts/pg/cluster.ts status [name]  prints the URL when running, exits 1 otherwise
//   node scripts/pg/cluster.ts destroy [name] stops it and deletes its data
//
// Settings favour a test machine: fsync, full_page_writes and synchronous_commit are off (a crash
// can lose the cluster; `destroy` and start again). pg_cron is preloaded with its jobs in the
// database `cron.database_name` (CRON_DATABASE below), which only the schedule test uses.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PG_MAJOR = 17
export const CRON_DATABASE = 'cron_schedule_test'
const CHROOT = '/usr/sbin/chroot'
const BIN = `/usr/lib/postgresql/${PG_MAJOR}/bin`
const PROVISION = fileURLToPath(new URL('./provision.sh', import.meta.url))

export function rootDir(): string {
  return process.env.REAL_PG_ROOT ?? join(homedir(), '.cache', 'supabase-five-domains', 'pg17-trixie')
}

/** Installs the root if missing (needs root and the Debian mirror); returns its path. */
export function provision(): string {
  const result = spawnSync('bash', [PROVISION], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`scripts/pg/provision.sh failed (exit ${result.status})`)
  return result.stdout.trim().split('\n').pop()!
}

interface ClusterState {
  port: number
}

const clusterPath = (name: string) => `/var/lib/postgresql/clusters/${name}`
const statePath = (name: string) => join(rootDir(), `${clusterPath(name)}.json`)
export const clusterUrl = (port: number, database = 'postgres') => `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`

/** The environment of a command run inside the root. */
export const ROOT_ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: '/var/lib/postgresql' }

function inRoot(args: string[], user = 'postgres'): string {
  return execFileSync(CHROOT, [`--userspec=${user}:${user}`, rootDir(), ...args], {
    encoding: 'utf8',
    env: ROOT_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function isRunning(name: string): boolean {
  const pid = join(rootDir(), clusterPath(name), 'postmaster.pid')
  if (!existsSync(pid)) return false
  return spawnSync(CHROOT, ['--userspec=postgres:postgres', rootDir(), `${BIN}/pg_ctl`, 'status', '-D', clusterPath(name)], { stdio: 'ignore' }).status === 0
}

/** The URL of a running cluster, or undefined. */
export function runningUrl(name = 'default'): string | undefined {
  if (!isRunning(name) || !existsSync(statePath(name))) return undefined
  return clusterUrl((JSON.parse(readFileSync(statePath(name), 'utf8')) as ClusterState).port)
}

export interface ClusterOptions {
  /** A copy of the installation inside the root (its /usr/lib/postgresql and /usr/share/postgresql
   *  under this prefix, e.g. '/opt/hosted-cron'): PostgreSQL finds share/ and lib/ relative to its
   *  binary, so such a copy can carry extensions the shared installation must not offer. */
  installation?: string
}

/**
 * Runs fn with TEST_DATABASE_URL set: the caller's server when it is set, else the provisioned
 * cluster `test`, started for the run and stopped afterwards if it was not already running.
 */
export async function withTestServer<T>(fn: (url: string) => Promise<T>): Promise<T> {
  let ownCluster = false
  if (!process.env.TEST_DATABASE_URL) {
    ownCluster = !runningUrl('test')
    process.env.TEST_DATABASE_URL = await startCluster('test')
  }
  try {
    return await fn(process.env.TEST_DATABASE_URL)
  } finally {
    if (ownCluster) stopCluster('test')
  }
}

/** Starts (creating if new) the named cluster; returns its URL. */
export async function startCluster(name = 'default', options: ClusterOptions = {}): Promise<string> {
  const running = runningUrl(name)
  if (running) return running
  provision()
  const bin = `${options.installation ?? ''}${BIN}`
  const dir = clusterPath(name)
  const hostDir = join(rootDir(), dir)
  mkdirSync(join(rootDir(), 'tmp'), { recursive: true, mode: 0o1777 })
  if (!existsSync(join(hostDir, 'PG_VERSION'))) {
    rmSync(hostDir, { recursive: true, force: true })
    inRoot(['mkdir', '-p', dir], 'root')
    inRoot(['chown', 'postgres:postgres', '/var/lib/postgresql/clusters', dir], 'root')
    inRoot([`${bin}/initdb`, '-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'])
  }
  const port = await freePort()
  writeFileSync(statePath(name), JSON.stringify({ port } satisfies ClusterState))
  const settings = [
    `listen_addresses=127.0.0.1`, `port=${port}`, `unix_socket_directories=/tmp`,
    'max_connections=300', 'shared_buffers=256MB', 'maintenance_work_mem=512MB', 'dynamic_shared_memory_type=mmap',
    'fsync=off', 'synchronous_commit=off', 'full_page_writes=off',
    "shared_preload_libraries=pg_cron", `cron.database_name=${CRON_DATABASE}`, 'log_min_messages=warning',
  ]
  inRoot([`${bin}/pg_ctl`, 'start', '-w', '-t', '120', '-D', dir, '-l', `${dir}.log`, '-o', settings.map((s) => `-c ${s}`).join(' ')])
  return clusterUrl(port)
}

export function stopCluster(name = 'default'): void {
  if (isRunning(name)) inRoot([`${BIN}/pg_ctl`, 'stop', '-m', 'fast', '-w', '-D', clusterPath(name)])
}

export function destroyCluster(name = 'default'): void {
  stopCluster(name)
  rmSync(join(rootDir(), clusterPath(name)), { recursive: true, force: true })
  rmSync(statePath(name), { force: true })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command = 'status', name = 'default'] = process.argv.slice(2)
  if (command === 'start') console.log(await startCluster(name))
  else if (command === 'stop') stopCluster(name)
  else if (command === 'destroy') destroyCluster(name)
  else if (command === 'status') {
    const url = runningUrl(name)
    if (!url) {
      console.error(`cluster ${name} is not running`)
      process.exit(1)
    }
    console.log(url)
  } else {
    console.error('usage: node scripts/pg/cluster.ts start|stop|status|destroy [name]')
    process.exit(2)
  }
}
