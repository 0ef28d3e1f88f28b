// supabase/functions/.env.example is the list of every variable the functions read: the source is
// scanned for env('NAME') / requireEnv('NAME', ...) (the only way functions read their environment),
// and each name must be in the example, with a comment line of its own; nothing stale is listed.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseEnv } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../stack/config.ts'

const FUNCTIONS = join(ROOT, 'functions')
const EXAMPLE = join(ROOT, 'supabase', 'functions', '.env.example')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [])
}

const sources = sourceFiles(FUNCTIONS).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }))
// A call of env( or requireEnv( (not a definition, not a longer name such as runtime.env).
const READS = /(?<![\w.])(?:env|requireEnv)\(\s*([^,)]*)/g

function envReads() {
  return sources
    .filter((s) => s.path !== join('functions', '_shared', 'env.ts'))
    .flatMap((s) => [...s.text.matchAll(READS)].map((m) => ({ path: s.path, argument: m[1].trim() })))
}

/** Entries of the example: `NAME=` lines, and commented-out `# NAME=...` lines (defaults, runtime-provided). */
function exampleEntries() {
  const lines = readFileSync(EXAMPLE, 'utf8').split('\n')
  return lines.flatMap((line, i) => {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=/.exec(line)
    return match ? [{ name: match[2], active: !match[1], comment: lines[i - 1] ?? '' }] : []
  })
}

describe('supabase/functions/.env.example', () => {
  it('functions read their environment only through _shared/env.ts, by literal names', () => {
    const direct = sources.filter((s) => s.path !== join('functions', '_shared', 'env.ts') && /Deno\.env|process\.env/.test(s.text)).map((s) => s.path)
    expect(direct).toEqual([])
    const reads = envReads()
    expect(reads.length).toBeGreaterThan(30)
    expect(reads.filter((r) => !/^'[A-Z][A-Z0-9_]*'$/.test(r.argument))).toEqual([])
  })

  it('lists every variable the functions read', () => {
    const read = new Set(envReads().map((r) => r.argument.slice(1, -1)))
    const listed = new Set(exampleEntries().map((e) => e.name))
    expect([...read].filter((name) => !listed.has(name)).sort()).toEqual([])
    // ... and nothing the functions no longer read.
    expect([...listed].filter((name) => !read.has(name)).sort()).toEqual([])
  })

  it('gives each variable one line of comment of its own, and each once', () => {
    const entries = exampleEntries()
    expect(entries.filter((e) => !/^# \S/.test(e.comment) || /^#\s*[A-Z][A-Z0-9_]*=/.test(e.comment)).map((e) => e.name)).toEqual([])
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length)
  })

  it('is a valid env file that sets nothing: copied as is, every variable is unset and no SUPABASE_* name is set', () => {
    const parsed = parseEnv(readFileSync(EXAMPLE, 'utf8'))
    expect(Object.entries(parsed).filter(([, value]) => value !== '')).toEqual([])
    expect(exampleEntries().filter((e) => e.active && e.name.startsWith('SUPABASE_'))).toEqual([])
  })
})
