// The health function booted by real Deno (npm package `deno`) from its entrypoint, over HTTP:
// proves the code and deno.json imports work in the Edge runtime, not only under Node.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ROOT } from '../../stack/config.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let deno: ChildProcess
let port: number
let output = ''

async function freePort(): Promise<number> {
  return await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

beforeAll(async () => {
  db = await startTestDatabase()
  port = await freePort()
  deno = spawn(join(ROOT, 'node_modules', '.bin', 'deno'), ['run', '--allow-net', '--allow-env', '--allow-read', 'functions/health/index.ts'], {
    cwd: ROOT,
    env: { ...process.env, DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`, SUPABASE_DB_URL: db.url, DENO_NO_UPDATE_CHECK: '1' },
  })
  // Ready when Deno says it listens; a Deno that exits first fails the hook. No deadline of its own:
  // the hook timeout bounds a start that a busy machine makes slow.
  await new Promise<void>((resolve, reject) => {
    const read = (d: Buffer) => {
      output += d
      if (output.includes('Listening on')) resolve()
    }
    deno.stdout!.on('data', read)
    deno.stderr!.on('data', read)
    deno.once('exit', (code) => reject(new Error(`deno exited (${code}) before it listened:\n${output}`)))
    deno.once('error', reject)
  })
})

afterAll(async () => {
  deno?.kill()
  await db?.stop()
})

it('serves GET /health under Deno with a real database round trip', async () => {
  const res = await fetch(`http://127.0.0.1:${port}/health`)
  expect(res.status).toBe(200)
  const body = await res.json()
  expect(body).toMatchObject({ status: 'ok', db: 'ok' })
  expect(body.migrations.applied).toBeGreaterThan(0)
})
