// The local stack's ports, checked before anything is initialised: a port in use is one line naming
// the port and the variable that moves it, not an EADDRINUSE trace after a full database boot.
import { createServer } from 'node:net'
import type { StackSettings } from './config.ts'
import { StartupError } from './startup-error.ts'

export interface StackPort {
  port: number
  /** What listens there, for the message: "API gateway", "database". */
  role: string
  /** The environment variable that changes it. */
  env: string
}

/** The ports `startStack` will listen on with these settings (the database one only for PGlite). */
export function stackPorts(settings: StackSettings, servesDatabase: boolean): StackPort[] {
  const ports = [{ port: settings.apiPort, role: 'API gateway', env: 'SUPABASE_LOCAL_API_PORT' }]
  if (servesDatabase) ports.push({ port: settings.dbPort, role: 'database', env: 'SUPABASE_LOCAL_DB_PORT' })
  return ports
}

/** The one-line StartupError for a failed listen on a stack port; other errors are returned as they are. */
export function listenError(error: unknown, host: string, { port, role, env }: StackPort): Error {
  const code = (error as NodeJS.ErrnoException).code
  const change = `set ${env}=<another port> (0 = any free port)`
  if (code === 'EADDRINUSE') {
    return new StartupError(`port ${port} on ${host} (${role}) is already in use: stop what listens there, or ${change}`)
  }
  if (code === 'EACCES') return new StartupError(`port ${port} on ${host} (${role}) needs privileges this user lacks: ${change}`)
  if (code === 'EADDRNOTAVAIL') {
    return new StartupError(`${host} is not an address of this machine (SUPABASE_LOCAL_HOST): the ${role} cannot listen there`)
  }
  return error as Error
}

async function tryListen(host: string, port: number): Promise<void> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port, exclusive: true }, () => resolve())
  })
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

/**
 * Throws a StartupError for the first port that cannot be listened on (port 0 = any free port, never
 * checked). Nothing is left open: each probe listens and closes at once.
 */
export async function assertPortsFree(host: string, ports: StackPort[]): Promise<void> {
  const fixed = ports.filter((p) => p.port !== 0)
  for (const [i, a] of fixed.entries()) {
    const b = fixed.slice(i + 1).find((p) => p.port === a.port)
    if (b) throw new StartupError(`${a.env} and ${b.env} are both ${a.port}: the ${a.role} and the ${b.role} need a port each`)
  }
  for (const p of fixed) {
    try {
      await tryListen(host, p.port)
    } catch (error) {
      throw listenError(error, host, p)
    }
  }
}
