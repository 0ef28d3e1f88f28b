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
  keepPipelinesTogether(server)
  await server.start()
  return server
}

interface QueuedMessage {
  handlerId: number
  message: Uint8Array
  onData(data: Uint8Array): void
  resolve(bytes: number): void
  reject(error: unknown): void
}

interface SocketQueryQueue {
  queue: QueuedMessage[]
  processing: boolean
  lastHandlerId: number | null
  db: PGlite
  processQueue(): Promise<void>
  clearQueueForHandler(handlerId: number): void
}

// Protocol messages that end a client's request: Sync ('S'), simple Query ('Q'), Terminate ('X'),
// and the startup message (no type byte; its first byte is the length's high byte, 0).
const REQUEST_END = new Set([0x53, 0x51, 0x58, 0x00])

/**
 * pglite-socket 0.2 runs clients on PGlite's one session message by message: between one client's
 * Parse and its Bind, another client's Parse can run and replace the unnamed prepared statement
 * ("unnamed prepared statement does not exist" under concurrent supabase-js requests, or a Bind to
 * the other client's query). It already keeps a client's messages together while a transaction is
 * open; this extends the same rule to an unfinished extended-protocol request (up to its Sync).
 * Hand-written because the queue is internal to pglite-socket; remove once it does this itself.
 */
function keepPipelinesTogether(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: SocketQueryQueue }).queryQueue
  let requestOpen = false
  queue.processQueue = async function (this: SocketQueryQueue) {
    if (this.processing || this.queue.length === 0) return
    this.processing = true
    try {
      while (this.queue.length > 0) {
        let item: QueuedMessage | undefined
        if ((requestOpen || this.db.isInTransaction()) && this.lastHandlerId !== null) {
          const index = this.queue.findIndex((q) => q.handlerId === this.lastHandlerId)
          if (index === -1) break // wait for that client's next message
          item = this.queue.splice(index, 1)[0]
        } else {
          item = this.queue.shift()!
        }
        this.lastHandlerId = item.handlerId
        requestOpen = !REQUEST_END.has(item.message[0])
        let bytes = 0
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item!.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length
                item!.onData(data)
              },
            }),
          )
          item.resolve(bytes)
        } catch (error) {
          item.reject(error)
        }
      }
    } finally {
      this.processing = false
    }
  }
  const clear = queue.clearQueueForHandler.bind(queue)
  queue.clearQueueForHandler = (handlerId: number) => {
    if (queue.lastHandlerId === handlerId) requestOpen = false
    clear(handlerId)
  }
}

/** The port a socket server actually listens on (for port 0). */
export function socketPort(server: PGLiteSocketServer): number {
  return Number(server.getServerConn().split(':').pop())
}
