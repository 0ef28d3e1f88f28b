// The hosted schedule path on a real engine (tests/stack/cron-schedule.test.ts): a PostgreSQL 17
// cluster of its own with pg_cron (preloaded, as every cluster of scripts/pg/cluster.ts) and a pg_net
// stand-in, in which the test bootstraps and migrates CRON_DATABASE, the one database where pg_cron's
// extension can be created.
//
// Why a second installation and a cluster of its own: Debian packages no pg_net, and migration
// 20261122000300 creates pg_cron + pg_net wherever pg_available_extensions lists both. Were the
// stand-in in the shared installation, every database of the `test` cluster would list it, and the
// shared template build (fd_template_*) would try to create pg_cron outside cron.database_name and
// fail. PostgreSQL 17 reads extension control files from its share directory only, and finds that
// directory relative to its binary; so a hard-linked copy of /usr/lib/postgresql/17 and
// /usr/share/postgresql/17 under INSTALLATION (no extra disk but the stand-in's two files) offers
// pg_net to the clusters it starts and to no other. Each run starts its own cluster (named after the
// process, so parallel runs never share one) and destroys it at the end; its log
// (<root>/var/lib/postgresql/clusters/hosted-cron-<pid>.log) stays until the next run.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { CRON_DATABASE, destroyCluster, PG_MAJOR, rootDir, startCluster } from '../../scripts/pg/cluster.ts'
import { databaseUrl } from './engine.ts'

/** The installation copy inside the root that offers the pg_net stand-in. */
export const INSTALLATION = '/opt/hosted-cron'
const STANDINS = new URL('./hosted-standins/', import.meta.url)
const LIB = `/usr/lib/postgresql/${PG_MAJOR}`
const SHARE = `/usr/share/postgresql/${PG_MAJOR}`
const CLUSTER_PREFIX = 'hosted-cron-'

/** Why this machine cannot run the hosted schedule test, or undefined when it can. */
export function hostedCronUnavailable(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    return 'it starts its own cluster from the provisioned PostgreSQL 17 root through chroot, which needs root'
  }
  if (!existsSync(join(rootDir(), LIB, 'bin', 'postgres'))) {
    return `no provisioned PostgreSQL ${PG_MAJOR} root at ${rootDir()} (npm run test:pg provisions it: scripts/pg/provision.sh); TEST_DATABASE_URL's own server is not used for this test`
  }
  if (!existsSync(join(rootDir(), SHARE, 'extension', 'pg_cron.control'))) return `the root at ${rootDir()} has no pg_cron`
  return undefined
}

/** The vault stand-in: what the cron jobs read (vault.decrypted_secrets) and README's vault.create_secret. */
export const VAULT_STANDIN_SQL = readFileSync(new URL('vault.sql', STANDINS), 'utf8')

/** Makes (or refreshes) the installation copy with the pg_net stand-in; returns its prefix. */
function ensureInstallation(): string {
  const root = rootDir()
  const target = join(root, INSTALLATION)
  // A copy made before the root's packages were upgraded links the old binaries: make it again.
  const current = existsSync(join(target, LIB, 'bin', 'postgres')) && statSync(join(target, LIB, 'bin', 'postgres')).ino === statSync(join(root, LIB, 'bin', 'postgres')).ino
  if (!current) {
    const building = `${target}.${process.pid}`
    rmSync(building, { recursive: true, force: true })
    for (const dir of [LIB, SHARE]) {
      mkdirSync(join(building, dir, '..'), { recursive: true })
      execFileSync('cp', ['-al', join(root, dir), join(building, dir)])
    }
    rmSync(target, { recursive: true, force: true })
    try {
      renameSync(building, target)
    } catch {
      rmSync(building, { recursive: true, force: true }) // another run made it first
    }
  }
  // The stand-in's own files (new inodes: the shared installation never sees them).
  for (const file of ['pg_net.control', 'pg_net--standin.sql']) {
    const path = join(target, SHARE, 'extension', file)
    const text = readFileSync(new URL(file, STANDINS), 'utf8')
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue
    writeFileSync(`${path}.${process.pid}`, text)
    renameSync(`${path}.${process.pid}`, path)
  }
  return INSTALLATION
}

/** Clusters (and their logs) left behind by runs that ended: a run keeps its log until the next. */
function destroyStaleClusters(): void {
  const dir = join(rootDir(), 'var', 'lib', 'postgresql', 'clusters')
  if (!existsSync(dir)) return
  for (const entry of readdirSync(dir)) {
    const match = new RegExp(`^(${CLUSTER_PREFIX}(\\d+))(\\.log|\\.json)?$`).exec(entry)
    if (!match || Number(match[2]) === process.pid || isAlive(Number(match[2]))) continue
    if (match[3]) rmSync(join(dir, entry), { force: true })
    else destroyCluster(match[1])
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface HostedCronCluster {
  /** Admin URL of CRON_DATABASE, created empty. */
  url: string
  destroy(): void
}

/** Starts this process's cluster and creates an empty CRON_DATABASE in it. */
export async function startHostedCronCluster(): Promise<HostedCronCluster> {
  destroyStaleClusters()
  const name = `${CLUSTER_PREFIX}${process.pid}`
  const adminUrl = await startCluster(name, { installation: ensureInstallation() })
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`drop database if exists ${CRON_DATABASE} with (force)`)
    await admin.unsafe(`create database ${CRON_DATABASE}`)
  } finally {
    await admin.end()
  }
  return { url: databaseUrl(adminUrl, CRON_DATABASE), destroy: () => destroyCluster(name) }
}
