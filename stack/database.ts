// The local Postgres: PGlite (Postgres in WASM) with the extensions the migrations use, served
// over the wire protocol so psql, postgres.js, @supabase/lite and the Supabase CLI connect.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { PGlite, type PGliteOptions } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto'
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

export const EXTENSIONS = { vector, pg_trgm, pgcrypto, uuid_ossp }

export type PgliteOptions = Omit<PGliteOptions, 'extensions'> & { extensions?: PGliteOptions['extensions'] }

/** Opens (or creates) a PGlite database. `dataDir` undefined = in memory. */
export async function openPglite(options: PgliteOptions = {}): Promise<PGlite> {
  if (options.dataDir && !options.dataDir.includes('://')) mkdirSync(dirname(options.dataDir), { recursive: true })
  return await PGlite.create({ ...options, extensions: { ...EXTENSIONS, ...options.extensions } })
}

/**
 * Serves a PGlite instance on host:port. PGlite has one session; the socket server multiplexes
 * clients per query and keeps an open transaction on the client that began it.
 */
export async function serveSocket(db: PGlite, host: string, port: number): Promise<PGLiteSocketServer> {
  const server = new PGLiteSocketServer({ db, host, port, maxConnections: 64 })
  await server.start()
  return server
}

/** The port a socket server actually listens on (for port 0). */
export function socketPort(server: PGLiteSocketServer): number {
  return Number(server.getServerConn().split(':').pop())
}
