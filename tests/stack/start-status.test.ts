// `npm run status` never calls a running stack stopped. It used to probe /functions/v1/health with the
// ports of its own environment: a stack started with other ports, or one whose database was busy (an
// open transaction in psql holds PGlite's only session, so the health query waits), read as "not
// running". Now `npm start` records itself (.data/stacks/<pid>.json) and status checks that pid and
// that API port. The stack here is a real `node stack/start.ts` process, on a copy of the migrated
// template (PGlite data directory, or a database cloned on the real engine and passed as DATABASE_URL).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { pgtap } from '@electric-sql/pglite-pgtap'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ROOT } from '../../stack/config.ts'
import { openPglite } from '../../stack/database.ts'
import { liveStackStates, STACKS_DIR } from '../../stack/stack-state.ts'
import { adminUrl, databaseUrl, engine } from '../support/engine.ts'
import { createPostgresClone, dropPostgresClone, templatePath } from '../support/template.ts'

const tmp = mkdtempSync(join(tmpdir(), 'start-status-'))
const dataDir = join(tmp, 'pglite')
let cloneName: string | undefined
let stackEnv: Record<string, string>
let stack: ChildProcess
let apiPort: number
let dbPort: number

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function runStatus(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['stack/status.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

beforeAll(async () => {
  ;[apiPort, dbPort] = [await freePort(), await freePort()]
  stackEnv = {
    SUPABASE_LOCAL_DATA_DIR: dataDir,
    SUPABASE_LOCAL_API_PORT: String(apiPort),
    SUPABASE_LOCAL_DB_PORT: String(dbPort),
    DATABASE_URL: '',
  }
  if (engine === 'pglite') {
    // The migrated template as a data directory: the stack boots without running migrations.
    const db = await openPglite({ dataDir, loadDataDir: new Blob([readFileSync(templatePath())]), extensions: { pgtap } })
    await db.close()
  } else {
    cloneName = await createPostgresClone()
    stackEnv.DATABASE_URL = databaseUrl(adminUrl!, cloneName)
  }
  stack = spawn(process.execPath, ['stack/start.ts'], { cwd: ROOT, env: { ...process.env, ...stackEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
  // Ready when it says so; bounded by the hook timeout.
  await new Promise<void>((resolve, reject) => {
    let stderr = ''
    stack.stderr!.on('data', (d) => {
      stderr += d
      if (stderr.includes('Ctrl-C to stop')) resolve()
    })
    stack.once('exit', (code) => reject(new Error(`the stack exited (${code}) before it was ready:\n${stderr}`)))
  })
  stack.stdout!.resume()
}, 300_000) // a cold PGlite and the stack's imports: minutes on a busy 2-core machine

afterAll(async () => {
  if (stack && stack.exitCode === null) {
    stack.kill('SIGTERM')
    await new Promise((resolve) => stack.once('exit', resolve))
  }
  if (cloneName) await dropPostgresClone(cloneName)
  rmSync(tmp, { recursive: true, force: true })
})

const dbUrl = () => stackEnv.DATABASE_URL || `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres`

it('finds the stack from a shell without its port settings, and prints the URLs it really serves', async () => {
  // Same project and database, but none of the ports `npm start` was given.
  const env = { ...stackEnv, SUPABASE_LOCAL_API_PORT: '', SUPABASE_LOCAL_DB_PORT: '' }
  const { code, stdout, stderr } = await runStatus(env)
  expect(code).toBe(0)
  expect(stdout).toContain(`API_URL="http://127.0.0.1:${apiPort}"`)
  expect(stdout).toContain(`DB_URL="${dbUrl()}"`)
  expect(stderr).toContain(`stack: running (pid ${stack.pid}, http://127.0.0.1:${apiPort}`)
  expect(stderr).not.toContain('not running')
  const json = await runStatus(env, ['-o', 'json'])
  expect(JSON.parse(json.stdout)).toMatchObject({ API_URL: `http://127.0.0.1:${apiPort}`, DB_URL: dbUrl() })
})

it('says running while a client holds a transaction open (on PGlite nobody else gets the database meanwhile)', async () => {
  const sql = postgres(dbUrl(), { max: 1, onnotice: () => {} })
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  let opened!: () => void
  const open = new Promise<void>((resolve) => (opened = resolve))
  const transaction = sql.begin(async (tx) => {
    await tx`select 1`
    opened()
    await held
  })
  try {
    await open
    const { stderr } = await runStatus(stackEnv)
    expect(stderr).toContain(`stack: running (pid ${stack.pid}`)
    expect(stderr).not.toContain('not running')
  } finally {
    release()
    await transaction
    await sql.end()
  }
})

it('a state file left by a process that is gone does not count, and is removed', async () => {
  const gone = spawn(process.execPath, ['-e', ''])
  await new Promise((resolve) => gone.once('exit', resolve))
  const file = join(STACKS_DIR, `${gone.pid}.json`)
  const status = { API_URL: `http://127.0.0.1:${apiPort}`, DB_URL: dbUrl() }
  writeFileSync(file, JSON.stringify({ pid: gone.pid, phase: 'running', startedAt: '2999-01-01T00:00:00.000Z', dataDir, status }))
  const { stderr } = await runStatus(stackEnv)
  expect(stderr).not.toMatch(new RegExp(`pid ${gone.pid}\\b`))
  expect(stderr).toContain(`stack: running (pid ${stack.pid}`)
  expect(existsSync(file)).toBe(false)
})

it('after Ctrl-C the stack is gone from status, and leaves no state file or data-directory lock', async () => {
  stack.kill('SIGINT')
  const code = await new Promise((resolve) => stack.once('exit', resolve))
  expect(code).toBe(0)
  expect(existsSync(join(STACKS_DIR, `${stack.pid}.json`))).toBe(false)
  expect(existsSync(`${dataDir}.lock`)).toBe(false)
  const { stderr } = await runStatus(stackEnv)
  expect(stderr).not.toMatch(new RegExp(`pid ${stack.pid}\\b`))
  // Unless someone runs another `npm start` of this checkout right now, that is all there is.
  if (liveStackStates().length === 0) expect(stderr).toContain('stack: not running (npm start)')
})
