// The hosted schedule path (pg_cron + pg_net + Vault) on the real engine: the migrations, applied where
// pg_cron and pg_net exist, create one cron job per scheduled function; each job's command POSTs to
// <project_url>/functions/v1/<function> with the service-role key from Vault; pg_cron itself fires
// them; unschedule_function removes them; and the local scheduler leaves them to pg_cron.
//
// Runs in the real-engine lane (TEST_DATABASE_URL) on a cluster of its own, not on TEST_DATABASE_URL's
// server: pg_net is not packaged by Debian, so its stand-in is offered only by a separate copy of the
// installation (see tests/support/hosted-cron.ts for why). Skips, saying why, where that cluster
// cannot be started (no provisioned root, not root).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CRON_DATABASE } from '../../scripts/pg/cluster.ts'
import { readProjectConfig } from '../../stack/config.ts'
import { migrate } from '../../stack/migrator.ts'
import { bootstrapPlatform } from '../../stack/platform.ts'
import { Scheduler } from '../../stack/scheduler.ts'
import { postgresRunner, type SqlRunner } from '../../stack/sql-runner.ts'
import { onRealPostgres } from '../support/engine.ts'
import { hostedCronUnavailable, startHostedCronCluster, VAULT_STANDIN_SQL, type HostedCronCluster } from '../support/hosted-cron.ts'

const PROJECT_URL = 'https://project-ref.supabase.co'
const SERVICE_ROLE_KEY = 'service-role-key-of-the-cron-test'
// Declared by the test: fires every second (so pg_cron is seen running a job within the test) and has
// a body, where every migrated schedule sends {}.
const PROBE = { name: 'cron-probe', schedule: '1 seconds', function_name: 'health', body: { probe: 'pg_cron', n: 1 } }

const unavailable = onRealPostgres ? hostedCronUnavailable() : undefined

interface QueuedRequest {
  method: string
  url: string
  headers: Record<string, string>
  body: unknown
  timeout_milliseconds: number
}
const QUEUED = `select method, url, headers, convert_from(body, 'UTF8')::jsonb as body, timeout_milliseconds from net.http_request_queue`

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe.runIf(onRealPostgres)('hosted schedule path: pg_cron + pg_net (stand-in) on the real engine', () => {
  if (unavailable) {
    console.warn(`cron-schedule.test.ts skipped: ${unavailable}`)
    it.skip(`needs its own pg_cron cluster: ${unavailable}`, () => {})
    return
  }

  let cluster: HostedCronCluster | undefined
  let db: SqlRunner
  let secretsSince: string

  beforeAll(async () => {
    cluster = await startHostedCronCluster()
    db = postgresRunner(cluster.url)
    // Vault exists on every hosted project before any migration runs.
    await db.exec(VAULT_STANDIN_SQL)
    const project = readProjectConfig()
    await bootstrapPlatform(db, project.exposedSchemas)
    await migrate(db, project.seedPaths)
    // The secrets of README "Deploy", created after the migrations: the jobs read them when they run.
    await db.query(`select vault.create_secret($1, 'project_url'), vault.create_secret($2, 'service_role_key')`, [PROJECT_URL, SERVICE_ROLE_KEY])
    secretsSince = (await db.query<{ now: string }>(`select clock_timestamp()::text as now`))[0].now
    await db.query(`select private.schedule_function($1, $2, $3, $4::text::jsonb)`, [PROBE.name, PROBE.schedule, PROBE.function_name, JSON.stringify(PROBE.body)])
  })

  afterAll(async () => {
    await db?.close()
    cluster?.destroy()
  })

  it('the migrations created pg_cron and pg_net where both are available', async () => {
    const extensions = await db.query<{ extname: string; extversion: string }>(`select extname, extversion from pg_extension where extname in ('pg_cron', 'pg_net') order by extname`)
    expect(extensions.map((e) => e.extname)).toEqual(['pg_cron', 'pg_net'])
    expect(extensions[1].extversion).toBe('standin')
  })

  it('has exactly one cron job per active scheduled function, on the same schedule', async () => {
    const declared = await db.query<{ name: string; schedule: string }>(`select name, schedule from private.scheduled_functions where active order by name`)
    const jobs = await db.query<{ name: string; schedule: string }>(`select jobname as name, schedule from cron.job order by jobname`)
    expect(declared.map((d) => d.name)).toEqual(expect.arrayContaining(['billing-reconcile', 'catalog-sync', 'cron-probe', 'embed-queue', 'sites-crawl']))
    expect([...jobs]).toEqual([...declared])
    const owners = await db.query(`select distinct database, username, active from cron.job`)
    expect([...owners]).toEqual([{ database: CRON_DATABASE, username: 'postgres', active: true }])
  })

  it("each job's command queues a POST to <project_url>/functions/v1/<function> with the service-role bearer and the body", async () => {
    const jobs = await db.query<{ jobname: string; command: string; function_name: string; body: unknown }>(
      `select j.jobname, j.command, s.function_name, s.body
         from cron.job j join private.scheduled_functions s on s.name = j.jobname order by j.jobname`,
    )
    expect(jobs.length).toBeGreaterThanOrEqual(5)
    expect(jobs.find((j) => j.jobname === PROBE.name)?.body).toEqual(PROBE.body)
    // A session of its own, as pg_cron opens one per run (as the job's user, postgres).
    const session = postgresRunner(cluster!.url)
    try {
      for (const job of jobs) {
        const [result] = await session.query<{ http_post: string }>(job.command)
        const [request] = await db.query<QueuedRequest>(`${QUEUED} where id = $1`, [result.http_post])
        expect({ job: job.jobname, ...request }).toEqual({
          job: job.jobname,
          method: 'POST',
          url: `${PROJECT_URL}/functions/v1/${job.function_name}`,
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SERVICE_ROLE_KEY}` },
          body: job.body,
          timeout_milliseconds: 30000,
        })
      }
    } finally {
      await session.close()
    }
  })

  it('pg_cron runs the jobs itself: the 1-second probe and the migrated 10-second embed-queue', async () => {
    const [{ last }] = await db.query<{ last: string }>(`select coalesce(max(id), 0) as last from net.http_request_queue`)
    const succeeded = async (jobname: string) =>
      (await db.query(`select from cron.job_run_details d join cron.job j using (jobid) where j.jobname = $1 and d.status = 'succeeded'`, [jobname])).length > 0
    const queuedSince = async (fn: string) => await db.query<QueuedRequest>(`${QUEUED} where id > $1 and url = $2 order by id`, [last, `${PROJECT_URL}/functions/v1/${fn}`])
    await until('a pg_cron run of cron-probe and of embed-queue', async () => (await succeeded('cron-probe')) && (await succeeded('embed-queue')) && (await queuedSince('embed')).length > 0 && (await queuedSince('health')).length > 0, 25_000)
    // Only pg_cron writes to the queue now: the requests it queued are the jobs' calls.
    const [probe] = await queuedSince('health')
    expect(probe.body).toEqual(PROBE.body)
    expect(probe.headers.Authorization).toBe(`Bearer ${SERVICE_ROLE_KEY}`)
    const [embed] = await queuedSince('embed')
    expect(embed.body).toEqual({})
    // (Runs before the secrets existed failed: url is null without project_url.)
    const failed = await db.query(
      `select j.jobname, d.return_message from cron.job_run_details d join cron.job j using (jobid) where d.status = 'failed' and d.start_time > $1::timestamptz`,
      [secretsSince],
    )
    expect([...failed]).toEqual([])
  })

  it('unschedule_function removes the job; unscheduling again, or a name that has no job, changes nothing', async () => {
    await db.query(`select private.unschedule_function($1)`, [PROBE.name])
    const jobNames = async () => (await db.query<{ jobname: string }>(`select jobname from cron.job order by jobname`)).map((j) => j.jobname)
    expect(await jobNames()).not.toContain(PROBE.name)
    const [row] = await db.query<{ active: boolean }>(`select active from private.scheduled_functions where name = $1`, [PROBE.name])
    expect(row.active).toBe(false)
    // Idempotent, as on PGlite (no pg_cron): a retired schedule may be unscheduled again.
    await db.query(`select private.unschedule_function($1)`, [PROBE.name])
    await db.query(`select private.unschedule_function('never-scheduled')`)
    const declared = (await db.query<{ name: string }>(`select name from private.scheduled_functions where active order by name`)).map((d) => d.name)
    expect(await jobNames()).toEqual(declared)

    // A run already started may still land; after that, nothing more from the probe.
    await new Promise((r) => setTimeout(r, 1500))
    const [{ last }] = await db.query<{ last: string }>(`select coalesce(max(id), 0) as last from net.http_request_queue`)
    await new Promise((r) => setTimeout(r, 2500))
    const after = await db.query(`${QUEUED} where id > $1 and url = $2`, [last, `${PROJECT_URL}/functions/v1/${PROBE.function_name}`])
    expect(after.length).toBe(0)
  })

  it('the local scheduler fires none of the schedules that pg_cron has jobs for', async () => {
    // A declared schedule without a cron job (written directly, not via schedule_function).
    await db.query(`insert into private.scheduled_functions (name, schedule, function_name) values ('local-only', '0 0 1 1 *', 'health')`)
    const scheduler = new Scheduler({ db, apiUrl: 'http://127.0.0.1:9', serviceRoleKey: 'unused' })
    try {
      await scheduler.reload()
      expect(scheduler.scheduled()).toEqual(['local-only'])
    } finally {
      scheduler.stop()
    }
  })
})
