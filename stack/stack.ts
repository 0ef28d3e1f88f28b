// The whole local stack in one process: Postgres (PGlite, or DATABASE_URL), platform bootstrap,
// migrations + seed, the API gateway and the scheduler. Used by `npm start` and by the tests.
import type { PGlite } from '@electric-sql/pglite'
import { serve, type ServerType } from '@hono/node-server'
import { closeDb } from '../functions/_shared/db.ts'
import { localDbUrl, readProjectConfig, ROOT, stackSettings, type StackSettings } from './config.ts'
import { assertDataDirFree, lockDataDir } from './data-dir-lock.ts'
import { openPglite, serveSocket, socketPort } from './database.ts'
import { functionEnv, loadFunctions, type LoadedFunction } from './functions.ts'
import { createGateway, type Gateway } from './gateway.ts'
import { migrate, type MigrateResult } from './migrator.ts'
import { bootstrapPlatform } from './platform.ts'
import { assertPortsFree, listenError, stackPorts } from './port-check.ts'
import { Scheduler } from './scheduler.ts'
import { StartupError } from './startup-error.ts'
import { stackStatus, type StackStatus } from './stack-status.ts'
import { pgliteRunner, postgresRunner, type SqlRunner } from './sql-runner.ts'

export { formatStatusEnv, stackStatus, type StackStatus } from './stack-status.ts'

export interface StartOptions {
  settings?: Partial<StackSettings>
  /** Open this PGlite instead of settings.dataDir (tests pass a clone of the migrated template). */
  pglite?: PGlite
  scheduler?: boolean
  /** Functions served besides those of config.toml (tests use this for probes). */
  extraFunctions?: LoadedFunction[]
  log?: (line: string) => void
  /** Called once the ports are free and the data directory is this process's, before the database opens. */
  onStarting?: () => void
}

export interface RunningStack {
  status: StackStatus
  migrations: MigrateResult
  gateway: Gateway
  scheduler?: Scheduler
  db: SqlRunner
  stop(): Promise<void>
}

/** The one-line StartupError for an external database (--db-url / DATABASE_URL) that cannot be used. */
function unreachableDatabase(url: string, error: unknown): StartupError {
  let shown = url
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    shown = u.toString()
  } catch {
    shown = '(not a valid postgresql:// URL)'
  }
  return new StartupError(`cannot use the database ${shown} (--db-url / DATABASE_URL): ${(error as Error).message}`)
}

export async function startStack(options: StartOptions = {}): Promise<RunningStack> {
  const settings = stackSettings(options.settings)
  const project = readProjectConfig()
  const log = options.log ?? (() => {})
  const ownPglite = !settings.databaseUrl && !options.pglite
  const ports = stackPorts(settings, !settings.databaseUrl)
  const [apiPortSpec, dbPortSpec] = ports

  // Expected conditions first, before anything is opened, created or locked.
  if (ownPglite) assertDataDirFree(settings.dataDir)
  await assertPortsFree(settings.host, ports)

  // Each resource opened pushes its release; stop() (or a failed start) runs them newest first.
  const releases: (() => unknown)[] = []
  const release = async () => {
    let first: unknown
    for (const fn of releases.splice(0).reverse()) {
      try {
        await fn()
      } catch (error) {
        first ??= error
      }
    }
    if (first) throw first
  }

  try {
    if (ownPglite) releases.push(lockDataDir(settings.dataDir))
    options.onStarting?.()
    let pglite: PGlite | undefined
    let db: SqlRunner
    if (settings.databaseUrl) {
      const url = settings.databaseUrl
      let external: SqlRunner
      try {
        external = postgresRunner(url)
      } catch (error) {
        throw unreachableDatabase(url, error)
      }
      releases.push(() => external.close())
      await external.query('select 1').catch((error: unknown) => {
        throw unreachableDatabase(url, error)
      })
      db = external
    } else if (options.pglite) {
      pglite = options.pglite
      db = pgliteRunner(pglite)
    } else {
      const own = await openPglite({ dataDir: settings.dataDir })
      // Closing PGlite flushes its data directory: everything committed is on disk.
      releases.push(() => own.close())
      pglite = own
      db = pgliteRunner(pglite)
    }
    if (!settings.databaseUrl) releases.push(() => db.close())
    const bootstrap = await bootstrapPlatform(db, project.exposedSchemas)
    const migrations = await migrate(db, project.seedPaths, ROOT, log)
    log(`platform bootstrap ${bootstrap}; migrations applied: ${migrations.applied.length}; seed files: ${migrations.seeded.length}`)

    let dbUrl = localDbUrl(settings)
    if (pglite) {
      const socket = await serveSocket(pglite, settings.host, settings.dbPort).catch((error: unknown) => {
        throw listenError(error, settings.host, dbPortSpec)
      })
      releases.push(() => socket.stop())
      dbUrl = `postgresql://postgres:postgres@${settings.host}:${socketPort(socket)}/postgres`
    }

    // Port 0 = any free port (tests): bind first, then tell the functions their real URL.
    const functions = [...(await loadFunctions(project.functions)), ...(options.extraFunctions ?? [])]
    const gateway = await createGateway({ settings, project, dbUrl, functions })
    releases.push(() => gateway.close())
    releases.push(() => closeDb())
    const server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: gateway.app.fetch, hostname: settings.host, port: settings.apiPort }, () => resolve(s))
      s.once('error', (error) => reject(listenError(error, settings.host, apiPortSpec)))
    })
    releases.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
        }),
    )
    const address = server.address()
    const apiPort = typeof address === 'object' && address ? address.port : settings.apiPort
    const status = await stackStatus(settings, apiPort, dbUrl)
    Object.assign(
      process.env,
      functionEnv({
        apiUrl: status.API_URL,
        dbUrl,
        anonKey: status.ANON_KEY,
        serviceRoleKey: status.SERVICE_ROLE_KEY,
        jwtSecret: settings.jwtSecret,
        publishableKey: settings.publishableKey,
        secretKey: settings.secretKey,
      }),
    )

    let scheduler: Scheduler | undefined
    if (options.scheduler !== false) {
      const started = new Scheduler({ db, apiUrl: status.API_URL, serviceRoleKey: status.SERVICE_ROLE_KEY, log })
      releases.push(() => started.stop())
      await started.start()
      scheduler = started
    }

    let stopping: Promise<void> | undefined
    return {
      status,
      migrations,
      gateway,
      scheduler,
      db,
      stop: () => (stopping ??= release()),
    }
  } catch (error) {
    // A failed start leaves nothing behind: no open database, no listener, no lock.
    await release().catch(() => {})
    throw error
  }
}
