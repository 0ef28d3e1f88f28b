// One process per PGlite data directory: two writers would corrupt it. A pid file beside the
// directory (`<dataDir>.lock`); a stale one (its process is gone) is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, relative } from 'node:path'
import { ROOT } from './config.ts'
import { StartupError } from './startup-error.ts'

/** True while a process with this pid exists (EPERM: it exists but belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const lockPath = (dataDir: string) => `${dataDir}.lock`

/** The pid of another live process holding the data directory, if any. */
export function dataDirHolder(dataDir: string): number | undefined {
  let holder: number
  try {
    holder = Number(readFileSync(lockPath(dataDir), 'utf8'))
  } catch {
    return undefined
  }
  return Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder) ? holder : undefined
}

function inUse(dataDir: string, holder: number): StartupError {
  const shown = relative(ROOT, dataDir)
  const where = shown.startsWith('..') || isAbsolute(shown) ? dataDir : shown
  return new StartupError(
    `the data directory ${where} is in use by another local stack (pid ${holder}): stop that one (Ctrl-C in its terminal, or kill ${holder}), or give this one another SUPABASE_LOCAL_DATA_DIR`,
  )
}

/** Throws a StartupError naming the holder when another live stack uses the data directory. */
export function assertDataDirFree(dataDir: string): void {
  const holder = dataDirHolder(dataDir)
  if (holder) throw inUse(dataDir, holder)
}

/** Takes the data directory; returns the release. Throws a StartupError while another stack holds it. */
export function lockDataDir(dataDir: string): () => void {
  const path = lockPath(dataDir)
  mkdirSync(dirname(path), { recursive: true })
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' })
  } catch {
    const holder = dataDirHolder(dataDir)
    if (holder) throw inUse(dataDir, holder)
    writeFileSync(path, String(process.pid))
  }
  return () => {
    // Only our own lock: never remove one another process took over.
    let holder = ''
    try {
      holder = readFileSync(path, 'utf8')
    } catch {}
    if (holder === String(process.pid)) rmSync(path, { force: true })
  }
}
