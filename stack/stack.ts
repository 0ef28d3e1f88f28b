// The whole local stack in one process: Postgres (PGlite, or DATABASE_URL), platform bootstrap,
// migrations + seed, the API gateway and the scheduler. Used by `npm start` and by the tests.
import type { PGlite } from '@electric-sql/pglite'
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { serve, type ServerType } from '@hono/node-server'
import { closeDb } from '../functions/_shared/db.ts'
import { localDbUrl, readProjectConfig, stackSettings, type StackSettings } from './config.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { openPglite, serveSocket, socketPort } from './database.ts'
import { functionEnv, loadFunctions, type LoadedFunction } from './functions.ts'
import { createGateway, type Gateway } from './gateway.ts'
import { signRoleKey } from './keys.ts'
import { migrate, type MigrateResult } from './migrator.ts'
import { bootstrapPlatform } from './platform.ts'
import { Scheduler } from './scheduler.ts'
import { pgliteRunner, postgresRunner, type SqlRunner } from './sql-runner.ts'

export interface StackStatus {
  API_URL: string
  REST_URL: string
  FUNCTIONS_URL: string
  DB_URL: string
  ANON_KEY: string
  SERVICE_ROLE_KEY: string
  PUBLISHABLE_KEY: string
  SECRET_KEY: string
  JWT_SECRET: string
}

export async function stackStatus(settings: StackSettings, apiPort = settings.apiPort, dbUrl = localDbUrl(settings)): Promise<StackStatus> {
  const apiUrl = `http://${settings.host}:${apiPort}`
  return {
    API_URL: apiUrl,
    REST_URL: `${apiUrl}/rest/v1`,
    FUNCTIONS_URL: `${apiUrl}/functions/v1`,
    DB_URL: dbUrl,
    ANON_KEY: await signRoleKey('anon', settings.jwtSecret),
    SERVICE_ROLE_KEY: await signRoleKey('service_role', settings.jwtSecret),
    PUBLISHABLE_KEY: settings.publishableKey,
    SECRET_KEY: settings.secretKey,
    JWT_SECRET: settings.jwtSecret,
  }
}

export function formatStatusEnv(status: StackStatus): string {
  return Object.entries(status)
    .map(([k, v]) => `${k}="${v}"`)
    .join('\n')
}

export interface StartOptions {
  settings?: Partial<StackSettings>
  /** Open this PGlite instead of settings.dataDir (tests pass a clone of the migrated template). */
  pglite?: PGlite
  scheduler?: boolean
  /** Functions served besides those of config.toml (tests use this for probes). */
  extraFunctions?: LoadedFunction[]
  log?: (line: string) => void
}

export interface RunningStack {
  status: StackStatus
  migrations: MigrateResult
  gateway: Gateway
  scheduler?: Scheduler
  db: SqlRunner
  stop(): Promise<void>
}

export async function startStack(options: StartOptions = {}): Promise<RunningStack> {
  const settings = stackSettings(options.settings)
  const project = readProjectConfig()
  const log = options.log ?? (() => {})

  let pglite: PGlite | undefined
  let socket: PGLiteSocketServer | undefined
  let unlock = () => {}
  let db: SqlRunner
  if (settings.databaseUrl) {
    db = postgresRunner(settings.databaseUrl)
  } else if (options.pglite) {
    pglite = options.pglite
    db = pgliteRunner(pglite)
  } else {
    unlock = lockDataDir(settings.dataDir)
    pglite = await openPglite({ dataDir: settings.dataDir })
    db = pgliteRunner(pglite)
  }
  const bootstrap = await bootstrapPlatform(db, project.exposedSchemas)
  const migrations = await migrate(db, project.seedPaths)
  log(`platform bootstrap ${bootstrap}; migrations applied: ${migrations.applied.length}; seed files: ${migrations.seeded.length}`)

  let dbUrl = localDbUrl(settings)
  if (pglite) {
    socket = await serveSocket(pglite, settings.host, settings.dbPort)
    dbUrl = `postgresql://postgres:postgres@${settings.host}:${socketPort(socket)}/postgres`
  }

  // Port 0 = any free port (tests): bind first, then tell the functions their real URL.
  const functions = [...(await loadFunctions(project.functions)), ...(options.extraFunctions ?? [])]
  const gateway = await createGateway({ settings, project, dbUrl, functions })
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: gateway.app.fetch, hostname: settings.host, port: settings.apiPort }, () => resolve(s))
    s.once('error', (error) => reject(new Error(`gateway cannot listen on ${settings.host}:${settings.apiPort}: ${error.message}`)))
  })
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
    scheduler = new Scheduler({ db, apiUrl: status.API_URL, serviceRoleKey: status.SERVICE_ROLE_KEY, log })
    await scheduler.start()
  }

  let stopped = false
  return {
    status,
    migrations,
    gateway,
    scheduler,
    db,
    async stop() {
      if (stopped) return
      stopped = true
      scheduler?.stop()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
      })
      await closeDb()
      await gateway.close()
      await socket?.stop()
      await db.close()
      // Closing PGlite flushes its data directory: everything committed is on disk.
      if (pglite && !options.pglite) await pglite.close()
      unlock()
    },
  }
}
