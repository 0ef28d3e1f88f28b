// `npm run lint:db`: the Supabase CLI's database checks on real PostgreSQL 17, on a database freshly
// cloned from the migrated template (TEST_DATABASE_URL's server when set, otherwise the provisioned
// cluster `test`, started for the run).
//
// 1. `supabase db lint` (plpgsql_check over every PL/pgSQL function of every project schema; the CLI
//    skips trigger functions). Exits 1 when it reports any error; warnings are printed, not fatal.
// 2. A set of `supabase inspect db` reports, printed for information (on a fresh clone the sizes and
//    counters describe the empty schema, not production). outliers, calls and db-stats are left
//    out: they need pg_stat_statements, which only the hosted platform preloads.
import postgres from 'postgres'
import { supabaseCli } from '../stack/supabase-cli.ts'
import { projectSchemas, withTemplateClone } from './pg/real-engine.ts'

const INSPECT = ['table-stats', 'index-stats', 'bloat', 'vacuum-stats', 'collation-drift', 'role-stats']

interface LintIssue {
  level: string
  message: string
  statement?: { lineNumber: string; text: string }
  query?: { position: string; text: string }
  hint?: string
  detail?: string
  context?: string
  sqlState?: string
}

/** The CLI asks for TLS first; the local clusters have none. */
function cliUrl(url: string): string {
  const u = new URL(url)
  if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable')
  return u.toString()
}

/** A failed CLI run as text (execFile's error carries the output). */
function cliFailure(error: unknown): string {
  const e = error as { stdout?: string; stderr?: string; message?: string }
  return [e.stdout, e.stderr].filter(Boolean).join('\n').trim() || String(e.message ?? error)
}

const indent = (text: string, by = '      ') => text.split('\n').map((l) => `${by}${l}`).join('\n')

function printIssue(fn: string, issue: LintIssue): void {
  const where = issue.statement ? ` (line ${issue.statement.lineNumber}, ${issue.statement.text})` : ''
  console.log(`  ${issue.level.toUpperCase().padEnd(13)} ${fn}${where}: ${issue.message}${issue.sqlState && issue.sqlState !== '00000' ? ` [${issue.sqlState}]` : ''}`)
  for (const [label, text] of [['detail', issue.detail], ['hint', issue.hint], ['context', issue.context]] as const) {
    if (text) console.log(indent(`${label}: ${text}`))
  }
  if (issue.query) console.log(indent(issue.query.text.split('\n').slice(0, 3).join('\n')))
}

const schemas = projectSchemas()
const errors = await withTemplateClone(async (url) => {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  let functions: number
  try {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
      where l.lanname = 'plpgsql' and p.prorettype <> 'trigger'::regtype and n.nspname = any(${schemas})`
    functions = row!.n
  } finally {
    await sql.end()
  }

  console.log(`supabase db lint: ${functions} PL/pgSQL functions in ${schemas.join(', ')}`)
  let results: { function: string; issues: LintIssue[] }[]
  try {
    const { stdout } = await supabaseCli([
      'db', 'lint', `--remote=${cliUrl(url)}`, '--schema', schemas.join(','), '--level', 'warning', '--fail-on', 'none', '--output-format', 'json',
    ])
    results = (JSON.parse(stdout) as { results?: typeof results }).results ?? []
  } catch (error) {
    console.error(`supabase db lint did not run:\n${cliFailure(error)}`)
    return -1
  }
  const issues = results.flatMap((r) => r.issues.map((issue) => ({ fn: r.function, issue })))
  const isError = (level: string) => level.startsWith('error')
  for (const { fn, issue } of issues.filter((i) => isError(i.issue.level))) printIssue(fn, issue)
  // plpgsql_check says "OUT variable x is maybe unmodified" once per column of a RETURN QUERY
  // EXECUTE function; one line per function says the same.
  const unmodified = new Map<string, { names: string[]; detail?: string }>()
  for (const { fn, issue } of issues.filter((i) => !isError(i.issue.level))) {
    const out = /^OUT variable "(.+)" is maybe unmodified$/.exec(issue.message)
    if (out && !issue.statement) unmodified.set(fn, { names: [...(unmodified.get(fn)?.names ?? []), out[1]!], detail: issue.detail })
    else printIssue(fn, issue)
  }
  for (const [fn, { names, detail }] of unmodified) {
    printIssue(fn, { level: 'warning extra', message: `OUT variables ${names.join(', ')} are maybe unmodified`, detail })
  }
  const errorCount = issues.filter((i) => isError(i.issue.level)).length
  const warnedFunctions = new Set(issues.filter((i) => !isError(i.issue.level)).map((i) => i.fn)).size
  console.log(`db lint: ${errorCount} errors, ${issues.length - errorCount} warnings (in ${warnedFunctions} functions)\n`)

  for (const command of INSPECT) {
    console.log(`== supabase inspect db ${command}`)
    try {
      const { stdout } = await supabaseCli(['inspect', 'db', command, `--remote=${cliUrl(url)}`])
      console.log(stdout.replace(/^\s*\n/, '').trimEnd() + '\n')
    } catch (error) {
      console.log(`(not available: ${cliFailure(error).split('\n').find((l) => /error/i.test(l)) ?? 'failed'})\n`)
    }
  }
  return errorCount
})

if (errors !== 0) {
  console.error(errors < 0 ? 'lint:db failed: db lint did not run' : `lint:db failed: db lint reported ${errors} error(s)`)
  process.exit(1)
}
console.log('lint:db: no db lint errors')
