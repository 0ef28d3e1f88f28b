// The health function against a real migrated database (and against no database at all).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { app } from '../../functions/health/app.ts'
import { closeDb } from '../../functions/_shared/db.ts'
import { listMigrations } from '../../stack/migrator.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase

beforeAll(async () => {
  db = await startTestDatabase()
  process.env.SUPABASE_DB_URL = db.url
})
afterAll(async () => {
  await closeDb()
  await db.stop()
})

describe('GET /health', () => {
  it('answers 200 with the applied migrations after a database round trip', async () => {
    const res = await app.request('/health')
    expect(res.status).toBe(200)
    const migrations = listMigrations()
    expect(await res.json()).toEqual({
      status: 'ok',
      db: 'ok',
      migrations: { applied: migrations.length, latest: migrations.at(-1)!.version },
    })
    expect(res.headers.get('x-request-id')).toBeTruthy()
  })

  it('reflects the database, not a constant: a new migration row shows up', async () => {
    await db.sql.query(`insert into supabase_migrations.schema_migrations (version, name) values ('29990101000000', 'probe')`)
    const body = await (await app.request('/health')).json()
    expect(body.migrations.latest).toBe('29990101000000')
    await db.sql.query(`delete from supabase_migrations.schema_migrations where version = '29990101000000'`)
  })

  it('answers 503 with a JSON error when the database is down', async () => {
    await closeDb()
    process.env.SUPABASE_DB_URL = 'postgresql://postgres:postgres@127.0.0.1:9/postgres'
    try {
      const res = await app.request('/health')
      expect(res.status).toBe(503)
      const body = await res.json()
      expect(body).toMatchObject({ status: 'unavailable', db: 'down', error: { code: 'db_unavailable' } })
    } finally {
      await closeDb()
      process.env.SUPABASE_DB_URL = db.url
    }
  })

  it('answers CORS preflights and unknown routes with JSON', async () => {
    const preflight = await app.request('/health', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, apikey' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-headers')).toContain('apikey')

    const missing = await app.request('/health/nope')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } })
  })
})
