// The local scheduler fires the rows of private.scheduled_functions as the service role.
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Scheduler, toCronPattern } from '../../stack/scheduler.ts'
import type { SqlRunner } from '../../stack/sql-runner.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
let runner: SqlRunner
let server: ServerType
let apiUrl: string
const calls: { path: string; auth: string | undefined; body: unknown }[] = []

beforeAll(async () => {
  db = await startTestDatabase()
  runner = db.runner()
  const app = new Hono().post('*', async (c) => {
    calls.push({ path: c.req.path, auth: c.req.header('authorization'), body: await c.req.json() })
    return c.json({ ok: true })
  })
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      apiUrl = `http://127.0.0.1:${info.port}`
      resolve()
    })
  })
})
afterAll(async () => {
  server?.close()
  await runner?.close()
  await db?.stop()
})

it('translates pg_cron interval schedules', () => {
  expect(toCronPattern('5 seconds')).toBe('*/5 * * * * *')
  expect(toCronPattern('0 3 * * *')).toBe('0 3 * * *')
})

it('POSTs each active scheduled function with the service role key and its body', async () => {
  await db.sql.query(`select private.schedule_function('every-second', '1 seconds', 'embed', '{"batch": 10}')`)
  await db.sql.query(`select private.schedule_function('paused', '1 seconds', 'scrape')`)
  await db.sql.query(`select private.unschedule_function('paused')`)
  const scheduler = new Scheduler({ db: runner, apiUrl, serviceRoleKey: 'service-key' })
  await scheduler.start()
  try {
    // embed-queue and catalog-sync come from migrations; 'paused' was unscheduled.
    expect(scheduler.scheduled()).toContain('every-second')
    expect(scheduler.scheduled()).not.toContain('paused')
    await new Promise((r) => setTimeout(r, 2500))
  } finally {
    scheduler.stop()
  }
  const everySecond = calls.filter((c) => JSON.stringify(c.body) === '{"batch":10}')
  expect(everySecond.length).toBeGreaterThanOrEqual(2)
  expect(everySecond[0]).toEqual({ path: '/functions/v1/embed', auth: 'Bearer service-key', body: { batch: 10 } })
  expect(calls.some((c) => c.path === '/functions/v1/scrape')).toBe(false)
})

it('leaves a schedule to pg_cron where cron.job has a job of that name for this database', async () => {
  // pg_cron's cron.job as far as the scheduler reads it. PGlite has no pg_cron, and the real engine's
  // test databases are not pg_cron's database, so the table is made here; tests/stack/cron-schedule
  // .test.ts checks the same against real pg_cron.
  await db.sql.exec(`create schema cron; create table cron.job (jobid bigserial primary key, jobname text, database text not null)`)
  const scheduler = new Scheduler({ db: runner, apiUrl, serviceRoleKey: 'service-key' })
  try {
    await db.sql.query(`select private.schedule_function('hosted', '1 seconds', 'embed', '{"by": "hosted"}')`)
    await db.sql.query(`select private.schedule_function('elsewhere', '1 seconds', 'embed', '{"by": "elsewhere"}')`)
    // 'hosted' has a pg_cron job here; 'elsewhere' only one in another database (not this schedule).
    await db.sql.query(`insert into cron.job (jobname, database) values ('hosted', current_database()), ('elsewhere', 'another_database')`)
    calls.length = 0
    await scheduler.reload()
    expect(scheduler.scheduled()).not.toContain('hosted')
    expect(scheduler.scheduled()).toContain('elsewhere')
    expect(scheduler.scheduled()).toContain('every-second')
    await new Promise((r) => setTimeout(r, 2200))
    expect(calls.some((c) => JSON.stringify(c.body) === '{"by":"elsewhere"}')).toBe(true)
    expect(calls.some((c) => JSON.stringify(c.body) === '{"by":"hosted"}')).toBe(false)

    // When the cron job goes, the next reload takes the schedule back.
    await db.sql.query(`delete from cron.job where jobname = 'hosted'`)
    await scheduler.reload()
    expect(scheduler.scheduled()).toContain('hosted')
  } finally {
    scheduler.stop()
    await db.sql.exec('drop schema cron cascade')
  }
})
