// Local stand-in for pg_cron + pg_net: fires the rows of private.scheduled_functions (the same
// rows that become pg_cron jobs when hosted) as POST /functions/v1/<name> with the service role.
// A row that pg_cron has a job for in this database (cron.job, same jobname) is left to pg_cron, so
// the two never both fire a schedule; PGlite and other databases without pg_cron have no cron.job.
import { Cron } from 'croner'
import type { SqlRunner } from './sql-runner.ts'

export interface ScheduledFunction {
  name: string
  schedule: string
  function_name: string
  body: unknown
}

/** pg_cron accepts "N seconds" besides 5-field cron; croner wants a 6-field pattern for that. */
export function toCronPattern(schedule: string): string {
  const seconds = /^\s*(\d+)\s+seconds?\s*$/i.exec(schedule)
  return seconds ? `*/${seconds[1]} * * * * *` : schedule
}

export interface SchedulerOptions {
  db: SqlRunner
  apiUrl: string
  serviceRoleKey: string
  /** How often the table is re-read for added or changed schedules. */
  reloadMs?: number
  log?: (line: string) => void
}

export class Scheduler {
  private jobs = new Map<string, { key: string; cron: Cron }>()
  private reloadTimer?: ReturnType<typeof setInterval>
  private readonly options: SchedulerOptions

  constructor(options: SchedulerOptions) {
    this.options = options
  }

  async start(): Promise<void> {
    await this.reload()
    this.reloadTimer = setInterval(() => void this.reload().catch((e) => this.log(`scheduler reload failed: ${e.message}`)), this.options.reloadMs ?? 60_000)
  }

  async reload(): Promise<void> {
    // cron.job can only be named in a query where it exists, so its presence is asked first.
    const [{ cron }] = await this.options.db.query<{ cron: boolean }>(`select to_regclass('cron.job') is not null as cron`)
    const rows = await this.options.db.query<ScheduledFunction>(
      `select s.name, s.schedule, s.function_name, s.body from private.scheduled_functions s
        where s.active${cron ? ' and not exists (select from cron.job j where j.jobname = s.name and j.database = current_database())' : ''}
        order by s.name`,
    )
    const seen = new Set<string>()
    for (const row of rows) {
      seen.add(row.name)
      const key = JSON.stringify([row.schedule, row.function_name, row.body])
      if (this.jobs.get(row.name)?.key === key) continue
      this.jobs.get(row.name)?.cron.stop()
      const cron = new Cron(toCronPattern(row.schedule), { protect: true, name: row.name }, async () => {
        await this.fire(row)
      })
      this.jobs.set(row.name, { key, cron })
    }
    for (const [name, job] of this.jobs) {
      if (!seen.has(name)) {
        job.cron.stop()
        this.jobs.delete(name)
      }
    }
  }

  /** POSTs one scheduled call; returns the HTTP status (0 when the request failed). */
  async fire(job: ScheduledFunction): Promise<number> {
    try {
      const res = await fetch(`${this.options.apiUrl}/functions/v1/${job.function_name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.serviceRoleKey}` },
        body: JSON.stringify(job.body ?? {}),
      })
      const body = await res.text()
      // Quiet when healthy (embed-queue fires every 10 s); every failure is logged.
      if (!res.ok) this.log(`cron ${job.name} -> ${job.function_name}: ${res.status} ${body.slice(0, 300)}`)
      return res.status
    } catch (error) {
      this.log(`cron ${job.name} -> ${job.function_name} failed: ${(error as Error).message}`)
      return 0
    }
  }

  scheduled(): string[] {
    return [...this.jobs.keys()]
  }

  stop(): void {
    clearInterval(this.reloadTimer)
    for (const job of this.jobs.values()) job.cron.stop()
    this.jobs.clear()
  }

  private log(line: string) {
    this.options.log?.(line)
  }
}
