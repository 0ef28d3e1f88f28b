// A transaction PostgreSQL aborts for concurrency (serialization failure 40001, deadlock victim
// 40P01) is run again whole; one that still fails answers 503 concurrency_conflict with Retry-After,
// never a 500, and commits nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../functions/_shared/app.ts'
import { closeDb, transaction } from '../../functions/_shared/db.ts'
import { startTestDatabase, type TestDatabase } from '../support/test-db.ts'

let db: TestDatabase
const aborted = (code: string) => Object.assign(new Error(code === '40P01' ? 'deadlock detected' : 'could not serialize access'), { code })

beforeAll(async () => {
  db = await startTestDatabase()
  process.env.SUPABASE_DB_URL = db.url
  await db.sql.exec('create table public.retry_probe (n int)')
})
afterAll(async () => {
  await closeDb()
  await db.stop()
})

describe('transaction()', () => {
  it('runs the transaction again after 40001 and 40P01, keeping only the successful run', async () => {
    let runs = 0
    const result = await transaction(async (sql) => {
      runs++
      await sql`insert into public.retry_probe values (${runs})`
      if (runs === 1) throw aborted('40001')
      if (runs === 2) throw aborted('40P01')
      return 'done'
    })
    expect(result).toBe('done')
    expect(runs).toBe(3)
    expect((await db.sql.query('select n from public.retry_probe')).rows).toEqual([{ n: 3 }])
  })

  it('does not retry other errors, and gives up after its attempts', async () => {
    let runs = 0
    await expect(transaction(async () => {
      runs++
      throw Object.assign(new Error('duplicate key'), { code: '23505' })
    })).rejects.toMatchObject({ code: '23505' })
    expect(runs).toBe(1)
    runs = 0
    await expect(transaction(async () => {
      runs++
      throw aborted('40P01')
    }, 3)).rejects.toMatchObject({ code: '40P01' })
    expect(runs).toBe(3)
  })
})

describe('the error handler', () => {
  const app = createApp('probe')
  app.post('/deadlock', () => {
    throw aborted('40P01')
  })
  app.post('/serialization', () => {
    throw aborted('40001')
  })

  it('answers 503 concurrency_conflict with Retry-After for 40P01 and 40001', async () => {
    for (const path of ['/probe/deadlock', '/probe/serialization']) {
      const res = await app.request(path, { method: 'POST' })
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('1')
      expect(await res.json()).toMatchObject({ error: { code: 'concurrency_conflict' } })
    }
  })
})
