// Per-test-file isolation: a private clone of the template, served over the wire protocol on a
// free port, so function code talks to it exactly as to the hosted database.
import type { PGlite } from '@electric-sql/pglite'
import { serveSocket, socketPort } from '../../stack/database.ts'
import { openTemplateClone } from './template.ts'

export interface TestDatabase {
  pglite: PGlite
  url: string
  stop(): Promise<void>
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const pglite = await openTemplateClone()
  const socket = await serveSocket(pglite, '127.0.0.1', 0)
  return {
    pglite,
    url: `postgresql://postgres:postgres@127.0.0.1:${socketPort(socket)}/postgres`,
    async stop() {
      await socket.stop()
      await pglite.close()
    },
  }
}
