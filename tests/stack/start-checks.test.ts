// `npm start` for a newcomer: what cannot work is said in one line, with exit code 1, before anything
// is initialised. A port in use or a data directory held by another stack must not cost a database
// boot, leave a lock behind or print a stack trace; a Node.js too old for .ts files gets told how to
// run Node 24.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../../stack/config.ts'
import { STACKS_DIR } from '../../stack/stack-state.ts'

interface Run {
  code: number | null
  stdout: string
  stderr: string
  pid: number
}

/** Runs a Node.js entry of the stack to its end, with these environment variables on top of ours. */
function runNode(entry: string, env: Record<string, string>, node = process.execPath, args: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [entry, ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr, pid: child.pid! }))
  })
}

const tmp = mkdtempSync(join(tmpdir(), 'start-checks-'))
let held: Server
let heldPort: number

beforeAll(async () => {
  held = createServer()
  await new Promise<void>((resolve) => held.listen({ host: '127.0.0.1', port: 0 }, () => resolve()))
  heldPort = (held.address() as { port: number }).port
})
afterAll(async () => {
  await new Promise<void>((resolve) => held.close(() => resolve()))
  rmSync(tmp, { recursive: true, force: true })
})

/** A data directory whose parent does not exist yet: anything the stack initialises creates it. */
function freshDataDir(name: string): { parent: string; dataDir: string } {
  const parent = join(tmp, name)
  return { parent, dataDir: join(parent, 'pglite') }
}

function expectOneLineRefusal(run: Run, pattern: RegExp) {
  expect(run.code).toBe(1)
  expect(run.stdout).toBe('')
  const lines = run.stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(run.stderr).not.toMatch(/\n\s+at /) // no stack trace
  expect(existsSync(join(STACKS_DIR, `${run.pid}.json`))).toBe(false)
}

describe('a port in use', () => {
  it('API port: one line naming the port and SUPABASE_LOCAL_API_PORT, before any database is created', async () => {
    const { parent, dataDir } = freshDataDir('api-port')
    const run = await runNode('stack/start.ts', {
      SUPABASE_LOCAL_DATA_DIR: dataDir,
      SUPABASE_LOCAL_API_PORT: String(heldPort),
      SUPABASE_LOCAL_DB_PORT: '0',
    })
    expectOneLineRefusal(run, new RegExp(`^\\[stack\\] cannot start: port ${heldPort} on 127\\.0\\.0\\.1 \\(API gateway\\) is already in use: .*SUPABASE_LOCAL_API_PORT=`))
    // Nothing initialised: no data directory (so no migration ran), no lock left behind.
    expect(existsSync(parent)).toBe(false)
    expect(existsSync(`${dataDir}.lock`)).toBe(false)
  })

  it('database port: one line naming the port and SUPABASE_LOCAL_DB_PORT, before any database is created', async () => {
    const { parent, dataDir } = freshDataDir('db-port')
    const run = await runNode('stack/start.ts', {
      SUPABASE_LOCAL_DATA_DIR: dataDir,
      SUPABASE_LOCAL_API_PORT: '0',
      SUPABASE_LOCAL_DB_PORT: String(heldPort),
    })
    expectOneLineRefusal(run, new RegExp(`^\\[stack\\] cannot start: port ${heldPort} on 127\\.0\\.0\\.1 \\(database\\) is already in use: .*SUPABASE_LOCAL_DB_PORT=`))
    expect(existsSync(parent)).toBe(false)
    expect(existsSync(`${dataDir}.lock`)).toBe(false)
  })

  it('a port that is not a number is named too', async () => {
    const { parent, dataDir } = freshDataDir('bad-port')
    const run = await runNode('stack/start.ts', { SUPABASE_LOCAL_DATA_DIR: dataDir, SUPABASE_LOCAL_API_PORT: 'api' })
    expectOneLineRefusal(run, /^\[stack\] cannot start: SUPABASE_LOCAL_API_PORT must be a port number from 0 to 65535 .*'api'/)
    expect(existsSync(parent)).toBe(false)
  })
})

describe('an external database (--db-url) that cannot be used', () => {
  it('one line naming the URL without its password, and what went wrong', async () => {
    // A port nobody listens on: taken from the system, then released.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen({ host: '127.0.0.1', port: 0 }, () => resolve()))
    const closedPort = (probe.address() as { port: number }).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const run = await runNode('stack/start.ts', { SUPABASE_LOCAL_API_PORT: '0' }, process.execPath, [
      '--db-url',
      `postgresql://postgres:hunter2@127.0.0.1:${closedPort}/postgres`,
    ])
    expectOneLineRefusal(run, new RegExp(`^\\[stack\\] cannot start: cannot use the database postgresql://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${closedPort}/postgres \\(--db-url / DATABASE_URL\\): .*ECONNREFUSED`))
    expect(run.stderr).not.toContain('hunter2')
  })
})

describe('the data directory in use by another stack', () => {
  it('one line naming the holder pid; its lock is left as it was and no database is opened', async () => {
    const { parent, dataDir } = freshDataDir('locked')
    mkdirSync(parent)
    // This test process stands for the other stack: a live pid in the lock file.
    writeFileSync(`${dataDir}.lock`, String(process.pid))
    const run = await runNode('stack/start.ts', { SUPABASE_LOCAL_DATA_DIR: dataDir, SUPABASE_LOCAL_API_PORT: '0', SUPABASE_LOCAL_DB_PORT: '0' })
    expectOneLineRefusal(run, new RegExp(`^\\[stack\\] cannot start: the data directory .*pglite is in use by another local stack \\(pid ${process.pid}\\)`))
    expect(readFileSync(`${dataDir}.lock`, 'utf8')).toBe(String(process.pid))
    expect(existsSync(dataDir)).toBe(false)
  })
})

describe('the Node.js version', () => {
  // The machine's own Node, when it is older than 22.18 (this test runs on Node 24 from .tools).
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node', '/bin/node'].find((path) => {
    try {
      const [major, minor] = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim().split('.').map(Number)
      return major < 22 || (major === 22 && minor < 18)
    } catch {
      return false
    }
  })

  it.skipIf(!oldNode)('npm start and npm run status on an old Node: one line with the version needed and how to run Node 24', async () => {
    const version = execFileSync(oldNode!, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
    for (const [entry, script] of [
      ['stack/start.mjs', 'start'],
      ['stack/status.mjs', 'status'],
    ]) {
      // As `npm start` runs it: npm names the script in npm_lifecycle_event.
      const run = await runNode(entry, { npm_lifecycle_event: script }, oldNode)
      expectOneLineRefusal(run, new RegExp(`needs Node\\.js 22\\.18 or newer .*this is Node ${version.replaceAll('.', '\\.')}\\. .*npx -y node@24 --run ${script}\\b`))
      expect(run.stderr).not.toContain('ERR_UNKNOWN_FILE_EXTENSION')
    }
  })

  it('on this Node the entry goes on to start.ts (here: to its port check)', async () => {
    const { parent, dataDir } = freshDataDir('entry')
    const run = await runNode('stack/start.mjs', { SUPABASE_LOCAL_DATA_DIR: dataDir, SUPABASE_LOCAL_API_PORT: String(heldPort) })
    expectOneLineRefusal(run, new RegExp(`cannot start: port ${heldPort} on 127\\.0\\.0\\.1 \\(API gateway\\) is already in use`))
    expect(existsSync(parent)).toBe(false)
  })
})
