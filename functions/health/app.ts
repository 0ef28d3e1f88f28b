// GET /health: liveness with a real database round trip. 200 with the applied migrations, or
// 503 when the database cannot be reached.
import { createApp } from '../_shared/app.ts'
import { db } from '../_shared/db.ts'
import { errorBody } from '../_shared/errors.ts'

export const app = createApp('health')

app.get('/', async (c) => {
  try {
    const [row] = await db()<{ applied: number; latest: string | null }[]>`
      select count(*)::int as applied, max(version) as latest from supabase_migrations.schema_migrations`
    return c.json({ status: 'ok', db: 'ok', migrations: { applied: row.applied, latest: row.latest } })
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', requestId: c.get('requestId'), message: (error as Error).message }))
    return c.json(
      { status: 'unavailable', db: 'down', migrations: null, ...errorBody('db_unavailable', 'The database is unreachable') },
      503,
    )
  }
})
