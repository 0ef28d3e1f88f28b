// `npm start -- --db-url <url>`: an external, empty Postgres reached over the wire protocol: on the
// real-engine lane a new empty PostgreSQL 17 database (what a new user points the stack at); on the
// PGlite lane an empty PGlite behind a socket, standing in for e.g. a Docker `supabase start` database.
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import type { PGlite } from '@electric-sql/pglite'
import { createClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { readProjectConfig } from '../../stack/config.ts'
import { openPglite, serveSocket, socketPort } from '../../stack/database.ts'
import { basename } from 'node:path'
import { listMigrations, listSeedFiles } from '../../stack/migrator.ts'
import { bootstrapPlatform } from '../../stack/platform.ts'
import { postgresRunner } from '../../stack/sql-runner.ts'
import { startStack, type RunningStack } from '../../stack/stack.ts'
import { adminUrl, databaseUrl, onRealPostgres } from '../support/engine.ts'
import { adminClient } from '../support/template.ts'

let pglite: PGlite | undefined
let socket: PGLiteSocketServer | undefined
let url: string
let stack: RunningStack
const emptyDatabase = `fd_external_${process.pid}`

beforeAll(async () => {
  if (onRealPostgres) {
    const admin = adminClient()
    await admin.unsafe(`drop database if exists "${emptyDatabase}" with (force)`)
    await admin.unsafe(`create database "${emptyDatabase}"`)
    await admin.end()
    url = databaseUrl(adminUrl!, emptyDatabase)
  } else {
    pglite = await openPglite()
    socket = await serveSocket(pglite, '127.0.0.1', 0)
    url = `postgresql://postgres:postgres@127.0.0.1:${socketPort(socket)}/postgres`
  }
  stack = await startStack({ settings: { databaseUrl: url, apiPort: 0 }, scheduler: false })
})
afterAll(async () => {
  await stack?.stop()
  await socket?.stop()
  await pglite?.close()
  if (onRealPostgres) {
    const admin = adminClient()
    await admin.unsafe(`drop database if exists "${emptyDatabase}" with (force)`)
    await admin.end()
  }
})

it('bootstraps, migrates and seeds the external database, and serves it', async () => {
  expect(stack.status.DB_URL).toBe(url)
  expect(stack.migrations.applied).toHaveLength(listMigrations().length)
  expect(stack.migrations.seeded).toEqual(listSeedFiles(readProjectConfig().seedPaths).map((f) => `seed/${basename(f)}`))

  const supabase = createClient(stack.status.API_URL, stack.status.ANON_KEY, { auth: { persistSession: false } })
  const { data, error } = await supabase.auth.signUp({ email: 'ext@example.test', password: 'external-db-password' })
  expect(error).toBeNull()
  const profiles = await supabase.from('profiles').select('id')
  expect(profiles.data).toEqual([{ id: data.user!.id }])
  expect((await fetch(`${stack.status.FUNCTIONS_URL}/health`)).status).toBe(200)
})

it('leaves a database that already has the Supabase platform alone', async () => {
  const runner = postgresRunner(url)
  try {
    await runner.exec('create role supabase_admin nologin')
    expect(await bootstrapPlatform(runner, readProjectConfig().exposedSchemas)).toBe('skipped')
  } finally {
    await runner.exec('drop role supabase_admin')
    await runner.close()
  }
})
