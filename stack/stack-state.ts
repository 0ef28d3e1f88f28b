// What a running `npm start` tells `npm run status`: one file per stack process,
// .data/stacks/<pid>.json, with its phase and (once ready) the URLs and keys it really serves.
// Status trusts a file only while its pid lives and its API port accepts connections, so it never
// depends on the status command's own environment or on the database answering.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { ROOT } from './config.ts'
import { processAlive } from './data-dir-lock.ts'
import type { StackStatus } from './stack-status.ts'

export const STACKS_DIR = join(ROOT, '.data', 'stacks')

export interface StackState {
  pid: number
  /** 'starting' from the moment the stack holds its data directory; 'running' once it serves. */
  phase: 'starting' | 'running'
  startedAt: string
  /** The PGlite data directory, or null on an external database (--db-url / DATABASE_URL). */
  dataDir: string | null
  /** Set once running: the values the stack serves (also its keys: the file is mode 600). */
  status?: StackStatus
}

const fileOf = (pid: number, dir: string) => join(dir, `${pid}.json`)

/** Writes (or replaces) this process's state file atomically. */
export function writeStackState(state: StackState, dir = STACKS_DIR): void {
  mkdirSync(dir, { recursive: true })
  const tmp = `${fileOf(state.pid, dir)}.tmp`
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
  renameSync(tmp, fileOf(state.pid, dir))
}

export function removeStackState(pid: number, dir = STACKS_DIR): void {
  rmSync(fileOf(pid, dir), { force: true })
}

/** The recorded stacks whose process still exists; files of dead processes are removed. */
export function liveStackStates(dir = STACKS_DIR): StackState[] {
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => /^\d+\.json$/.test(f))
  } catch {
    return []
  }
  const states: StackState[] = []
  for (const file of files) {
    let state: StackState
    try {
      state = JSON.parse(readFileSync(join(dir, file), 'utf8')) as StackState
    } catch {
      continue // being replaced right now, or not ours
    }
    if (processAlive(state.pid)) states.push(state)
    else rmSync(join(dir, file), { force: true })
  }
  return states.sort((a, b) => b.startedAt.localeCompare(a.startedAt))
}

/** Whether something accepts TCP connections on host:port (no request is sent). */
export async function acceptsConnections(host: string, port: number, timeoutMs = 5000): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
