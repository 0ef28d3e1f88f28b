// Shared by the real-engine tools (`npm run lint:db`, `npm run schema:docs`): the project's schemas,
// a fresh clone of the migrated template on real PostgreSQL, and the PostgreSQL client binaries of the
// provisioned root (pg_dump 17, psql 17).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { readProjectConfig } from '../../stack/config.ts'
import { PG_MAJOR, ROOT_ENV, rootDir, withTestServer } from './cluster.ts'

/** Every schema the project owns: the exposed ones (supabase/config.toml) and `private`. */
export function projectSchemas(): string[] {
  const exposed = readProjectConfig().exposedSchemas
  return ['public', 'private', ...exposed.filter((s) => s !== 'public' && s !== 'private')]
}

/**
 * Runs `fn` with the URL of a new database cloned from the migrated + seeded template on real
 * PostgreSQL, and drops the clone afterwards. The server is TEST_DATABASE_URL when set; otherwise
 * the provisioned cluster `test`, started for the run and stopped afterwards if it was not running.
 */
export async function withTemplateClone<T>(fn: (url: string) => Promise<T>): Promise<T> {
  return await withTestServer(async (server) => {
    // Imported only now: tests/support/engine.ts reads TEST_DATABASE_URL when it is first loaded.
    const { databaseUrl } = await import('../../tests/support/engine.ts')
    const { createPostgresClone, dropPostgresClone, ensureTemplate } = await import('../../tests/support/template.ts')
    await ensureTemplate()
    const clone = await createPostgresClone()
    try {
      return await fn(databaseUrl(server, clone))
    } finally {
      await dropPostgresClone(clone)
    }
  })
}

/**
 * Runs a PostgreSQL client binary (pg_dump, psql, ...) and returns its stdout: the root's
 * PostgreSQL 17 (through chroot, as the postgres user; loopback is shared) when provisioned,
 * otherwise the one on PATH. Throws with its stderr when it fails.
 */
export function pgClient(name: string, args: string[]): string {
  const binary = `/usr/lib/postgresql/${PG_MAJOR}/bin/${name}`
  const inRoot = existsSync(join(rootDir(), binary))
  const [command, argv] = inRoot
    ? ['/usr/sbin/chroot', ['--userspec=postgres:postgres', rootDir(), binary, ...args]]
    : [name, args]
  try {
    return execFileSync(command, argv, {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: inRoot ? ROOT_ENV : process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim()
    throw new Error(`${name} failed${stderr ? `: ${stderr}` : ''}`, { cause: error })
  }
}
