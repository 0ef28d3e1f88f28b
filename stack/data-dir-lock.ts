// One process per PGlite data directory: two writers would corrupt it. A pid file beside the
// directory; a stale one (its process is gone) is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function lockDataDir(dataDir: string): () => void {
  const path = `${dataDir}.lock`
  mkdirSync(dirname(path), { recursive: true })
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' })
  } catch {
    const holder = Number(readFileSync(path, 'utf8'))
    if (holder && holder !== process.pid && alive(holder)) {
      throw new Error(`${dataDir} is in use by another local stack (pid ${holder}); stop it first`)
    }
    writeFileSync(path, String(process.pid))
  }
  return () => rmSync(path, { force: true })
}
